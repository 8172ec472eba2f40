"""Words for the Measure page."""

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klankbord.analytics.moments import ActiveMoments
from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.strategy import texts as plan_texts

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


# --- what works ---------------------------------------------------------------------------------

# Each table of "What works": its heading and the name of its first column.
GROUPINGS = {
    "channels": (_("Per channel"), _("Channel")),
    "pillars": (_("Per content pillar"), _("Content pillar")),
    "formats": (_("Per format"), _("Format")),
}
FORMATS = {"image": _("Image"), "link": _("Link"), "text": _("Text only")}
NO_PILLAR = _("No pillar")
DAYPARTS = {
    "morning": pgettext_lazy("part of the day", "morning"),
    "afternoon": pgettext_lazy("part of the day", "afternoon"),
    "evening": pgettext_lazy("part of the day", "evening"),
    "night": pgettext_lazy("part of the day", "night"),
}
# Dutch writes one word ("dinsdagavond"); the translation decides where the space goes.
MOMENT = pgettext_lazy("a weekday and a part of the day", "%(weekday)s %(daypart)s")


def moment_label(weekday: int, daypart: str) -> str:
    """A weekday and a part of the day in words, e.g. "Tuesday evening"."""
    return str(MOMENT) % {"weekday": WEEKDAYS[weekday], "daypart": DAYPARTS[daypart]}


def channel_label(channel: Channel) -> str:
    """The network and the account, as Measure names a channel."""
    try:
        network = str(connector_class(channel.network).label)
    except KeyError:  # a network no longer offered: its posts still count
        network = str(plan_texts.NETWORKS.get(channel.network, channel.network))
    return f"{network} {channel.handle}"
