"""Text measures that networks count by (graphemes and UTF-8 bytes), and links in running text."""

import re

import regex

# A web address in running text: from http(s):// up to a space, a quote or an angle bracket.
LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# The same, without the punctuation of the sentence around it ("see https://x.be/brood.").
LINK_IN_SENTENCE = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)

GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters: 👍🏽 and é (e + accent) each count once."""
    return len(GRAPHEME.findall(text))


def utf8_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of a Python string index (Bluesky facets use bytes)."""
    return len(text[:index].encode("utf-8"))


# An emoji: a pictograph, a flag's letters or a keycap (Threads counts its UTF-8 bytes).
EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3")


def threads_length(text: str) -> int:
    """Threads' count: a character is one, an emoji as many as its UTF-8 bytes (🥐 is 4)."""
    return sum(
        len(cluster.encode("utf-8")) if EMOJI.search(cluster) else 1
        for cluster in GRAPHEME.findall(text)
    )
