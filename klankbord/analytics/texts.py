"""Words for the Measure page."""

from django.utils.translation import gettext_lazy as _

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
