"""Share of voice: how much is said about the business against each competitor, per period.

Two kinds of sides: "own" (the mentions of every brand and product monitor, each mention once
however many of those monitors found it) and one side per competitor monitor. A mention that
names the business and a competitor counts on both sides; the share of a side is its mentions
over the sum of all sides, so the shares add up to 100 %.

Dates are the organisation's local calendar dates, both ends included; a mention belongs to the
period in which it was published (as the listening KPIs count them).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.db.models.functions import Substr, TruncHour
from django.utils.translation import gettext as _

from klankbord.analytics import chart_shapes as shapes
from klankbord.analytics.chart_sets import Chart, day_text, number, week_text
from klankbord.analytics.charts import local, week_of, weeks_between
from klankbord.analytics.selectors import utc_range
from klankbord.channels.networks import connector_class
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import Organisation

OWN = "own"
OWN_KINDS = (Monitor.Kind.BRAND, Monitor.Kind.PRODUCT)
SENTIMENTS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Watched:
    """A source a side's monitors read, by name and network."""

    name: str
    network: str


@dataclass
class Side:
    key: str  # OWN, or "competitor-<monitor id>"
    label: str
    monitors: list[str]  # the names of the monitors that count for it
    sources: list[Watched]  # what they read; every source when one of them reads all
    all_sources: bool  # a monitor reads every source of the organisation
    source_ids: frozenset[int] = frozenset()
    mentions: int = 0
    previous: int = 0  # in the period of the same length just before
    sentiments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SENTIMENTS, 0))
    weeks: dict[date, int] = field(default_factory=dict)  # mentions per local ISO week
    share: float | None = None  # percent of all sides' mentions; None when nobody was mentioned
    previous_share: float | None = None
    # The names of its monitors that are paused: they find no new mentions, so the side counts
    # fewer than are said. When they were paused is not kept.
    paused: list[str] = field(default_factory=list)

    @property
    def own(self) -> bool:
        return self.key == OWN

    @property
    def paused_text(self) -> str:
        """Just "paused" when all of the side's monitors are, else which ones; "" when none is."""
        if not self.paused:
            return ""
        if len(self.paused) == len(self.monitors):
            return _("paused")
        return _("paused: %(monitors)s") % {"monitors": ", ".join(self.paused)}

    @property
    def net_sentiment(self) -> int | None:
        """Positive minus negative, in percent of the mentions: from -100 to +100."""
        if not self.mentions:
            return None
        positive, negative = self.sentiments["positive"], self.sentiments["negative"]
        return round(100 * (positive - negative) / self.mentions)

    @property
    def change(self) -> int | None:
        """The change in mentions against the previous period in percent; None without any."""
        if not self.previous:
            return None
        return round(100 * (self.mentions - self.previous) / self.previous)

    @property
    def share_change(self) -> float | None:
        """Percentage points of share won or lost against the previous period."""
        if self.share is None or self.previous_share is None:
            return None
        return round(self.share - self.previous_share, 1)

    def percent(self, sentiment: str) -> int | None:
        return round(100 * self.sentiments[sentiment] / self.mentions) if self.mentions else None

    @property
    def percent_positive(self) -> int | None:
        return self.percent("positive")

    @property
    def percent_neutral(self) -> int | None:
        return self.percent("neutral")

    @property
    def percent_negative(self) -> int | None:
        return self.percent("negative")


@dataclass(frozen=True)
class ShareOfVoice:
    start: date
    end: date
    previous_start: date
    previous_end: date
    own: Side | None  # None: no brand or product monitor yet
    competitors: list[Side]
    weeks: list[date]  # the Mondays of the period's local ISO weeks

    @property
    def sides(self) -> list[Side]:
        return ([self.own] if self.own else []) + self.competitors

    @property
    def total(self) -> int:
        return sum(side.mentions for side in self.sides)

    @property
    def comparable(self) -> bool:
        """Both sides are there: own monitors and at least one competitor's."""
        return self.own is not None and bool(self.competitors)

    @property
    def like_for_like(self) -> bool:
        """Every side reads the same sources; otherwise a side may just be listened to more."""
        return len({side.source_ids for side in self.sides}) <= 1

    @property
    def any_paused(self) -> bool:
        """A side has a paused monitor, so it counts fewer mentions than are said."""
        return any(side.paused for side in self.sides)

    def weekly(self, side: Side) -> list[int]:
        return [side.weeks.get(week, 0) for week in self.weeks]


def share_of_voice(organisation: Organisation, start: date, end: date) -> ShareOfVoice:
    """Own against competitors from start to end, and in the period of the same length before."""
    length = end - start + timedelta(days=1)
    previous_start, previous_end = start - length, start - timedelta(days=1)
    monitors = list(
        Monitor.objects.filter(organisation=organisation)
        .exclude(kind=Monitor.Kind.TRADE)
        .prefetch_related(Prefetch("sources", Source.objects.select_related("channel")))
        .order_by("name", "pk")
    )
    everything = _all_sources(organisation) if any(not _chosen(m) for m in monitors) else []
    own = [m for m in monitors if m.kind in OWN_KINDS]
    sides = {OWN: _side(OWN, _("Your business"), own, everything)} if own else {}
    for monitor in monitors:
        if monitor.kind == Monitor.Kind.COMPETITOR:
            sides[f"competitor-{monitor.pk}"] = _side(
                f"competitor-{monitor.pk}", monitor.name, [monitor], everything
            )
    weeks = weeks_between(start, end)
    period = _Period(
        since=utc_range(organisation, previous_start, previous_end)[0],
        begin=utc_range(organisation, start, end)[0],
        until=utc_range(organisation, start, end)[1],
    )
    clock = _Clock(organisation.timezone)
    for side in sides.values():
        side.weeks = dict.fromkeys(weeks, 0)
    if own:
        _fill(sides[OWN], _own_hours(organisation, own, period), period.begin, clock)
    competitors = [m for m in monitors if m.kind == Monitor.Kind.COMPETITOR]
    if competitors:
        for monitor_id, hours in _competitor_hours(organisation, competitors, period).items():
            _fill(sides[f"competitor-{monitor_id}"], hours, period.begin, clock)
    _shares(list(sides.values()))
    return ShareOfVoice(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        own=sides.get(OWN),
        competitors=[side for key, side in sides.items() if key != OWN],
        weeks=weeks,
    )


def _chosen(monitor: Monitor) -> list[Source]:
    return list(monitor.sources.all())


def _all_sources(organisation: Organisation) -> list[Source]:
    return list(
        Source.objects.filter(organisation=organisation, active=True).select_related("channel")
    )


def _side(key: str, label: str, monitors: list[Monitor], everything: list[Source]) -> Side:
    reads_all = any(not _chosen(monitor) for monitor in monitors)
    chosen = everything if reads_all else [s for m in monitors for s in _chosen(m)]
    watched = sorted({Watched(s.name, network_of(s)) for s in chosen}, key=_by_name)
    ids = frozenset(source.pk for source in chosen)
    paused = [m.name for m in monitors if not m.active]
    return Side(key, label, [m.name for m in monitors], watched, reads_all, ids, paused=paused)


def _by_name(watched: Watched) -> tuple[str, str]:
    return watched.name.lower(), watched.network


def network_of(source: Source) -> str:
    """The network a source reads, or what kind of source it is (a feed, an imported file)."""
    if source.channel is None:
        return str(Source.Kind(source.kind).label)
    try:
        return str(connector_class(source.channel.network).label)
    except KeyError:  # a network no longer offered
        return source.channel.network


@dataclass(frozen=True)
class _Period:
    since: datetime  # the start of the period before
    begin: datetime  # the start of the period
    until: datetime  # the end of the period


# Mentions per UTC hour and sentiment, both periods: one grouped pass instead of a conditional
# count per figure, which tests every mention once per figure.
Hours = list[tuple[Any, str, int]]


def _utc_hour(alias: str, field: str) -> Any:
    """The UTC hour of a moment in the database: the first 13 characters of SQLite's text.

    The periods start at local midnight, a whole UTC hour in the zones we serve; a zone with a
    half-hour offset would put that half hour's mentions in the neighbouring period.
    """
    if connections[alias].vendor == "sqlite":
        return Substr(field, 1, 13)
    return TruncHour(field, tzinfo=UTC)


def _own_hours(organisation: Organisation, monitors: list[Monitor], period: _Period) -> Hours:
    """The business's side: each mention once, however many of its monitors found it."""
    found_by = Mention.monitors.through.objects.filter(
        mention_id=OuterRef("pk"), monitor_id__in=[m.pk for m in monitors]
    )
    mentions = Mention.objects.filter(
        Exists(found_by),
        organisation=organisation,
        published_at__gte=period.since,
        published_at__lt=period.until,
    )
    rows = (
        mentions.annotate(hour=_utc_hour(mentions.db, "published_at"))
        .values("hour", "sentiment")  # type: ignore[misc]  # the stubs miss the annotation
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("hour", "sentiment", "total")
    )
    return list(rows)


def _competitor_hours(
    organisation: Organisation, monitors: list[Monitor], period: _Period
) -> dict[int, Hours]:
    """Per competitor monitor, through its links: a monitor links a mention at most once."""
    links = Mention.monitors.through.objects.filter(
        monitor_id__in=[m.pk for m in monitors],
        mention__organisation=organisation,
        mention__published_at__gte=period.since,
        mention__published_at__lt=period.until,
    )
    rows = (
        links.annotate(hour=_utc_hour(links.db, "mention__published_at"))
        .values("monitor_id", "hour", "mention__sentiment")  # type: ignore[misc]
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("monitor_id", "hour", "mention__sentiment", "total")
    )
    found: dict[int, Hours] = {monitor.pk: [] for monitor in monitors}
    for monitor_id, hour, sentiment, total in rows:
        found[monitor_id].append((hour, sentiment, total))
    return found


class _Clock:
    """Each UTC hour read once: the moment it starts and its local ISO week."""

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self.seen: dict[Any, tuple[datetime, date]] = {}

    def __call__(self, hour: Any) -> tuple[datetime, date]:
        if hour not in self.seen:
            start = _hour_start(hour)
            self.seen[hour] = (start, week_of(local(start, self.zone).date()))
        return self.seen[hour]


def _fill(side: Side, hours: Hours, begin: datetime, clock: _Clock) -> None:
    for hour, sentiment, total in hours:
        start, week = clock(hour)
        if start < begin:
            side.previous += total
            continue
        side.mentions += total
        if sentiment in side.sentiments:
            side.sentiments[sentiment] += total
        side.weeks[week] = side.weeks.get(week, 0) + total


def _hour_start(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(f"{value}:00").replace(tzinfo=UTC)  # "2026-03-10 12"


def _shares(sides: list[Side]) -> None:
    total = sum(side.mentions for side in sides)
    previous = sum(side.previous for side in sides)
    for side in sides:
        side.share = round(100 * side.mentions / total, 1) if total else None
        side.previous_share = round(100 * side.previous / previous, 1) if previous else None


# --- on the Measure page -----------------------------------------------------------------------


def voice_chart(found: ShareOfVoice) -> Chart | None:
    """Mentions per week, one line per side; left out while nobody was mentioned."""
    if not found.comparable or not found.total:
        return None
    labels = [day_text(week) for week in found.weeks]
    lines = [(side.label, [float(n) for n in found.weekly(side)]) for side in found.sides]
    rows = [
        [week_text(week), *[number(found.weekly(side)[n]) for side in found.sides]]
        for n, week in enumerate(found.weeks)
    ]
    shares = ", ".join(f"{side.label}: {number(side.share)} %" for side in found.sides)
    return Chart(
        "share_of_voice",
        _("Mentions per week: you and your competitors"),
        _(
            "Mentions found each week by your monitors and your competitors'. Share of voice: "
            "%(shares)s."
        )
        % {"shares": shares},
        shapes.line_chart(labels, lines, number),
        [_("Week"), *[side.label for side in found.sides]],
        rows,
    )


def voice_figures(organisation: Organisation, start: date, end: date) -> dict[str, Any]:
    """What the Measure page shows of share of voice for start..end."""
    found = share_of_voice(organisation, start, end)
    return {"voice": found, "voice_chart": voice_chart(found)}
