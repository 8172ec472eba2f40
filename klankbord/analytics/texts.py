"""Words for the Measure page."""

from typing import TYPE_CHECKING

from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from klankbord.analytics.moments import ActiveMoments
from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.strategy import texts as plan_texts

if TYPE_CHECKING:  # results.py reads this module's words
    from klankbord.analytics.results import Tally

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
    return f"{network_label(channel)} {channel.handle}"


def network_label(channel: Channel) -> str:
    try:
        return str(connector_class(channel.network).label)
    except KeyError:  # a network no longer offered: its posts still count
        return str(plan_texts.NETWORKS.get(channel.network, channel.network))


# --- views and saves: counts some networks give and others do not --------------------------------

MISSING = "\u2013"  # an en dash for a count the network did not give: never a 0
NOT_GIVEN = _("Not given by the network")
DASH_MEANS = _(
    "A dash (–) means the network did not give this count: not every network counts views, "  # noqa: RUF001
    "and some give none for a post that few people saw."
)


def count_text(value: int | None) -> str:
    """A count in the reader's notation (12.345, 12 345, 12,345); a dash when not given."""
    return MISSING if value is None else number_format(value, force_grouping=True)


# --- engagement rate: reactions in percent of views ----------------------------------------------


def rate_text(rate: float) -> str:
    """A rate in percent in the reader's notation, one decimal: "4,2 %" in Dutch and French."""
    # number_format cuts decimals off: round first, so 66.67 reads 66.7.
    return f"{number_format(round(rate, 1), decimal_pos=1, force_grouping=True)}\u00a0%"


def rate_missing(network: str = "") -> str:
    """Why a post or channel has no engagement rate."""
    if network:
        return _("not given by %(network)s") % {"network": network}
    return str(NO_VIEWS)


NO_VIEWS = _("no views given for these posts")


def views_of(tally: "Tally") -> str:
    """Which posts a total of views covers, after the total: "1.234 views of 3 of 5 posts"."""
    text = ngettext(
        "views of %(given)s of %(posts)s post", "views of %(given)s of %(posts)s posts", tally.posts
    )
    return text % {"given": tally.given, "posts": tally.posts}


def saves_of(tally: "Tally") -> str:
    text = ngettext(
        "saves of %(given)s of %(posts)s post", "saves of %(given)s of %(posts)s posts", tally.posts
    )
    return text % {"given": tally.given, "posts": tally.posts}


def clicks_of(tally: "Tally") -> str:
    """Which posts a total of clicks covers: only posts with tracked links are counted."""
    text = ngettext(
        "on the tracked links of %(given)s of %(posts)s post",
        "on the tracked links of %(given)s of %(posts)s posts",
        tally.posts,
    )
    return text % {"given": tally.given, "posts": tally.posts}
