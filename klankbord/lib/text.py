"""Text measures that networks count by: graphemes and UTF-8 bytes."""

import regex

GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters: 👍🏽 and é (e + accent) each count once."""
    return len(GRAPHEME.findall(text))


def utf8_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of a Python string index (Bluesky facets use bytes)."""
    return len(text[:index].encode("utf-8"))
