"""Polling sources: claim the due ones, read a page, run the pipeline, then move the cursor.

A source is claimed with one conditional UPDATE (a lease), so two workers never read the same
source at once. Each page is stored and its cursor saved in one transaction: a worker killed
half-way leaves the old cursor, and the rerun's duplicates are dropped by the pipeline.
"""

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from klankbord.channels.networks.base import (
    AuthError,
    ConnectorError,
    MentionPage,
    RateLimitError,
)
from klankbord.channels.networks.base import (
    Mention as NetworkMention,
)
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.core.metrics import counter_add
from klankbord.lib import logs
from klankbord.listening import pipeline
from klankbord.listening.models import Source

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MAX_PAGES = 5  # per poll: a burst is read over a few polls instead of one endless one
MAX_BACKOFF = timedelta(hours=6)
CLAIM_BATCH = 50
REPLIES_WINDOW = timedelta(days=14)  # replies come in the first days after a post
MAX_POSTS_FOR_REPLIES = 50


def claim_due(now: datetime | None = None, limit: int = CLAIM_BATCH) -> list[int]:
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = list(
        Source.objects.filter(free, active=True, next_poll_at__lte=now)
        .exclude(kind=Source.Kind.IMPORT)
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for source_id in due:
        # Conditional: another beat or worker may have claimed it since the SELECT.
        if Source.objects.filter(free, pk=source_id).update(lease_until=now + LEASE):
            claimed.append(source_id)
    return claimed


def read_page(source: Source, cursor: str) -> MentionPage:
    connector = connector_for(source.channel)  # type: ignore[arg-type]
    if source.kind == Source.Kind.SEARCH:
        return connector.search(source.term, cursor)
    if source.kind == Source.Kind.COMMENTS:
        return replies_page(source, connector)
    return connector.mentions(cursor)


def replies_page(source: Source, connector: Any) -> MentionPage:
    """Replies to what we published lately; no cursor: replies seen before are duplicates."""
    from klankbord.publishing.models import PostTarget

    since = timezone.now() - REPLIES_WINDOW
    published = PostTarget.objects.filter(
        channel=source.channel, status=PostTarget.Status.PUBLISHED, published_at__gte=since
    ).exclude(remote_id="")
    replies: list[NetworkMention] = []
    for remote_id in published.values_list("remote_id", flat=True)[:MAX_POSTS_FOR_REPLIES]:
        try:
            found = connector.replies(remote_id)
        except ConnectorError as error:
            if not error.permanent:
                raise  # the whole source waits and tries again
            continue  # a post deleted since: the replies to the others still count
        # A private mention in the thread stays a message: it must not be answered in public.
        replies.extend(
            reply if reply.kind == "message" else replace(reply, kind="reply") for reply in found
        )
    return MentionPage(mentions=replies, cursor=source.cursor)


def to_item(source: Source, mention: NetworkMention) -> pipeline.Item:
    network = source.channel.network if source.channel else "import"
    raw = mention.raw if isinstance(mention.raw, dict) else {}
    reach = raw.get("followers_count", 0)
    rating = raw.get("star_rating")
    return pipeline.Item(
        network=network,
        remote_id=mention.remote_id,
        text=mention.text,
        url=mention.url,
        author_handle=mention.author_handle,
        author_name=mention.author_name,
        title=mention.title,
        published_at=mention.created_at,
        kind=mention.kind,
        in_reply_to=mention.in_reply_to,
        reach=int(reach or 0),
        rating=rating if isinstance(rating, int) and 1 <= rating <= 5 else None,
    )


def poll(source_id: int) -> int:
    """Read up to MAX_PAGES pages of one claimed source; returns how many mentions were stored."""
    source = Source.objects.select_related("channel", "organisation").get(pk=source_id)
    with logs.log_context(organisation=source.organisation.slug, channel=source.channel_id):
        stored, outcome, error = _poll(source)
        level = logging.WARNING if outcome == "failed" else logging.INFO
        extra = {"event": "poll", "outcome": outcome, "source": source.pk, "stored": stored}
        log.log(
            level,
            "poll of source %s: %s, %s stored",
            source.pk,
            outcome,
            stored,
            extra={**extra, "error": error} if error else extra,
        )
    return stored


def _poll(source: Source) -> tuple[int, str, str]:
    """The poll itself: mentions stored, the outcome (ok, rate_limited, failed) and the error."""
    stored = 0
    cursor = source.cursor
    try:
        for _page in range(MAX_PAGES):
            page = read_page(source, cursor)
            stored += store_page(source, page)
            if not page.mentions or page.cursor == cursor:
                break
            cursor = page.cursor
    except RateLimitError as error:
        network = source.channel.network if source.channel is not None else source.kind
        counter_add(name="rate_limit_waits", label=network)
        _release(source, next_poll_at=error.retry_at, error=str(error))
        return stored, "rate_limited", str(error)
    except ConnectorError as error:
        if isinstance(error, AuthError) and source.channel is not None:
            # Access withdrawn: the channel shows it with a reconnect button, not only this source.
            channel_mark_broken(channel=source.channel, reason=error.message)
        source.refresh_from_db(fields=["failures"])
        _release(source, next_poll_at=_backoff(source), error=str(error), failed=True)
        return stored, "failed", str(error)
    _release(source, next_poll_at=timezone.now() + timedelta(seconds=source.interval_seconds))
    return stored, "ok", ""


def store_page(source: Source, page: MentionPage) -> int:
    """The pipeline over one page; its mentions and the cursor after it committed together."""
    # Read and understood before the transaction: on SQLite a transaction holds the write lock
    # from its start, and loading the language models would keep every other writer waiting.
    batch = pipeline.prepare(source, [to_item(source, mention) for mention in page.mentions])
    with transaction.atomic():
        pipeline.keep(batch)
        Source.objects.filter(pk=source.pk).update(cursor=page.cursor)
    source.cursor = page.cursor
    return len(batch.stored)


def _backoff(source: Source) -> datetime:
    """Each failure in a row doubles the wait, up to six hours."""
    wait = timedelta(seconds=source.interval_seconds) * 2 ** min(source.failures + 1, 10)
    return timezone.now() + min(wait, MAX_BACKOFF)


def _release(
    source: Source, *, next_poll_at: datetime, error: str = "", failed: bool = False
) -> None:
    Source.objects.filter(pk=source.pk).update(
        lease_until=None,
        next_poll_at=next_poll_at,
        last_polled_at=timezone.now(),
        last_error=error[:500],
        failures=source.failures + 1 if failed else 0,
    )


def tick(now: datetime | None = None) -> None:
    """One beat: claim the due sources and hand each to a worker once the claim is committed."""
    from klankbord.listening.tasks import poll_source

    with transaction.atomic():
        claimed = claim_due(now)
        transaction.on_commit(lambda: [poll_source.delay(source_id) for source_id in claimed])
