"""Duplicate keys and SimHash: the same mention via two routes is found, different news is not."""

import hashlib
import random

from klankbord.listening.fingerprint import (
    NEAR_DUPLICATE_BITS,
    bands,
    canonical_url,
    exact_key,
    fold_words,
    from_signed,
    hamming,
    is_near_duplicate,
    shingles,
    simhash,
    simhashes,
    to_signed,
)

TITLE = "Nieuwe bakkerij Het Gouden Korenaar opent zaterdag in Leuven"
SUMMARY = (
    "Eigenaar Sofie Peeters bakte jarenlang in Mechelen en brengt haar zuurdesembrood en "
    "Vlaamse pistolets mee. Tijdens het openingsweekend krijgt elke klant een gratis koffiekoek."
)
ARTICLE = f"{TITLE}\n{SUMMARY}"
POST = (
    "Onze nieuwe zuurdesembroden liggen vanaf morgen in de winkel in de Diestsestraat, "
    "kom zeker proeven! #leuven #bakker"
)


def test_exact_key_is_the_sha1_of_network_and_id():
    assert exact_key("mastodon", "123") == exact_key("mastodon", "123")
    assert exact_key("mastodon", "123") != exact_key("bluesky", "123")
    # The separator keeps ("ab", "c") and ("a", "bc") apart.
    assert exact_key("ab", "c") != exact_key("a", "bc")
    # hashlib.sha1(b"rss\0x").hexdigest(), recorded once.
    assert exact_key("rss", "x") == "2906fd0386d51e2b6d367a5474e0081478983d0a"


def test_canonical_url_drops_tracking_fragments_www_and_trailing_slash():
    from_feed_a = (
        "HTTPS://WWW.Nieuwsblad.be/regio/leuven/bakker/?utm_source=rss&b=2&a=1&fbclid=x#top"
    )
    from_feed_b = " https://nieuwsblad.be/regio/leuven/bakker?a=1&utm_medium=feed&ref=hp&b=2 "
    expected = "https://nieuwsblad.be/regio/leuven/bakker?a=1&b=2"
    assert canonical_url(from_feed_a) == expected
    assert canonical_url(from_feed_b) == expected


def test_canonical_url_keeps_what_identifies_the_page():
    # The path keeps its case and repeated parameters keep their order.
    assert canonical_url("https://x.be/Nieuws?tag=b&tag=a") == "https://x.be/Nieuws?tag=b&tag=a"
    assert canonical_url("http://x.be:8080/a") == "http://x.be:8080/a"
    assert canonical_url("https://x.be:443/") == "https://x.be"
    assert canonical_url("https://x.be/?gclid=1&mc_cid=2&mc_eid=3&igshid=4&UTM_Campaign=5") == (
        "https://x.be"
    )


def test_canonical_url_leaves_non_urls_alone():
    assert canonical_url("") == ""
    assert canonical_url("  geen url ") == "geen url"
    assert canonical_url("https://x.be:notaport/") == "https://x.be:notaport/"


def test_fold_words_drops_links_accounts_hashtag_signs_accents_and_punctuation():
    text = "RT @bakker@mastodon.social: Café déjà 3 broden! https://x.be/a #Leuven www.x.be"
    assert fold_words(text) == ["cafe", "deja", "3", "broden", "leuven"]


def test_same_article_from_two_feeds_is_a_near_duplicate():
    other_feed = f"  {TITLE}  \n\n {SUMMARY.replace(' en ', '  en ')} "
    assert hamming(simhash(ARTICLE), simhash(other_feed)) == 0
    assert is_near_duplicate(simhash(ARTICLE), simhash(other_feed))


def test_repost_is_a_near_duplicate():
    repost = f"RT @bakkerpeeters: {POST}"
    assert simhash(repost) == simhash(POST)


def test_one_changed_word_in_an_article_is_a_near_duplicate():
    changed = ARTICLE.replace("zaterdag", "zondag")
    assert hamming(simhash(ARTICLE), simhash(changed)) == 2
    assert is_near_duplicate(simhash(ARTICLE), simhash(changed))


def test_most_one_word_edits_of_a_thirty_word_text_stay_within_three_bits():
    words = ARTICLE.split()
    original = simhash(ARTICLE)
    distances = []
    for position in range(len(words)):
        edited = [*words[:position], "vervangen", *words[position + 1 :]]
        distances.append(hamming(original, simhash(" ".join(edited))))
    within = sum(distance <= NEAR_DUPLICATE_BITS for distance in distances)
    assert within / len(distances) > 0.7


def test_different_posts_about_the_same_topic_are_not_near_duplicates():
    opening = simhash("Nieuwe bakker opent in Leuven")
    closing = simhash("Bakkerij in Gent sluit de deuren")
    assert hamming(opening, closing) > 10
    assert not is_near_duplicate(opening, closing)
    assert not is_near_duplicate(simhash(ARTICLE), simhash(POST))


def test_simhash_is_the_same_in_every_process():
    # Recorded once; a salted hash() would give another value in each new process.
    assert simhash("Nieuwe bakker opent in Leuven") == 1700294463348835322
    assert simhash("Hallo") == 18159258390351227950


def majority_of_bits(text: str) -> int:
    """SimHash as defined: bit i is set where most features' blake2b hashes have it set."""
    features = shingles(fold_words(text))
    hashes = [
        int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "big") for f in features
    ]
    return sum(1 << bit for bit in range(64) if sum(1 if h >> bit & 1 else -1 for h in hashes) > 0)


def test_a_batch_gets_the_simhash_of_each_text_as_defined():
    texts = [ARTICLE, "", POST, "!!! @x", "Hallo", "één woord " * 300, TITLE]
    assert simhashes(texts) == [majority_of_bits(text) for text in texts]
    assert simhashes([]) == []


def test_simhash_of_short_and_empty_texts():
    assert simhash("") == 0
    assert simhash("!!! @x https://x.be") == 0
    assert simhash("Hallo") != simhash("Dag")
    assert 0 <= simhash(POST) < 2**64


def test_three_differing_bits_leave_at_least_one_band_equal():
    rng = random.Random(7)
    for _ in range(500):
        h = rng.getrandbits(64)
        flipped = h
        for bit in rng.sample(range(64), 3):
            flipped ^= 1 << bit
        assert hamming(h, flipped) == 3
        assert any(a == b for a, b in zip(bands(h), bands(flipped), strict=True))


def test_bands_are_the_four_16_bit_parts():
    assert bands(0x0123_4567_89AB_CDEF) == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert all(0 <= band < 2**16 for band in bands(2**64 - 1))


def test_signed_storage_round_trips():
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 1, simhash(POST)):
        signed = to_signed(value)
        assert -(2**63) <= signed < 2**63
        assert from_signed(signed) == value
    assert to_signed(2**64 - 1) == -1
