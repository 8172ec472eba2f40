"""Words for the Measure page."""

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from klankbord.analytics.moments import ActiveMoments

STATUSES = {
    "achieved": _("Achieved"),
    "on_track": _("On track"),
    "behind": _("Behind"),
    "manual": _("Enter at the review"),
    "no_target": _("No target"),
}
# The badge colour of each status, from the shared stylesheet.
BADGES = {
    "achieved": "ok",
    "on_track": "ok",
    "behind": "bad",
    "manual": "neutral",
    "no_target": "warn",
}
UNITS = {"count": "", "percent": "%", "minutes": _("min")}


def moment_rows(found: ActiveMoments | None) -> list[tuple[str, str, int]]:
    """Each busy hour as weekday, hour span and count, e.g. ("dinsdag", "12:00-13:00", 30)."""
    if found is None:
        return []
    return [
        (str(WEEKDAYS[m.weekday]), f"{m.hour:02d}:00-{m.hour + 1:02d}:00", m.count)
        for m in found.busiest
    ]
