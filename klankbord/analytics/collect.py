"""Post results: open a row per published post, claim the due ones, ask the networks for counts.

Every published post on a channel whose network can count (Capability.METRICS) gets a
PostResult, checked at the moments of SCHEDULE after publishing and then no more. A row is
claimed with one conditional UPDATE (a lease), so two workers never check the same post at once.
A network that says "slow down", a network that is down, and a channel that must be reconnected
only move the next check; a post deleted on the network keeps its last counts.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from klankbord.analytics.models import PostResult
from klankbord.channels.models import Channel
from klankbord.channels.networks import NETWORKS, connector_class
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    Connector,
    ConnectorError,
    Metrics,
    NotFound,
    RateLimitError,
)
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.publishing.models import PostTarget

SCHEDULE = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=30),
)
WINDOW = SCHEDULE[-1]  # an older post is past its last check
# A check held up this long past the last one (a channel that stays disconnected) is dropped.
GIVE_UP_AFTER = SCHEDULE[-1] + timedelta(days=7)
LEASE = timedelta(minutes=10)
CLAIM_BATCH = 200
MAX_BATCHES = 5  # per round, so one round ends well before the next begins
CHUNK = 25  # Bluesky's getPosts takes at most 25 posts
RETRY_AFTER_ERROR = timedelta(minutes=15)
CHANNEL_WAIT = timedelta(hours=1)  # until a disconnected or broken channel is looked at again
COUNTS = ("likes", "shares", "replies", "quotes", "views", "saves")
# A save is an interaction like a like (Instagram counts it so); a view is not.
INTERACTIONS = ("likes", "shares", "replies", "quotes", "saves")
STORED_FIELDS = [
    *COUNTS,
    "engagement",
    "checked_at",
    "checks",
    "next_check_at",
    "lease_until",
    "gone",
    "error",
]


def next_check(published_at: datetime, now: datetime) -> datetime | None:
    """The first moment of the schedule after now; None once the last one has passed."""
    return next((published_at + step for step in SCHEDULE if published_at + step > now), None)


def metrics_networks() -> list[str]:
    return [name for name in NETWORKS if Capability.METRICS in connector_class(name).capabilities]


def open_results(now: datetime) -> int:
    """A result row for every recently published post that can be counted and has none yet."""
    targets = (
        PostTarget.objects.filter(
            status=PostTarget.Status.PUBLISHED,
            published_at__gte=now - WINDOW,
            channel__network__in=metrics_networks(),
            post__deleted_at__isnull=True,
            result__isnull=True,
        )
        .exclude(remote_id="")
        .values_list("pk", "post__organisation_id", "published_at")
    )
    rows = [
        _opened(target_id, organisation_id, published_at, now)
        for target_id, organisation_id, published_at in targets
        if published_at is not None
    ]
    # Another worker may open the same rows at the same time: the one-to-one keeps one each.
    PostResult.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _opened(
    target_id: int, organisation_id: int, published_at: datetime, now: datetime
) -> PostResult:
    first = published_at + SCHEDULE[0]
    return PostResult(
        target_id=target_id,
        organisation_id=organisation_id,
        published_at=published_at,
        next_check_at=first if first > now else now,
    )


def _claimable(now: datetime) -> Q:
    return (Q(lease_until__isnull=True) | Q(lease_until__lt=now)) & Q(next_check_at__lte=now)


def due_ids(now: datetime, limit: int) -> list[int]:
    rows = PostResult.objects.filter(_claimable(now)).order_by("next_check_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def claim_due(now: datetime, limit: int = CLAIM_BATCH) -> list[int]:
    claimed = []
    for result_id in due_ids(now, limit):
        # Conditional: another worker may have claimed (or even checked) it since the SELECT.
        if PostResult.objects.filter(_claimable(now), pk=result_id).update(lease_until=now + LEASE):
            claimed.append(result_id)
    return claimed


def collect(result_ids: list[int], now: datetime) -> int:
    """Read the counts of claimed rows, channel by channel; returns how many were checked."""
    results = PostResult.objects.filter(pk__in=result_ids).select_related("target__channel")
    by_channel: dict[int, list[PostResult]] = defaultdict(list)
    for result in results.order_by("pk"):
        by_channel[result.target.channel_id].append(result)
    return sum(collect_channel(rows, now) for rows in by_channel.values())


def collect_channel(results: list[PostResult], now: datetime) -> int:
    channel = results[0].target.channel
    if channel.status != Channel.Status.CONNECTED:
        # Nothing to ask until someone reconnects it; look again later instead of every round.
        _postpone(results, until=now + CHANNEL_WAIT)
        return 0
    connector = connector_for(channel)
    checked = 0
    for start in range(0, len(results), CHUNK):
        chunk = results[start : start + CHUNK]
        try:
            counts = read_counts(connector, [result.target.remote_id for result in chunk])
        except ConnectorError as error:
            _after_error(channel, results[start:], error, now)
            return checked
        checked += _store(chunk, counts, now)
    return checked


def read_counts(connector: Connector, remote_ids: list[str]) -> dict[str, Metrics]:
    """Counts per remote id; a post the network no longer has is left out."""
    try:
        return connector.metrics(remote_ids)
    except ConnectorError as error:
        if not _post_gone(error):
            raise
        if len(remote_ids) == 1:
            return {}
    # Mastodon fails the whole list for one deleted post: ask again one post at a time.
    counts: dict[str, Metrics] = {}
    for remote_id in remote_ids:
        counts.update(read_counts(connector, [remote_id]))
    return counts


def _post_gone(error: ConnectorError) -> bool:
    # Only "not found": a refusal (403, 422) may be about the whole account, not this post.
    return isinstance(error, NotFound)


def _after_error(
    channel: Channel, results: list[PostResult], error: ConnectorError, now: datetime
) -> None:
    """The rest of this channel's rows wait; no check is counted."""
    if isinstance(error, RateLimitError):
        _postpone(results, until=error.retry_at)
    elif isinstance(error, AuthError):
        channel_mark_broken(channel=channel, reason=error.message)
        _postpone(results, until=now + CHANNEL_WAIT, error=error.message)
    else:
        _postpone(results, until=now + RETRY_AFTER_ERROR, error=error.message)


def _postpone(results: Iterable[PostResult], *, until: datetime, **fields: Any) -> None:
    if "error" in fields:
        fields["error"] = fields["error"][:500]
    rows = PostResult.objects.filter(pk__in=[result.pk for result in results])
    too_late = Q(published_at__lt=until - GIVE_UP_AFTER)
    rows.exclude(too_late).update(next_check_at=until, lease_until=None, **fields)
    rows.filter(too_late).update(next_check_at=None, lease_until=None, **fields)


def _store(results: list[PostResult], counts: dict[str, Metrics], now: datetime) -> int:
    checked = 0
    for result in results:
        metrics = counts.get(result.target.remote_id)
        if metrics is None:
            _mark_gone(result)
        else:
            _count(result, metrics, now)
            checked += 1
        result.lease_until = None
    PostResult.objects.bulk_update(results, STORED_FIELDS)
    return checked


def _count(result: PostResult, metrics: Metrics, now: datetime) -> None:
    # A count the network did not give keeps what the row had: missing is not zero.
    for name in COUNTS:
        value = getattr(metrics, name)
        if value is not None:
            setattr(result, name, value)
    result.engagement = engagement_of(result)
    result.checked_at = now
    result.checks += 1
    result.next_check_at = next_check(result.published_at, now)
    result.error = ""


def engagement_of(result: PostResult) -> int:
    """The interactions a post got; a count never given (None) adds nothing."""
    return sum(getattr(result, name) or 0 for name in INTERACTIONS)


def _mark_gone(result: PostResult) -> None:
    # Deleted on the network: the counts it had stay, and nobody asks for it again.
    result.gone = True
    result.next_check_at = None
    result.error = ""


def run(now: datetime | None = None) -> int:
    """One round: open new rows, claim the due ones and check them; returns how many."""
    now = now or timezone.now()
    open_results(now)
    checked = 0
    for _batch in range(MAX_BATCHES):
        claimed = claim_due(now)
        checked += collect(claimed, now)
        if len(claimed) < CLAIM_BATCH:
            break  # nothing more is due
    return checked
