"""The composer counts a post the way each network will.

X figures marked "conformance" are from twitter-text's conformance/tests/validate.yml,
WeightedTweetsWithDiscountedEmojiCounterTest (the v3 configuration with emoji parsing).
"""

import json
from collections.abc import Iterator
from importlib.resources import files

import pytest
from django.utils import translation

from klankbord.publishing.counting import (
    NETWORK_TEXT_RULES,
    count,
    how_counted,
    link_spans,
    x_config,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧
FLAG = "\U0001f1e7\U0001f1ea"  # 🇧🇪
FLEMISH = "Ge moogt gerust binnenspringen, 't is hier gezellig! Één croissant?"
LONG_URL = (
    "https://www.bakkerij-janssens.be/nieuws/2025/onze-nieuwe-zuurdesembroden?utm=nieuwsbrief"
)
# The poem's commas are fullwidth, like its full stops.
CJK_POEM = (
    "故人西辞黄鹤楼,烟花三月下扬州。孤帆远影碧空尽,唯见长江天际流。朱雀桥边野草花,乌衣巷口夕阳斜。"
    "旧时王谢堂前燕,飞入寻常百姓家。朝辞白帝彩云间,千里江陵一日还。两岸猿声啼不住,轻舟已过万重山。"
    "泪湿罗巾梦不成,夜深前殿按歌声。红颜未老恩先断,斜倚薰笼坐到明。独在异乡为异客,每逢佳节倍思亲。"
    "遥知兄弟登高处,遍插茱萸少一人。"
).replace(",", "\N{FULLWIDTH COMMA}")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_a_family_emoji_is_one_character_on_mastodon_and_bluesky_and_two_on_x() -> None:
    assert count(FAMILY, "mastodon").used == 1
    assert count(FAMILY, "bluesky").used == 1
    assert count(FAMILY, "x").used == 2


def test_a_flag_is_one_character_on_mastodon_and_bluesky_and_two_on_x() -> None:
    assert count(FLAG, "mastodon").used == 1
    assert count(FLAG, "bluesky").used == 1
    assert count(FLAG, "x").used == 2


def test_an_accent_typed_separately_counts_as_one_character() -> None:
    decomposed = "cafe\u0301"
    for network in ("mastodon", "bluesky", "x", "linkedin", "instagram"):
        assert count(decomposed, network).used == 4, network


def test_flemish_text_with_accents_counts_one_per_letter_everywhere() -> None:
    assert len(FLEMISH) == 67
    for network in NETWORK_TEXT_RULES:
        assert count(FLEMISH, network).used == 67, network


def test_a_long_link_counts_23_on_mastodon_and_x_and_in_full_on_bluesky() -> None:
    text = f"Nieuw: {LONG_URL}"
    assert count(text, "mastodon").used == 7 + 23
    assert count(text, "x").used == 7 + 23
    assert count(text, "bluesky").used == 7 + len(LONG_URL)


def test_a_link_without_https_counts_23_on_x_but_in_full_on_mastodon() -> None:
    assert count("Bestel op bakkerij.be/brood", "x").used == len("Bestel op ") + 23
    assert count("Bestel op bakkerij.be/brood", "mastodon").used == 27


def test_it_finds_links_with_and_without_scheme_but_not_email_addresses() -> None:
    text = (
        "Zie https://bakkerij.be/brood?x=1. Of (www.bakkerij.be), bakkerij.be/taart "
        "of info@bakkerij.be"
    )
    links = [text[start:end] for start, end in link_spans(text, bare=True)]
    assert links == ["https://bakkerij.be/brood?x=1", "www.bakkerij.be", "bakkerij.be/taart"]
    assert [text[s:e] for s, e in link_spans(text, bare=False)] == ["https://bakkerij.be/brood?x=1"]


def test_a_mastodon_mention_on_another_server_counts_only_the_name() -> None:
    assert count("Dank je @an@mastodon.social!", "mastodon").used == len("Dank je @an!")
    assert count("Dank je @an@mastodon.social!", "bluesky").used == 28


def test_a_mastodon_instance_can_have_its_own_limit_and_link_length() -> None:
    result = count("a" * 600, "mastodon", limit=1000)
    assert (result.used, result.limit, result.over) == (600, 1000, False)
    assert count("https://bakkerij.be", "mastodon", link_length=30).used == 30


def test_x_counts_cjk_characters_as_two() -> None:
    # conformance: "160 CJK char, overflow at char index 140"
    assert count(CJK_POEM, "x").used == 320
    # conformance: "3 latin char + 160 CJK char, overflow at char index 141"
    assert count("the" + CJK_POEM, "x").used == 323
    assert count(CJK_POEM, "bluesky").used == 160


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi http://test.co", 26),  # conformance: "Regular Tweet with url"
        ("http://test.co", 23),  # conformance: "Just url"
        ("https://www.twitter.com/aloha " * 10, 240),  # conformance: "10 url string"
        ("xxxxxxxxxx-" * 24 + " http://www.twitter.com/jack ", 289),  # "url at the end"
        ("😷" * 160, 320),  # conformance: "160 emoji char"
        ("😷👾😡🔥💩", 10),  # conformance: emoji inside the basic multilingual plane
        ("H🐱☺\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 7),  # mixed
        ("🙋🏽\U0001f468\u200d🎤", 4),  # conformance: skin tone modifiers
        ("A\u0301B", 2),  # conformance: "'Á' is normalized into 1 char"
        ("A\ufb2c", 4),  # conformance: "שּׁ is normalized into 3 chars"
        ("randomurl" * 7 + "s.com", 68),  # conformance: a 64 character domain is no link
    ],
)
def test_x_weighted_length_matches_twitter_text(text: str, expected: int) -> None:
    assert count(text, "x").used == expected


def test_x_rule_matches_the_twitter_text_configuration() -> None:
    raw = json.loads(
        files("klankbord.publishing").joinpath("data/twitter-text-v3.json").read_text("utf-8")
    )
    assert raw["version"] == 3
    assert NETWORK_TEXT_RULES["x"].limit == x_config().max_length == 280
    assert NETWORK_TEXT_RULES["x"].link_length == x_config().url_length == 23


def test_exactly_at_the_limit_fits_and_one_more_is_over() -> None:
    at_limit = count("a" * 300, "bluesky")
    assert (at_limit.used, at_limit.remaining, at_limit.over, at_limit.ok) == (300, 0, False, True)
    over = count("a" * 300 + "🥐", "bluesky")
    assert (over.used, over.remaining, over.over, over.ok) == (301, -1, True, False)
    assert over.reasons == ("This is 1 character too long for Bluesky (301 of 300).",)


def test_x_is_over_at_281_weighted() -> None:
    # conformance: "282 chars with a normalized character within valid range but outside 280"
    text = "282 chars-" + "xxxxxxxxxx-" * 24 + "xxxxxA\u0301x"
    assert count(text, "x").used == 281
    assert count(text, "x").over
    assert not count("a" * 280, "x").over


def test_it_explains_why_x_counts_more_than_one_sees() -> None:
    result = count("🥐" * 141, "x")
    assert result.reasons == (
        "This is 2 characters too long for X (282 of 280).",
        "X counts most emoji and CJK characters as 2 and every link as 23.",
    )


def test_it_does_not_explain_the_counting_when_it_is_what_one_sees() -> None:
    assert count("a" * 281, "x").reasons == ("This is 1 character too long for X (281 of 280).",)


def test_instagram_allows_at_most_30_hashtags() -> None:
    tags = " ".join(f"#brood{n}" for n in range(34))
    assert count(tags, "instagram").reasons == (
        "Instagram allows at most 30 hashtags (this text has 34).",
    )
    assert count(" ".join(f"#brood{n}" for n in range(30)), "instagram").ok


def test_a_link_fragment_is_not_a_hashtag() -> None:
    text = "https://bakkerij.be/#openingsuren " + " ".join(f"#t{n}" for n in range(30))
    assert count(text, "instagram").ok


def test_the_other_networks_count_characters_up_to_their_limit() -> None:
    for network, limit in [("linkedin", 3000), ("facebook", 63206), ("instagram", 2200)]:
        assert count("a" * limit, network).ok
        assert count("a" * (limit + 1), network).over
    assert count("a" * 501, "threads").over
    assert count("a" * 501, "sandbox").over


def test_a_feed_has_no_limit_to_be_over() -> None:
    result = count("a" * 10_000, "rss")
    assert (result.limit, result.over, result.ok) == (0, False, True)


def test_how_counted_says_the_rule_in_plain_words() -> None:
    assert how_counted("mastodon") == (
        "500 characters; every link counts as 23 and @name@server as @name"
    )
    assert how_counted("mastodon", limit=1000).startswith("1000 characters")
    assert how_counted("x") == (
        "280; most emoji and CJK characters count as 2 and every link as 23"
    )
    assert how_counted("instagram") == "2200 characters and at most 30 hashtags"
    assert how_counted("bluesky") == "300 characters as you see them; links count in full"


def test_an_unknown_network_is_an_error() -> None:
    with pytest.raises(ValueError, match="myspace"):
        count("Hallo", "myspace")
    with pytest.raises(ValueError, match="myspace"):
        how_counted("myspace")
