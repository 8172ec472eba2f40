"""What Klankbord measures itself, per period: each metric is one aggregate query.

The plan defines the metrics a KPI may name (strategy.kpi_metrics); here each gets its query.

A period is [start, end) in UTC; None means there was nothing to measure. Website visits and
revenue are not measured here: KPIs about them are entered at the review.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from klankbord.analytics import audience
from klankbord.analytics.models import PostResult
from klankbord.inbox.models import Item
from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import PostTarget
from klankbord.strategy.kpi_metrics import KPI_METRICS, MetricDefinition

Measure = Callable[[Organisation, datetime, datetime], float | None]


@dataclass(frozen=True)
class Metric(MetricDefinition):
    """A metric the plan defines, with the one query that counts it."""

    measure: Measure


def published_targets(organisation: Organisation, start: datetime, end: datetime) -> Q:
    """Posts that went out on one of the organisation's channels in the period."""
    return Q(
        post__organisation=organisation,
        status=PostTarget.Status.PUBLISHED,
        published_at__gte=start,
        published_at__lt=end,
    )


def posts_per_network(organisation: Organisation, start: datetime, end: datetime) -> dict[str, int]:
    rows = (
        PostTarget.objects.filter(published_targets(organisation, start, end))
        .values("channel__network")
        .annotate(count=Count("pk"))
    )
    return {row["channel__network"]: row["count"] for row in rows}


def posts_published(organisation: Organisation, start: datetime, end: datetime) -> float:
    return PostTarget.objects.filter(published_targets(organisation, start, end)).count()


def _arrived(organisation: Organisation, start: datetime, end: datetime) -> Q:
    return Q(organisation=organisation, arrived_at__gte=start, arrived_at__lt=end)


# Without a due time there was no target to miss.
IN_TIME = Q(due_at__isnull=True) | Q(first_response_at__lte=F("due_at"))


def answers(organisation: Organisation, start: datetime, end: datetime) -> tuple[int, int]:
    """Items that arrived in the period and got an answer: how many, and how many in time."""
    found = Item.objects.filter(
        _arrived(organisation, start, end), first_response_at__isnull=False
    ).aggregate(answered=Count("pk"), in_time=Count("pk", filter=IN_TIME))
    return found["answered"], found["in_time"]


@dataclass(frozen=True)
class Answers:
    """One channel's inbox items of a period: how many came in, were answered, in time, how fast."""

    conversations: int
    answered: int
    in_time: int
    median_minutes: float | None


def answers_per_channel(
    organisation: Organisation, start: datetime, end: datetime
) -> dict[int | None, Answers]:
    """By the channel an item came in on; None for posts found by listening."""
    arrived = Item.objects.filter(_arrived(organisation, start, end))
    answered = Q(first_response_at__isnull=False)
    counts = (
        arrived.values_list("mention__source__channel")
        .annotate(
            conversations=Count("pk"),
            answered=Count("pk", filter=answered),
            in_time=Count("pk", filter=answered & IN_TIME),
        )
        .order_by()
    )
    seconds: dict[int | None, list[int]] = {}
    for channel_id, value in (
        arrived.filter(first_response_seconds__isnull=False)
        .order_by("first_response_seconds")
        .values_list("mention__source__channel", "first_response_seconds")
    ):
        seconds.setdefault(channel_id, []).append(value or 0)  # never None: filtered above
    return {
        channel_id: Answers(total, done, in_time, _median_minutes(seconds.get(channel_id, [])))
        for channel_id, total, done, in_time in counts
    }


def answered_in_time(organisation: Organisation, start: datetime, end: datetime) -> float | None:
    answered, in_time = answers(organisation, start, end)
    return round(100 * in_time / answered, 1) if answered else None


def first_response_minutes(
    organisation: Organisation, start: datetime, end: datetime
) -> float | None:
    """The median working time to the first answer: one slow answer does not hide the rest."""
    seconds: list[int] = list(
        Item.objects.filter(
            _arrived(organisation, start, end), first_response_seconds__isnull=False
        )
        .order_by("first_response_seconds")
        .values_list("first_response_seconds", flat=True)  # type: ignore[arg-type]
    )
    return _median_minutes(seconds)


def _median_minutes(seconds: list[int]) -> float | None:
    """Of sorted seconds."""
    if not seconds:
        return None
    middle = len(seconds) // 2
    median = seconds[middle] if len(seconds) % 2 else (seconds[middle - 1] + seconds[middle]) / 2
    return round(median / 60, 1)


def leads(organisation: Organisation, start: datetime, end: datetime) -> float:
    return Item.objects.filter(_arrived(organisation, start, end), is_lead=True).count()


def _sentiments(organisation: Organisation, start: datetime, end: datetime) -> dict[str, int]:
    # Published time, not fetch time: an import of old mentions lands in the months they were said.
    return Mention.objects.filter(
        organisation=organisation, published_at__gte=start, published_at__lt=end
    ).aggregate(
        total=Count("pk"),
        negative=Count("pk", filter=Q(sentiment="negative")),
        positive=Count("pk", filter=Q(sentiment="positive")),
    )


def mentions(organisation: Organisation, start: datetime, end: datetime) -> float:
    return _sentiments(organisation, start, end)["total"]


def _share(sentiment: str) -> Measure:
    # A partial of a module function, not a closure: Measure's kept figures are pickled.
    return partial(_sentiment_share, sentiment)


def _sentiment_share(
    sentiment: str, organisation: Organisation, start: datetime, end: datetime
) -> float | None:
    counts = _sentiments(organisation, start, end)
    return round(100 * counts[sentiment] / counts["total"], 1) if counts["total"] else None


def _reactions(organisation: Organisation, start: datetime, end: datetime) -> dict[str, int]:
    """Results of posts published in the period, as last counted by the networks."""
    found = (
        PostResult.objects.counted()
        .filter(
            organisation=organisation,
            published_at__gte=start,
            published_at__lt=end,
            target__post__deleted_at__isnull=True,
        )
        .aggregate(posts=Count("pk"), reactions=Sum("engagement"))
    )
    return {"posts": found["posts"], "reactions": found["reactions"] or 0}


def reactions(organisation: Organisation, start: datetime, end: datetime) -> float:
    return _reactions(organisation, start, end)["reactions"]


def reactions_per_post(organisation: Organisation, start: datetime, end: datetime) -> float | None:
    found = _reactions(organisation, start, end)
    return round(found["reactions"] / found["posts"], 1) if found["posts"] else None


def followers_gained(organisation: Organisation, start: datetime, end: datetime) -> float | None:
    """New followers over all channels: the last daily count in the period against the last one
    before it (or else the first one in it). None until a channel has two counts to compare."""
    zone = ZoneInfo(organisation.timezone)
    last_moment = end - timedelta(microseconds=1)
    return audience.followers_gained(
        organisation, timezone.localdate(start, zone), timezone.localdate(last_moment, zone)
    )


MEASURES: dict[str, Measure] = {
    "posts_published": posts_published,
    "answered_in_time": answered_in_time,
    "first_response_minutes": first_response_minutes,
    "leads": leads,
    "reactions": reactions,
    "followers_gained": followers_gained,
    "reactions_per_post": reactions_per_post,
    "mentions": mentions,
    "negative_share": _share("negative"),
    "positive_share": _share("positive"),
}

METRICS: dict[str, Metric] = {
    key: Metric(found.key, found.label, found.unit, found.higher_is_better, MEASURES[key])
    for key, found in KPI_METRICS.items()
    if key in MEASURES
}


def metric_value(
    organisation: Organisation, key: str, start: datetime, end: datetime
) -> float | None:
    return METRICS[key].measure(organisation, start, end)
