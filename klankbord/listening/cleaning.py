"""Make the text of incoming mentions safe and clean before anything else looks at it.

    clean_text(raw)                 plain text: mojibake repaired ("CafÃ©" becomes "Café"), control
                                    characters gone, spaces collapsed, at most MAX_LENGTH long
    clean_text(raw, is_html=True)   the same for HTML (feed items, Mastodon statuses): scripts and
                                    styles dropped with their content, paragraphs and line breaks
                                    kept as newlines, entities unescaped
    safe_html(raw)                  sanitised HTML that keeps a mention's simple formatting
    looks_like_html(text)           a quick guess whether a text is HTML

HTML is parsed by nh3 (the Rust html5ever parser behind the ammonia sanitiser), never by
regular expressions. The regular expressions that touch tags run on nh3's own output, in which
the few tags left are serialised in a fixed form without attributes. Plain text keeps entities
as typed ("&amp;" stays); pass is_html=True for text that is really HTML.

Input is trimmed before the expensive steps (MAX_RAW_INPUT characters, MAX_TAGS tags), so even
a megabyte costs a few milliseconds; the trimmed part would have been cut off by MAX_LENGTH
anyway, and the text then ends in ELLIPSIS.
"""

import re

import ftfy
import nh3
from ftfy.badness import is_bad

from klankbord.lib.html_text import DROPPED_WITH_CONTENT, html_to_text

# The longest cleaned text; longer texts are cut at a word boundary and end in ELLIPSIS.
MAX_LENGTH = 10_000
ELLIPSIS = "…"
# Input beyond this many characters is not read at all; markup is usually most of an HTML page.
MAX_RAW_INPUT = 100_000
# HTML beyond this many tags is not read: deeply nested blocks make parsing quadratic.
MAX_TAGS = 2_000
# safe_html shows at most this much markup; nh3 closes whatever the cut leaves open.
MAX_SAFE_HTML_INPUT = 2 * MAX_LENGTH
# Text beyond this many characters is not repaired; repair never makes text much shorter.
MAX_TEXT_INPUT = MAX_LENGTH + 2_000
# A cut looks this far back for a space before it cuts a word in two.
WORD_BOUNDARY_WINDOW = 200

SAFE_TAGS = frozenset({"a", "p", "br", "strong", "em", "ul", "ol", "li", "blockquote"})
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
SAFE_LINK_REL = "nofollow noopener noreferrer"

_HTML_HINT = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,500})?/?>|&(?:[a-zA-Z]{2,8}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});"
)
# Control characters (Unicode category Cc) other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Horizontal spaces, including no-break and typographic spaces; tabs are left alone.
_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_EXTRA_NEWLINES = re.compile(r"\n{3,}")

# Repair encoding, but leave quotes as typed and entities alone: HTML is unescaped on purpose.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # ftfy handles these itself
_FTFY_CONFIG = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, explain=False)


def clean_text(raw: str | None, *, is_html: bool = False) -> str:
    """Plain, tidy text from a mention's raw text or HTML; "" for None or empty input."""
    if not raw:
        return ""
    limited = _limit_html(raw, MAX_RAW_INPUT) if is_html else raw[:MAX_RAW_INPUT]
    trimmed = len(limited) < len(raw)
    text = html_to_text(limited) if is_html else limited
    # Control characters stay until ftfy has seen them: C1 codes are often mojibake.
    text = _collapse_spaces(_normalise_line_ends(text))
    if len(text) > MAX_TEXT_INPUT:
        trimmed = True
        text = text[:MAX_TEXT_INPUT]
    # Plain ASCII has no mojibake to repair; skipping ftfy there saves half the cleaning time.
    if not (text.isascii() and _ASCII_CONTROL.search(text) is None):
        # fix_text would repair line by line, at about 50 µs per line; one segment is 3x faster.
        text = ftfy.fix_text_segment(text, _FTFY_CONFIG)
    text = _collapse_spaces(_remove_control_characters(text))
    return truncate(text, MAX_LENGTH, force_ellipsis=trimmed)


def _limit_html(raw: str, max_length: int) -> str:
    raw = raw[:max_length]
    position = -1
    for _ in range(MAX_TAGS):
        position = raw.find("<", position + 1)
        if position == -1:
            return raw
    return raw[:position]


def _normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _remove_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


def _collapse_spaces(text: str) -> str:
    if text.isascii() and "  " not in text and "\n" not in text:
        return text.strip()  # most posts: nothing for the three expressions below to change
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _EXTRA_NEWLINES.sub("\n\n", text).strip()


def truncate(text: str, limit: int, *, force_ellipsis: bool = False) -> str:
    """Text cut to at most limit characters at a word boundary, ending in ELLIPSIS if cut."""
    if not text or (len(text) <= limit and not force_ellipsis):
        return text
    head = text[: limit - len(ELLIPSIS)]
    boundary = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    if boundary >= len(head) - WORD_BOUNDARY_WINDOW and boundary > 0:
        head = head[:boundary]
    return head.rstrip() + ELLIPSIS


def safe_html(raw: str | None) -> str:
    """Sanitised HTML that shows a mention's paragraphs, links, emphasis and lists.

    Only SAFE_TAGS survive; links keep only an http, https or mailto href and get
    rel="nofollow noopener noreferrer". Relative links are dropped, because they would point
    into Klankbord instead of the site the mention came from.
    """
    if not raw:
        return ""
    raw = _limit_html(raw, MAX_SAFE_HTML_INPUT)
    # The badness check is a quick scan; the full repair would be slow on a long page.
    if is_bad(raw):
        raw = ftfy.fix_text_segment(raw, _FTFY_CONFIG)
    return nh3.clean(
        raw,
        tags=set(SAFE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={"*": set(), "a": {"href"}},
        url_schemes=set(SAFE_URL_SCHEMES),
        link_rel=SAFE_LINK_REL,
        url_relative="deny",
    )


def looks_like_html(text: str | None) -> bool:
    """Whether a text contains something like an HTML tag or entity; a cheap guess."""
    if not text:
        return False
    return _HTML_HINT.search(text) is not None
