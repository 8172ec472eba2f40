"""Counts a network may not give (views, saves): a dash with its reason, never 0."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from klankbord.analytics.results import Tally
from klankbord.analytics.texts import (
    DASH_MEANS,
    MISSING,
    NOT_GIVEN,
    clicks_of,
    count_text,
    saves_of,
    views_of,
)

register = template.Library()


@register.filter
def figure(value: int | None) -> str | SafeString:
    """The count in the reader's notation, or a dash that says why it is missing."""
    if value is None:
        return format_html('<span class="missing" title="{}">{}</span>', NOT_GIVEN, MISSING)
    return count_text(value)


@register.filter
def views_note(tally: Tally) -> str:
    return views_of(tally)


@register.filter
def saves_note(tally: Tally) -> str:
    return saves_of(tally)


@register.filter
def clicks_note(tally: Tally) -> str:
    return clicks_of(tally)


@register.simple_tag
def dash_means() -> str:
    return str(DASH_MEANS)
