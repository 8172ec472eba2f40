"""The timer in the header: one query, only on pages of an organisation for members who record."""

from typing import Any

from django import template

from klankbord.orgs.models import Membership
from klankbord.timekeeping.selectors import RECORDS, running_timer
from klankbord.timekeeping.timer import timer_context

register = template.Library()


@register.inclusion_tag("timekeeping/partials/header_timer.html", takes_context=True)
def header_timer(context: template.Context, membership: Membership | None) -> dict[str, Any]:
    if membership is None or not membership.has_role(RECORDS):
        return {"hidden": True}
    request = context.get("request")
    next_url = request.get_full_path() if request is not None else ""
    return timer_context(membership, running_timer(membership), next_url)


@register.filter
def hours_minutes(minutes: int | None) -> str:
    """90 → "1:30": hours and minutes read the same in Dutch, French and English."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


@register.filter
def minutes_input(minutes: int) -> str:
    """What a time field shows: 40 as "40", 65 as "1:05" (both are read back the same)."""
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes >= 60 else str(minutes)
