"""The scheduler: claim due targets, publish each exactly once, recover what a crash left behind.

The rules, in order of importance:
- a claim is one conditional UPDATE with a lease token; every later write checks that token;
- "publishing" is committed before the network is called, the remote id right after;
- an unclear outcome is resolved by looking the post up, never by posting again blindly;
- a post far past its time is marked missed, not fired in a flood after an outage.
"""

import logging
import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.channels.networks.base import (
    AuthError,
    ConnectorError,
    Media,
    OutgoingPost,
    Progress,
    PublishedPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.core.metrics import counter_add
from klankbord.lib import logs
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.publishing.public_images import public_image_url
from klankbord.publishing.tracking import tracked_options, tracked_text

log = logging.getLogger(__name__)
Status = PostTarget.Status
BATCH = 200
# What the sweeper writes on a target whose worker stopped renewing its lease mid-publish.
WORKER_STOPPED = "The worker stopped while publishing; checking."
# A claimed target waits in the broker's queue until a worker starts it. A claim that ran out
# there would be claimed and queued again while its first message still waits, so a busy queue
# would fill with messages that are no longer anyone's. Nothing of a queued claim has reached the
# network: one lost with its worker only waits this many leases (54 s by default).
QUEUED_CLAIM_LEASES = 6


def lease_length() -> timedelta:
    return timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)


def claim_length() -> timedelta:
    """How long a claim waiting in the queue holds its target (the lease starts with the work)."""
    return lease_length() * QUEUED_CLAIM_LEASES


def renew_every() -> float:
    # Three renewals fit in a lease: one slow database write does not lose it.
    return settings.PUBLISH_LEASE_SECONDS / 3


def lease_renew(target_id: int, token: str) -> bool:
    """Extend a lease we still hold; False when it is no longer ours (or no longer in flight)."""
    renewed = PostTarget.objects.filter(
        _owned(target_id, token), status__in=(Status.PUBLISHING, Status.UNCONFIRMED)
    ).update(lease_expires_at=timezone.now() + lease_length())
    return renewed == 1


@contextmanager
def lease_kept(target_id: int, token: str) -> Iterator[None]:
    """Renew the lease from a thread while the network is called, so a call slower than the
    lease is not taken over, and a worker that dies is noticed one short lease later."""
    done = threading.Event()

    def renew() -> None:
        pause = renew_every()
        try:
            while not done.wait(pause):
                try:
                    if not lease_renew(target_id, token):
                        log.warning("lease of target %s lost while publishing", target_id)
                        return
                    pause = renew_every()
                except DatabaseError as error:  # a busy database: try again soon, not a turn later
                    log.warning("lease of target %s not renewed: %s", target_id, error)
                    pause = min(0.5, renew_every())
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-{target_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _owned(target_id: int, token: str) -> Q:
    return Q(pk=target_id, lease_token=token)


def mark_missed(now: datetime) -> int:
    """Posts too late after an outage are the user's call, not ours."""
    too_old = now - timedelta(minutes=settings.PUBLISH_MISSED_AFTER_MINUTES)
    return PostTarget.objects.filter(status=Status.SCHEDULED, scheduled_at__lt=too_old).update(
        status=Status.MISSED,
        error="Too late to publish automatically; publish it now or choose a new time.",
    )


def claim_due(now: datetime | None = None, limit: int = BATCH) -> tuple[str, list[int]]:
    """Claim due targets with one conditional UPDATE; returns the lease token and the ids.

    Claims still waiting in the queue count against the limit: when workers fall behind, the
    queue holds one batch, not a new batch every tick that would wait past its claim.
    """
    now = now or timezone.now()
    token = uuid.uuid4().hex
    limit -= PostTarget.objects.filter(status=Status.CLAIMED, lease_expires_at__gte=now).count()
    if limit <= 0:
        return token, []
    due = (
        PostTarget.objects.filter(
            status=Status.SCHEDULED, due_at__lte=now, post__deleted_at__isnull=True
        )
        .order_by("due_at")
        .values("pk")[:limit]
    )
    PostTarget.objects.filter(pk__in=Subquery(due), status=Status.SCHEDULED).update(
        status=Status.CLAIMED, lease_token=token, lease_expires_at=now + claim_length()
    )
    ids = list(PostTarget.objects.filter(lease_token=token).values_list("pk", flat=True))
    return token, ids


class TargetProgress(Progress):
    """A post's steps on the network, written to its target at once (committed) by each save."""

    def __init__(self, target: PostTarget) -> None:
        super().__init__(target.progress)
        self.target_id = target.pk

    def save(self, key: str, value: str) -> None:
        super().save(key, value)
        # Outside any transaction on purpose: the step must survive a crash right after it.
        PostTarget.objects.filter(pk=self.target_id).update(progress=self.saved)


def outgoing(target: PostTarget) -> OutgoingPost:
    media = tuple(
        Media(
            content=bytes(image.content),
            mime_type=image.mime_type,
            alt_text=image.alt_text,
            filename=image.filename,
            url=public_image_url(image),
        )
        for image in PostImage.objects.filter(post_id=target.post_id)
    )
    return OutgoingPost(
        text=tracked_text(target),
        idempotency_key=target.idempotency_key,
        media=media,
        # No attempt starts before the chosen time: an older post with these words is another.
        not_before=target.scheduled_at,
        progress=TargetProgress(target),
        options=tracked_options(target),
    )


def publish(target_id: int, token: str) -> str:
    """Publish one claimed target. Returns its status afterwards (or "" when not ours)."""
    now = timezone.now()
    started = PostTarget.objects.filter(
        _owned(target_id, token),
        status=Status.CLAIMED,
        post__deleted_at__isnull=True,
    ).update(
        status=Status.PUBLISHING, lease_expires_at=now + lease_length(), attempts=F("attempts") + 1
    )
    if started != 1:
        # Deleted, unscheduled, or claimed again by someone else after our lease ran out.
        log.info("publish of target %s: not ours", target_id, extra=_event("publish", "skipped"))
        return ""
    target = PostTarget.objects.select_related("channel__organisation", "post").get(pk=target_id)
    with target_context(target), lease_kept(target_id, token):
        outcome = _publish_started(target, token)
        _logged("publish", target_id, outcome)
    return outcome


@contextmanager
def target_context(target: PostTarget) -> Iterator[None]:
    """Log lines about this target name its organisation and channel."""
    with logs.log_context(organisation=target.channel.organisation.slug, channel=target.channel_id):
        yield


def _event(event: str, outcome: str, **fields: object) -> dict[str, object]:
    return {"event": event, "outcome": outcome, **fields}


def _logged(event: str, target_id: int, outcome: str) -> None:
    """One line per publish or look-up, with its outcome (and the network's reason)."""
    target = PostTarget.objects.filter(pk=target_id).values("attempts", "error", "remote_id")
    row: dict[str, object] = dict(target.first() or {})
    level = logging.WARNING if outcome in (Status.FAILED, Status.UNCONFIRMED) else logging.INFO
    if outcome == Status.PUBLISHED:
        row["error"] = ""
    log.log(
        level,
        "%s of target %s: %s",
        event,
        target_id,
        outcome,
        extra=_event(event, outcome, target=target_id, **row),
    )


def _publish_started(target: PostTarget, token: str) -> str:
    target_id = target.pk
    connector, post = connector_for(target.channel), outgoing(target)
    try:
        # A retry looks first: an earlier attempt may have reached the network after all.
        found = connector.find_published(post) if target.attempts > 1 else None
    except ConnectorError as error:
        # Unclear whether it is there: nothing goes out until the sweeper's look-up knows.
        _finish(target_id, token, status=Status.UNCONFIRMED, error=error.message[:1000])
        return Status.UNCONFIRMED
    if found is not None:
        _finish_published(target_id, token, found)
        return Status.PUBLISHED
    try:
        published = connector.publish(post)
    except UnknownOutcomeError as error:
        _finish(target_id, token, status=Status.UNCONFIRMED, error=error.message)
        return resolve(target_id, token)
    except ConnectorError as error:
        return _after_error(target, token, error)
    _finish_published(target_id, token, published)
    return Status.PUBLISHED


def _finish(target_id: int, token: str, **fields: object) -> bool:
    return PostTarget.objects.filter(_owned(target_id, token)).update(**fields) == 1


def _finish_published(target_id: int, token: str, published: PublishedPost) -> None:
    # Recorded immediately, so a crash after this line cannot lead to a second post.
    _finish(
        target_id,
        token,
        status=Status.PUBLISHED,
        remote_id=published.remote_id[:500],
        remote_url=published.url[:1000],
        published_at=timezone.now(),
        error="",
        lease_token="",
    )


def backoff(attempts: int) -> timedelta:
    base = settings.PUBLISH_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=random.uniform(base / 2, base))  # noqa: S311


def _after_error(target: PostTarget, token: str, error: ConnectorError) -> str:
    now = timezone.now()
    if isinstance(error, AuthError):
        channel_mark_broken(channel=target.channel, reason=error.message)
    if isinstance(error, RateLimitError):
        counter_add(name="rate_limit_waits", label=target.channel.network)
        # The network refused before trying: the wait it asks for does not use up an attempt.
        _finish(
            target.pk,
            token,
            status=Status.SCHEDULED,
            due_at=error.retry_at,
            error=error.message,
            attempts=F("attempts") - 1,
        )
        return Status.SCHEDULED
    attempts = target.attempts
    if error.permanent or attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        _finish(target.pk, token, status=Status.FAILED, error=error.message[:1000], lease_token="")
        return Status.FAILED
    _finish(
        target.pk,
        token,
        status=Status.SCHEDULED,
        due_at=now + backoff(attempts),
        error=error.message[:1000],
    )
    return Status.SCHEDULED


def resolve(target_id: int, token: str) -> str:
    """An unconfirmed target: ask the network whether the post exists, then settle it."""
    # The lookup's claim held the target while its message waited; from here on a short
    # lease, renewed during the call, so a worker that dies mid-lookup is noticed as soon
    # as one that dies mid-publish. A message whose claim is no longer ours asks nothing.
    started = PostTarget.objects.filter(_owned(target_id, token), status=Status.UNCONFIRMED).update(
        lease_expires_at=timezone.now() + lease_length()
    )
    if started != 1:
        log.info("lookup of target %s: not ours", target_id, extra=_event("lookup", "skipped"))
        return ""
    target = PostTarget.objects.select_related("channel__organisation").get(pk=target_id)
    with target_context(target):
        outcome = _resolve(target, token)
    return publish(target_id, token) if outcome == Status.CLAIMED else outcome


def _resolve(target: PostTarget, token: str) -> str:
    target_id = target.pk
    try:
        with lease_kept(target_id, token):
            found = connector_for(target.channel).find_published(outgoing(target))
    except ConnectorError as error:
        # Still unclear: keep it unconfirmed; the sweeper asks again after the lease.
        _finish(target_id, token, lease_expires_at=timezone.now() + lease_length())
        log.warning(
            "lookup of target %s: still unclear: %s",
            target_id,
            error.message,
            extra=_event("lookup", Status.UNCONFIRMED, target=target_id, error=error.message),
        )
        return Status.UNCONFIRMED
    if found is not None:
        _finish_published(target_id, token, found)
        _logged("lookup", target_id, Status.PUBLISHED)
        return Status.PUBLISHED
    if target.error == WORKER_STOPPED and target.attempts < settings.PUBLISH_MAX_ATTEMPTS:
        # Its worker died before the post reached the network: send it now, not after a pause.
        if _finish(target_id, token, status=Status.CLAIMED):
            log.info(
                "lookup of target %s: not on the network, sent again now",
                target_id,
                extra=_event("lookup", "missing", target=target_id),
            )
            return Status.CLAIMED
        return ""
    # The network does not have it: sending again is safe, after a pause and within the
    # attempts, so a server that fails every create is not asked again every few seconds.
    missing = _("It did not reach the network; it is sent again.")
    outcome = _after_error(target, token, ConnectorError(target.error or missing))
    _logged("lookup", target_id, outcome)
    return outcome


def sweep(now: datetime | None = None) -> list[tuple[int, str]]:
    """Recover targets whose worker died. Returns unconfirmed targets claimed for a lookup."""
    now = now or timezone.now()
    # Claimed but never started: nothing reached the network, so it may simply go again.
    PostTarget.objects.filter(status=Status.CLAIMED, lease_expires_at__lt=now).update(
        status=Status.SCHEDULED, lease_token=""
    )
    # Started but never finished: the network may have it.
    PostTarget.objects.filter(status=Status.PUBLISHING, lease_expires_at__lt=now).update(
        status=Status.UNCONFIRMED, error=WORKER_STOPPED
    )
    lookups = []
    stuck = PostTarget.objects.filter(_lease_over(now), status=Status.UNCONFIRMED).values_list(
        "pk", flat=True
    )[:BATCH]
    for target_id in list(stuck):
        token = claim_lookup(target_id, now)
        if token:
            lookups.append((target_id, token))
    return lookups


def _lease_over(now: datetime) -> Q:
    return Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)


def claim_lookup(target_id: int, now: datetime, *, wait_for_lease: bool = True) -> str:
    """Take an unconfirmed target for one lookup; returns the lease token, or "" when not ours.

    The sweeper waits for a running lease to end; a person asking now does not.
    """
    token = uuid.uuid4().hex
    targets = PostTarget.objects.filter(pk=target_id, status=Status.UNCONFIRMED)
    if wait_for_lease:
        targets = targets.filter(_lease_over(now))
    claimed = targets.update(lease_token=token, lease_expires_at=now + claim_length())
    return token if claimed == 1 else ""


def _lookups_sent(lookups: list[tuple[int, str]]) -> None:
    # resolve_target goes to the urgent queue (settings.CELERY_TASK_ROUTES): a dead worker's
    # post does not wait behind the posts and retries that are queued for publishing.
    from klankbord.publishing.tasks import resolve_target

    for target_id, lookup_token in lookups:
        resolve_target.delay(target_id, lookup_token)


def tick(now: datetime | None = None) -> None:
    """One beat: mark missed posts, recover crashed work, claim what is due, enqueue it."""
    from klankbord.publishing.tasks import publish_target

    now = now or timezone.now()
    with transaction.atomic():
        mark_missed(now)
        lookups = sweep(now)
        token, ids = claim_due(now)

        # Enqueue only what is committed; a task gets ids and the lease, never objects.
        def enqueue() -> None:
            _lookups_sent(lookups)
            for target_id in ids:
                publish_target.delay(target_id, token)

        transaction.on_commit(enqueue)


def recover(now: datetime | None = None) -> None:
    """Between two ticks: recover what a dead worker held as soon as its lease has run out.

    Beat sends this more often than the tick (klankbord/celery.py), on the urgent queue, so a
    dead worker's post waits its lease and a few seconds, whatever waits in the queue. It only
    reads while no lease has run out.
    """
    now = now or timezone.now()
    in_flight = (Status.CLAIMED, Status.PUBLISHING, Status.UNCONFIRMED)
    if not PostTarget.objects.filter(_lease_over(now), status__in=in_flight).exists():
        return
    with transaction.atomic():
        lookups = sweep(now)
        transaction.on_commit(lambda: _lookups_sent(lookups))
