"""The series behind Measure's charts: pure functions over plain rows, then one query per chart.

Every bucket (a day, an ISO week, an hour of the week) is in the organisation's time zone, so a
post at 00:30 on a Monday in Brussels lands on Monday, also in the week the clocks change.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from statistics import median
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum

from klankbord.analytics.metrics import published_targets
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.selectors import utc_range
from klankbord.analytics.slots import UtcSlot, utc_moment, whole_hours
from klankbord.analytics.texts import channel_label
from klankbord.channels.models import Channel
from klankbord.inbox.models import Item
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import PostTarget

SPARK_WEEKS = 8
Grid = list[list[int]]  # 7 weekdays (Monday first) x 24 hours


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[date, float | None]]  # None: nothing to show that day or week

    @property
    def last(self) -> float | None:
        return next((v for _d, v in reversed(self.points) if v is not None), None)


def week_of(day: date) -> date:
    """The Monday that starts the ISO week of a day."""
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of the ISO weeks that overlap start..end."""
    weeks, monday = [], week_of(start)
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@lru_cache(maxsize=32768)  # a year of UTC hours, met again by every chart of the page
def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def daily_followers(
    counts: Iterable[tuple[int, date, int]], start: date, end: date
) -> dict[int, list[tuple[date, int]]]:
    """Per channel, its daily counts start..end in order (a day without a count is left out)."""
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for channel_id, day, followers in sorted(counts, key=lambda row: row[1]):
        if start <= day <= end:
            found[channel_id].append((day, followers))
    return dict(found)


def reactions_per_week(
    results: Iterable[tuple[datetime, int]], zone: str, weeks: list[date]
) -> list[tuple[date, float | None]]:
    """Reactions per post of the posts published in each local ISO week; None without posts."""
    return counted_reactions_per_week(
        ((moment, 1, engagement) for moment, engagement in results), zone, weeks
    )


def counted_reactions_per_week(
    results: Iterable[tuple[datetime, int, int]], zone: str, weeks: list[date]
) -> list[tuple[date, float | None]]:
    """As reactions_per_week, from (moment, posts, their reactions) counted together."""
    posts: dict[date, int] = defaultdict(int)
    reactions: dict[date, int] = defaultdict(int)
    for moment, count, engagement in results:
        week = week_of(local(moment, zone).date())
        posts[week] += count
        reactions[week] += engagement
    return [(w, round(reactions[w] / posts[w], 1) if posts[w] else None) for w in weeks]


def per_week(moments: Iterable[datetime], zone: str, weeks: list[date]) -> list[tuple[date, int]]:
    """How many moments fall in each local ISO week."""
    return counted_per_week(((moment, 1) for moment in moments), zone, weeks)


def counted_per_week(
    counts: Iterable[tuple[datetime, int]], zone: str, weeks: list[date]
) -> list[tuple[date, int]]:
    """How many there are in each local ISO week, from (moment, how many) counted together."""
    counted: dict[date, int] = defaultdict(int)
    for moment, count in counts:
        counted[week_of(local(moment, zone).date())] += count
    return [(week, counted[week]) for week in weeks]


def heat_map(moments: Iterable[tuple[datetime, int]], zone: str) -> Grid:
    """Weights added up per local weekday (Monday first) and local hour."""
    grid = [[0] * 24 for _day in range(7)]
    for moment, weight in moments:
        found = local(moment, zone)
        grid[found.weekday()][found.hour] += weight
    return grid


def median_minutes_per_week(
    answers: Iterable[tuple[datetime, int]], zone: str, weeks: list[date]
) -> list[tuple[date, float | None]]:
    """The median working minutes to the first answer of the items that arrived each week."""
    return _median_minutes(((arrived, [taken]) for arrived, taken in answers), zone, weeks)


def _median_minutes(
    answers: Iterable[tuple[datetime, list[int]]], zone: str, weeks: list[date]
) -> list[tuple[date, float | None]]:
    seconds: dict[date, list[int]] = defaultdict(list)
    for arrived, taken in answers:
        seconds[week_of(local(arrived, zone).date())].extend(taken)
    return [
        (week, round(median(seconds[week]) / 60, 1) if seconds[week] else None) for week in weeks
    ]


# --- one query per chart -----------------------------------------------------------------------


def follower_series(organisation: Organisation, start: date, end: date) -> list[Series]:
    # Plain rows, the channels once: a year of daily counts is thousands of rows.
    rows = list(
        AudienceCount.objects.filter(organisation=organisation, day__gte=start, day__lte=end)
        .exclude(channel__status=Channel.Status.DISCONNECTED)
        .order_by("day")
        .values_list("channel_id", "day", "followers")
    )
    channels = Channel.objects.in_bulk({channel_id for channel_id, _day, _n in rows})
    found = daily_followers(rows, start, end)
    return [
        Series(channel_label(channels[key]), [(day, float(n)) for day, n in points])
        for key, points in sorted(found.items(), key=lambda item: channel_label(channels[item[0]]))
    ]


def _per_slot(
    organisation: Organisation, start: date, end: date, queryset: QuerySet, field: str
) -> QuerySet:
    """The rows with the UTC slot of their `field` (an hour, a minute where the zone needs it)."""
    minutes = not whole_hours(organisation.timezone, start, end)
    return queryset.annotate(slot=UtcSlot(field, minutes=minutes)).order_by()


def _results(organisation: Organisation, start: date, end: date) -> list[tuple[datetime, int, int]]:
    """Posts with a result published start..end per UTC slot: when, how many, their reactions."""
    since, until = utc_range(organisation, start, end)
    results = PostResult.objects.counted().filter(
        organisation=organisation,
        published_at__gte=since,
        published_at__lt=until,
        target__post__deleted_at__isnull=True,
    )
    rows = (
        _per_slot(organisation, start, end, results, "published_at")
        .values("slot")
        .annotate(posts=Count("pk"), reactions=Sum("engagement"))
        .values_list("slot", "posts", "reactions")
    )
    return [(utc_moment(slot), posts, reactions or 0) for slot, posts, reactions in rows]


def _arrivals(
    organisation: Organisation, start: date, end: date
) -> list[tuple[datetime, list[int]]]:
    """Inbox items that arrived per UTC slot: when, and the working seconds to the first answer
    of each (-1: none)."""
    since, until = utc_range(organisation, start, end)
    items = Item.objects.filter(
        organisation=organisation, arrived_at__gte=since, arrived_at__lt=until
    )
    found: dict[str, list[int]] = defaultdict(list)
    for slot, taken in _per_slot(organisation, start, end, items, "arrived_at").values_list(
        "slot", "first_response_seconds"
    ):
        found[slot].append(-1 if taken is None else taken)
    return [(utc_moment(slot), taken) for slot, taken in found.items()]


def _published(organisation: Organisation, start: date, end: date) -> list[tuple[datetime, int]]:
    """Posts published start..end per UTC slot: when, how many."""
    since, until = utc_range(organisation, start, end)
    targets = PostTarget.objects.filter(published_targets(organisation, since, until)).filter(
        published_at__isnull=False
    )
    rows = (
        _per_slot(organisation, start, end, targets, "published_at")
        .values("slot")
        .annotate(count=Count("pk"))
        .values_list("slot", "count")
    )
    return [(utc_moment(slot), count) for slot, count in rows]


@dataclass(frozen=True)
class MeasureSeries:
    """Everything the Measure page draws for one period."""

    weeks: list[date]
    followers: list[Series]
    reactions: list[tuple[date, float | None]]  # reactions per post per week
    reaction_hours: Grid
    message_hours: Grid
    published: list[tuple[date, int]]
    planned: float | None  # posts per week in the plan's rhythm
    response: list[tuple[date, float | None]]  # median working minutes per week
    target_minutes: int


def measure_series(
    organisation: Organisation,
    start: date,
    end: date,
    *,
    planned: float | None,
    target_minutes: int,
) -> MeasureSeries:
    zone = organisation.timezone
    weeks = weeks_between(start, end)
    results = _results(organisation, start, end)
    arrivals = _arrivals(organisation, start, end)
    answered = [(arrived, [t for t in taken if t >= 0]) for arrived, taken in arrivals]
    return MeasureSeries(
        weeks=weeks,
        followers=follower_series(organisation, start, end),
        reactions=counted_reactions_per_week(results, zone, weeks),
        reaction_hours=heat_map(((moment, n) for moment, _posts, n in results), zone),
        message_hours=heat_map(((arrived, len(taken)) for arrived, taken in arrivals), zone),
        published=counted_per_week(_published(organisation, start, end), zone, weeks),
        planned=planned,
        response=_median_minutes(answered, zone, weeks),
        target_minutes=target_minutes,
    )


@dataclass(frozen=True)
class Sparks:
    """The dashboard's last eight weeks: posts published, reactions and messages per week."""

    posts: list[tuple[date, int]]
    reactions: list[tuple[date, int]]
    messages: list[tuple[date, int]]


def sparks(organisation: Organisation, today: date) -> Sparks:
    weeks = weeks_between(today - timedelta(weeks=SPARK_WEEKS - 1), today)
    start, zone = weeks[0], organisation.timezone
    reactions = [(moment, n) for moment, _posts, n in _results(organisation, start, today)]
    since, until = utc_range(organisation, start, today)
    items = Item.objects.filter(
        organisation=organisation, arrived_at__gte=since, arrived_at__lt=until
    )
    messages = (
        _per_slot(organisation, start, today, items, "arrived_at")
        .values("slot")
        .annotate(count=Count("pk"))
        .values_list("slot", "count")
    )
    return Sparks(
        posts=counted_per_week(_published(organisation, start, today), zone, weeks),
        reactions=counted_per_week(reactions, zone, weeks),
        messages=counted_per_week(((utc_moment(s), n) for s, n in messages), zone, weeks),
    )
