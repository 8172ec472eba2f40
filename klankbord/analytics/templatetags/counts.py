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
    rate_missing,
    rate_text,
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


@register.simple_tag
def engagement_rate(rate: float | None, network: str = "") -> SafeString:
    """Reactions in percent of views, or a dash with why there is none: never a 0 %."""
    if rate is None:
        reason = rate_missing(network)
        return format_html(
            '<span class="missing" title="{}">{}</span> <small class="muted">{}</small>',
            reason,
            MISSING,
            reason,
        )
    return format_html("{}", rate_text(rate))


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
