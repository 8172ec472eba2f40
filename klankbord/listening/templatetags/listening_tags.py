"""Mark a monitor's words in a mention: escape first, then wrap matches, so no markup gets in."""

import re
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for term in terms:
        if term.endswith("*"):
            parts.append(r"\b" + re.escape(escape(term[:-1])) + r"\w*")
        elif term:
            parts.append(r"\b" + re.escape(escape(term)) + r"\b")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@register.filter
def highlight(text: str, terms: tuple[str, ...]) -> SafeString:
    escaped = escape(text or "")
    pattern = _pattern(tuple(terms or ()))
    if pattern is None:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308
