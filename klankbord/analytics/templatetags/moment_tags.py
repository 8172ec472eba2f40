"""The best and busiest moments of the week, for pages of the plan and of publishing.

Measure reads posts and the plan, so those apps never import it: their pages load these tags.
"""

from datetime import time
from typing import Any

from django import template

from klankbord.analytics.moments import active_moments
from klankbord.analytics.results import best_moments
from klankbord.analytics.texts import moment_rows
from klankbord.orgs.models import Organisation

register = template.Library()

# Where in a part of the day a suggested queue slot goes; nobody wants a slot at night.
SLOT_TIMES = {"morning": time(9, 0), "afternoon": time(14, 0), "evening": time(19, 30)}


@register.simple_tag
def best_moment_labels(organisation: Organisation) -> list[str]:
    """The moments whose posts got the most reactions lately, in words, best first."""
    return [group.label for group in best_moments(organisation)]


@register.simple_tag
def suggested_slots(organisation: Organisation) -> list[tuple[str, int, time]]:
    """A queue slot in each of the best moments: (label, weekday, time); not at night."""
    suggested = []
    for group in best_moments(organisation):
        weekday, daypart = group.key.split(":")
        if daypart in SLOT_TIMES:
            suggested.append((group.label, int(weekday), SLOT_TIMES[daypart]))
    return suggested


@register.inclusion_tag("analytics/partials/active_moments.html")
def busiest_hours(organisation: Organisation) -> dict[str, Any]:
    """The busiest hours of the week from mentions and messages, once there is enough to tell."""
    found = active_moments(organisation)
    return {"active_moments": found, "moment_rows": moment_rows(found)}
