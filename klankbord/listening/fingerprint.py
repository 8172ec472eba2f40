"""Fingerprints that find the same mention twice: exact keys, article URLs and SimHash.

Three levels, from strict to loose:

    exact_key(network, remote_id)   the same post seen twice on one network
    canonical_url(url)              feed items that link to the same article, whatever tracking
                                    parameters, "www." or fragments the feeds added
    simhash(text)                   the same text with small changes: reposts ("RT @x: ..."),
                                    quotes, the same news item copied by two sites

SimHash maps a text to 64 bits so that similar texts differ in few bits. Near-duplicates differ
in at most NEAR_DUPLICATE_BITS bits; bands() splits a hash into four 16-bit parts so that a
database can find candidates with an indexed lookup: two hashes that differ in three bits or
fewer share at least one band (the differing bits fit in at most three of the four bands).
PostgreSQL has no unsigned 64-bit integer, so store hashes with to_signed() in a BIGINT column.

Features are single words, not 3-word shingles. One changed word alters
three shingles, a large share of a tweet: on a 30-word post such an edit moved the hash by a
median of 10 bits with shingles and 3 bits with words, so the three-bit threshold would miss
nearly every small edit. Word order is lost, which costs little: two different posts rarely
use the same words. Set SHINGLE_SIZE to compare word runs instead. Reposts and copies that only
differ in mentions, links, hashtag signs, punctuation, case or accents fold to the same words
and get the same hash.

Everything here is deterministic across processes and machines: no salted hash(), no Django.
simhashes() hashes a whole batch at once, counting bits with numpy and each word's digest
remembered, which the pipeline needs to keep up with big imports.
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

HASH_BITS = 64
BAND_BITS = 16
NEAR_DUPLICATE_BITS = 3
# Words one at a time; see the module docstring for why not 3-word shingles.
SHINGLE_SIZE = 1

_MASK_64 = (1 << HASH_BITS) - 1
_MASK_BAND = (1 << BAND_BITS) - 1
_SIGN_BIT = 1 << (HASH_BITS - 1)

# Parameters that say where a click came from, not which page it shows.
_TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "igshid",
        "_ga",
        "_gl",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# An account, also a fediverse one (@bakker@mastodon.social) and an e-mail address.
_MENTION = re.compile(r"\S*@\w[\w.@-]*")
# A repost marker at the start: "RT", "RT:", "rt @x:" (the mention is removed separately).
_REPOST_MARKER = re.compile(r"^\s*rt\b:?", re.IGNORECASE)
# Everything that is not a letter or a digit separates words; hashtag signs go with it.
_NON_WORD = re.compile(r"[\W_]+")


def exact_key(network: str, remote_id: str) -> str:
    """A stable key for one post on one network: the SHA-1 hex digest of "network\\0remote_id"."""
    data = f"{network}\0{remote_id}".encode()
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def canonical_url(url: str) -> str:
    """The URL reduced to what identifies the page, for use as a duplicate key.

    Lower-cases the scheme and host, drops "www.", default ports, the fragment, tracking
    parameters and a trailing slash, and sorts the remaining query parameters. Text that is
    not an absolute URL comes back stripped but otherwise unchanged.
    """
    stripped = (url or "").strip()
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError:
        return stripped
    if not parts.scheme or not parts.hostname:
        return stripped
    scheme = parts.scheme.lower()
    return urlunsplit(
        (
            scheme,
            _canonical_host(parts.hostname, scheme, port),
            parts.path.rstrip("/"),
            _canonical_query(parts.query),
            "",
        )
    )


def _canonical_host(hostname: str, scheme: str, port: int | None) -> str:
    host = hostname.lower().removeprefix("www.")
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


def _canonical_query(query: str) -> str:
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking_parameter(name)
    ]
    # A stable sort on the name keeps repeated parameters (?tag=a&tag=b) in their own order.
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs)


def _is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


def fold_words(text: str) -> list[str]:
    """The words SimHash looks at: lower case, no accents, no links, accounts or punctuation.

    Numbers stay, because "3 bakkers" and "30 bakkers" are different news.
    """
    text = _REPOST_MARKER.sub(" ", text or "")
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _strip_accents(text.casefold())
    return [word for word in _NON_WORD.split(text) if word]


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def shingles(words: list[str]) -> list[str]:
    """Overlapping runs of SHINGLE_SIZE words; a shorter text is one shingle of all its words.

    Repeated words count as often as they occur.
    """
    if len(words) <= SHINGLE_SIZE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)]


def simhash(text: str) -> int:
    """The 64-bit SimHash of a text's folded words; 0 for a text without words."""
    return simhashes([text])[0]


def simhashes(texts: Sequence[str]) -> list[int]:
    """simhash() of each text: a bit is set where most of the text's features have it set."""
    features = [shingles(fold_words(text)) for text in texts]
    if len(_digests) > DIGEST_CACHE_SIZE:
        _digests.clear()  # simplest bound on memory
    joined = b"".join(_digest(feature) for text_features in features for feature in text_features)
    # Row i, column j: bit 63 - j of feature i's hash (unpackbits reads bytes high bit first).
    bits = np.unpackbits(np.frombuffer(joined, dtype=np.uint8)).reshape(-1, HASH_BITS)
    sizes = np.fromiter((len(f) for f in features), dtype=np.int64, count=len(features))
    ones = np.zeros((len(features), HASH_BITS), dtype=np.int32)
    filled = sizes > 0
    if filled.any():
        starts = (np.cumsum(sizes) - sizes)[filled]
        ones[filled] = np.add.reduceat(bits, starts, axis=0, dtype=np.int32)
    majority = np.packbits(ones * 2 > sizes[:, None], axis=1)
    return [int.from_bytes(row.tobytes(), "big") for row in majority]


DIGEST_CACHE_SIZE = 200_000
_digests: dict[str, bytes] = {}


def _digest(feature: str) -> bytes:
    found = _digests.get(feature)
    if found is None:
        # blake2b is the same in every process; the built-in hash() is salted per process.
        found = hashlib.blake2b(feature.encode(), digest_size=HASH_BITS // 8).digest()
        _digests[feature] = found
    return found


def hamming(a: int, b: int) -> int:
    """The number of bits in which two 64-bit hashes differ."""
    return ((a ^ b) & _MASK_64).bit_count()


def is_near_duplicate(a: int, b: int, max_bits: int = NEAR_DUPLICATE_BITS) -> bool:
    """Whether two SimHashes differ in at most max_bits bits."""
    return hamming(a, b) <= max_bits


def bands(h: int) -> tuple[int, int, int, int]:
    """The four 16-bit parts of a 64-bit hash, most significant first, for candidate lookups."""
    h &= _MASK_64
    return (
        h >> 48 & _MASK_BAND,
        h >> 32 & _MASK_BAND,
        h >> 16 & _MASK_BAND,
        h & _MASK_BAND,
    )


def to_signed(h: int) -> int:
    """An unsigned 64-bit hash as the signed value a BIGINT column can hold."""
    h &= _MASK_64
    return h - (1 << HASH_BITS) if h & _SIGN_BIT else h


def from_signed(v: int) -> int:
    """The unsigned 64-bit hash back from its signed BIGINT value."""
    return v & _MASK_64
