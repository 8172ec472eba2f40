"""Markdown-light text as HTML, read into the same blocks as lib.pdf, so a preview shows what the
PDF prints. Everything is escaped; only **bold** and the block structure become markup."""

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from klankbord.lib.pdf import BOLD, Block, Bullets, Heading, Paragraph, blocks_from_markdown


def markdown_html(text: str, *, top: int = 2) -> SafeString:
    """`top` is the HTML level of a "# " heading, so the text fits under the page's own <h1>."""
    return mark_safe("\n".join(_block(block, top) for block in blocks_from_markdown(text)))  # noqa: S308


def _block(block: Block, top: int) -> str:
    if isinstance(block, Heading):
        level = min(top + block.level - 1, 6)
        return format_html("<h{}>{}</h{}>", level, _inline(block.text), level)
    if isinstance(block, Paragraph):
        return format_html("<p>{}</p>", _inline(block.text))
    if isinstance(block, Bullets):
        items = format_html_join("", "<li>{}</li>", ((_inline(item),) for item in block.items))
        return format_html("<ul>{}</ul>", items)
    return ""  # the markdown subset has no tables or notes


def _inline(text: str) -> SafeString:
    # Escaped first: the bold marks are the only markup that can come out of user text.
    return mark_safe(BOLD.sub(r"<strong>\1</strong>", escape(text)))  # noqa: S308
