"""The text of an HTML fragment, parsed by nh3 (html5ever), never by regular expressions.

Used for what networks and feeds send as HTML: a Mastodon status, a feed item. The regular
expressions below run on nh3's own output, in which the few tags left are serialised in a fixed
form without attributes.
"""

import html
import re

import nh3

# Tags whose content is never text a person wrote.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "template",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "textarea",
        "select",
    }
)
# Tags that end a paragraph: a blank line in the text.
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
# Tags that end a line.
_LINE_TAGS = frozenset(
    {
        "br",
        "hr",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "address",
    }
)
# These run on nh3's output only, where tags are serialised as <p>, </p> and <br>.
_PARAGRAPH_TAG = re.compile(r"</?(?:{})>".format("|".join(sorted(_PARAGRAPH_TAGS))))
# A run of block tags ("</li></ul>") is one line end; every <br> counts.
_LINE_TAGS_RUN = re.compile(r"(?:</?(?:{})>)+".format("|".join(sorted(_LINE_TAGS - {"br"}))))
_BREAK_TAG = re.compile(r"<br>")


def html_to_text(raw: str) -> str:
    """The text of an HTML fragment, with paragraphs and line breaks as newlines.

    Callers limit the input first (see listening.cleaning.clean_text): parsing cost grows with
    length and depth.
    """
    layout_only = nh3.clean(
        raw,
        tags=set(_PARAGRAPH_TAGS | _LINE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={"*": set()},
        link_rel=None,
    )
    # Both ends of a block break the line, so "a<div>b</div>c" does not become "abc".
    with_newlines = _PARAGRAPH_TAG.sub("\n\n", layout_only)
    with_newlines = _BREAK_TAG.sub("\n", _LINE_TAGS_RUN.sub("\n", with_newlines))
    return html.unescape(with_newlines)
