"""The series behind Measure's charts: pure functions over plain rows, then one query per chart.

Every bucket (a day, an ISO week, an hour of the week) is in the organisation's time zone, so a
post at 00:30 on a Monday in Brussels lands on Monday, also in the week the clocks change.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from klankbord.analytics.metrics import published_targets
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.selectors import utc_range
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
    posts: dict[date, int] = defaultdict(int)
    reactions: dict[date, int] = defaultdict(int)
    for moment, engagement in results:
        week = week_of(local(moment, zone).date())
        posts[week] += 1
        reactions[week] += engagement
    return [(w, round(reactions[w] / posts[w], 1) if posts[w] else None) for w in weeks]


def per_week(moments: Iterable[datetime], zone: str, weeks: list[date]) -> list[tuple[date, int]]:
    """How many moments fall in each local ISO week."""
    counted: dict[date, int] = defaultdict(int)
    for moment in moments:
        counted[week_of(local(moment, zone).date())] += 1
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
    seconds: dict[date, list[int]] = defaultdict(list)
    for arrived, taken in answers:
        seconds[week_of(local(arrived, zone).date())].append(taken)
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


def _results(organisation: Organisation, start: date, end: date) -> list[tuple[datetime, int]]:
    since, until = utc_range(organisation, start, end)
    return list(
        PostResult.objects.counted()
        .filter(
            organisation=organisation,
            published_at__gte=since,
            published_at__lt=until,
            target__post__deleted_at__isnull=True,
        )
        .values_list("published_at", "engagement")
    )


def _arrivals(organisation: Organisation, start: date, end: date) -> list[tuple[datetime, int]]:
    """Inbox items that arrived: when, and the working seconds to the first answer (-1: none)."""
    since, until = utc_range(organisation, start, end)
    rows = Item.objects.filter(
        organisation=organisation, arrived_at__gte=since, arrived_at__lt=until
    ).values_list("arrived_at", "first_response_seconds")
    return [(arrived, -1 if taken is None else taken) for arrived, taken in rows]


def _published(organisation: Organisation, start: date, end: date) -> list[datetime]:
    since, until = utc_range(organisation, start, end)
    moments = PostTarget.objects.filter(published_targets(organisation, since, until))
    return [m for m in moments.values_list("published_at", flat=True) if m is not None]


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
    answered = [(arrived, taken) for arrived, taken in arrivals if taken >= 0]
    return MeasureSeries(
        weeks=weeks,
        followers=follower_series(organisation, start, end),
        reactions=reactions_per_week(results, zone, weeks),
        reaction_hours=heat_map(results, zone),
        message_hours=heat_map(((arrived, 1) for arrived, _t in arrivals), zone),
        published=per_week(_published(organisation, start, end), zone, weeks),
        planned=planned,
        response=median_minutes_per_week(answered, zone, weeks),
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
    reactions: dict[date, int] = defaultdict(int)
    for moment, engagement in _results(organisation, start, today):
        reactions[week_of(local(moment, zone).date())] += engagement
    since, until = utc_range(organisation, start, today)
    messages = Item.objects.filter(
        organisation=organisation, arrived_at__gte=since, arrived_at__lt=until
    ).values_list("arrived_at", flat=True)
    return Sparks(
        posts=per_week(_published(organisation, start, today), zone, weeks),
        reactions=[(week, reactions[week]) for week in weeks],
        messages=per_week(messages, zone, weeks),
    )
