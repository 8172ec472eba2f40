"""The scheduler publishes each (post, channel) exactly once, on time, and recovers from crashes."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError, RateLimitError
from klankbord.channels.networks.sandbox import SandboxConnector
from klankbord.core.tests.workers import worker_at_hand
from klankbord.orgs.models import Membership, Role
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.services import post_approve, post_create, post_delete, post_schedule
from klankbord.test import World

Status = PostTarget.Status


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefen"
    )


@pytest.fixture
def owner(world: World) -> Membership:
    return Membership.objects.get(user=world.alice)


def scheduled_post(world: World, channel: Channel, owner: Membership, minutes: int = 10) -> Post:
    post = post_create(
        organisation=world.org, author=world.alice, text="Verse croissants", channels=[channel]
    )
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=minutes), by=owner)
    return post


def sandbox_posts(channel: Channel) -> dict:
    channel.refresh_from_db()
    return channel.settings.get("posts", {})


def test_it_rejects_a_time_in_the_past(world: World, channel: Channel, owner: Membership) -> None:
    post = post_create(organisation=world.org, author=world.alice, text="x", channels=[channel])
    with pytest.raises(ValidationError):
        post_schedule(post=post, at=timezone.now() - timedelta(minutes=1), by=owner)


def test_a_channel_of_another_organisation_is_refused(world: World) -> None:
    foreign = Channel.objects.create(
        organisation=world.other_org, network="sandbox", external_id="x", handle="x"
    )
    with pytest.raises(ValidationError):
        post_create(organisation=world.org, author=world.alice, text="x", channels=[foreign])


def test_a_contributors_post_waits_for_approval(
    world: World, channel: Channel, owner: Membership
) -> None:
    contributor = Membership.objects.get(user=world.member(Role.CONTRIBUTOR))
    post = post_create(
        organisation=world.org, author=contributor.user, text="x", channels=[channel]
    )
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=5), by=contributor)
    assert post.targets.get().status == Status.AWAITING_APPROVAL
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert scheduler.claim_due()[1] == []
    with pytest.raises(ValidationError):
        post_approve(post=post, by=contributor)
    post_approve(post=post, by=owner)
    assert post.targets.get().status == Status.SCHEDULED


def test_nothing_is_claimed_before_its_time(
    world: World, channel: Channel, owner: Membership
) -> None:
    scheduled_post(world, channel, owner)
    assert scheduler.claim_due()[1] == []


def test_a_claim_is_exclusive_and_publishing_happens_once(
    world: World, channel: Channel, owner: Membership
) -> None:
    post = scheduled_post(world, channel, owner)
    later = timezone.now() + timedelta(minutes=11)
    token, ids = scheduler.claim_due(later)
    assert ids == [post.targets.get().pk]
    assert scheduler.claim_due(later)[1] == []
    assert scheduler.publish(ids[0], token) == Status.PUBLISHED
    assert scheduler.publish(ids[0], token) == ""
    target = post.targets.get()
    assert target.status == Status.PUBLISHED
    assert target.remote_id == "sandbox-1" and target.remote_url.endswith("/1")
    assert len(sandbox_posts(channel)) == 1


def test_a_post_deleted_after_its_claim_is_never_published(
    world: World, channel: Channel, owner: Membership
) -> None:
    post = scheduled_post(world, channel, owner)
    token, ids = scheduler.claim_due(timezone.now() + timedelta(minutes=11))
    assert post_delete(post=post, by=world.alice) == 0
    assert scheduler.publish(ids[0], token) == ""
    assert post.targets.get().status == Status.CANCELLED
    assert sandbox_posts(channel) == {}


def test_a_stale_lease_cannot_publish(world: World, channel: Channel, owner: Membership) -> None:
    post = scheduled_post(world, channel, owner)
    now = timezone.now() + timedelta(minutes=11)
    old_token, ids = scheduler.claim_due(now)
    # The first worker vanished; its lease ran out and another tick claimed again.
    later = now + timedelta(minutes=5)
    scheduler.sweep(later)
    new_token, again = scheduler.claim_due(later)
    assert again == ids and new_token != old_token
    assert scheduler.publish(ids[0], old_token) == ""
    assert scheduler.publish(ids[0], new_token) == Status.PUBLISHED
    assert len(sandbox_posts(channel)) == 1
    assert post.targets.get().attempts == 1


def test_a_worker_that_died_while_publishing_is_resolved_by_lookup(
    world: World, channel: Channel, owner: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = scheduled_post(world, channel, owner)
    now = timezone.now() + timedelta(minutes=11)
    token, ids = scheduler.claim_due(now)
    real_publish = SandboxConnector.publish

    def publish_then_die(self, outgoing):  # type: ignore[no-untyped-def]
        real_publish(self, outgoing)
        raise SystemExit("worker killed after the network accepted the post")

    monkeypatch.setattr(SandboxConnector, "publish", publish_then_die)
    with pytest.raises(SystemExit):
        scheduler.publish(ids[0], token)
    monkeypatch.setattr(SandboxConnector, "publish", real_publish)
    assert post.targets.get().status == Status.PUBLISHING
    lookups = scheduler.sweep(now + timedelta(minutes=5))
    assert post.targets.get().status == Status.UNCONFIRMED
    [(target_id, lookup_token)] = lookups
    assert scheduler.resolve(target_id, lookup_token) == Status.PUBLISHED
    assert len(sandbox_posts(channel)) == 1
    assert post.targets.get().remote_id == "sandbox-1"


def test_an_unconfirmed_post_the_network_lacks_is_sent_again_after_a_pause(
    world: World, channel: Channel, owner: Membership, settings: Any
) -> None:
    post = scheduled_post(world, channel, owner)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        status=Status.UNCONFIRMED, lease_expires_at=None, attempts=1
    )
    [(target_id, token)] = scheduler.sweep()
    before = timezone.now()
    assert scheduler.resolve(target_id, token) == Status.SCHEDULED
    pause = timedelta(seconds=settings.PUBLISH_RETRY_BASE_SECONDS)
    assert before + pause / 2 <= post.targets.get().due_at <= timezone.now() + pause


def test_a_retry_looks_first_and_finds_a_post_that_arrived_after_all(
    world: World, channel: Channel, owner: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = scheduled_post(world, channel, owner)
    real_publish = SandboxConnector.publish
    sent = []

    def publish_then_fail(self, outgoing):  # type: ignore[no-untyped-def]
        sent.append(outgoing.idempotency_key)
        real_publish(self, outgoing)
        raise ConnectorError("Bad gateway")  # the network took it, and still said no

    monkeypatch.setattr(SandboxConnector, "publish", publish_then_fail)
    token, ids = scheduler.claim_due(timezone.now() + timedelta(minutes=11))
    assert scheduler.publish(ids[0], token) == Status.SCHEDULED

    token, ids = scheduler.claim_due(timezone.now() + timedelta(hours=1))
    assert scheduler.publish(ids[0], token) == Status.PUBLISHED

    assert len(sent) == 1
    target = post.targets.get()
    assert (target.remote_id, target.attempts) == ("sandbox-1", 2)


def test_a_retry_that_cannot_look_first_waits_unconfirmed_and_sends_nothing(
    world: World, channel: Channel, owner: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = scheduled_post(world, channel, owner)
    PostTarget.objects.filter(pk=post.targets.get().pk).update(attempts=1)

    def unreachable(self, outgoing):  # type: ignore[no-untyped-def]
        raise ConnectorError("The network could not be reached")

    monkeypatch.setattr(SandboxConnector, "find_published", unreachable)
    token, ids = scheduler.claim_due(timezone.now() + timedelta(minutes=11))
    assert scheduler.publish(ids[0], token) == Status.UNCONFIRMED
    assert post.targets.get().error == "The network could not be reached"
    assert sandbox_posts(channel) == {}


def test_a_post_the_network_still_lacks_after_the_last_attempt_fails_with_its_error(
    world: World, channel: Channel, owner: Membership, settings: Any
) -> None:
    post = scheduled_post(world, channel, owner)
    error = "Mastodon had a problem after receiving the post; it may have gone out: HTTP 500"
    PostTarget.objects.filter(pk=post.targets.get().pk).update(
        status=Status.UNCONFIRMED,
        lease_expires_at=None,
        attempts=settings.PUBLISH_MAX_ATTEMPTS,
        error=error,
    )
    [(target_id, token)] = scheduler.sweep()
    assert scheduler.resolve(target_id, token) == Status.FAILED
    assert post.targets.get().error == error
    assert sandbox_posts(channel) == {}


def test_rate_limits_wait_permanent_errors_fail_and_others_retry(
    world: World, channel: Channel, owner: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = scheduled_post(world, channel, owner)
    target = post.targets.get()
    now = timezone.now() + timedelta(minutes=11)
    retry_at = now + timedelta(minutes=3)

    def raise_(error: Exception):  # type: ignore[no-untyped-def]
        def publish(self, outgoing):  # type: ignore[no-untyped-def]
            raise error

        return publish

    monkeypatch.setattr(
        SandboxConnector, "publish", raise_(RateLimitError("slow", retry_at=retry_at))
    )
    token, ids = scheduler.claim_due(now)
    assert scheduler.publish(ids[0], token) == Status.SCHEDULED
    waited = PostTarget.objects.get(pk=target.pk)
    assert (waited.due_at, waited.attempts) == (retry_at, 0)

    monkeypatch.setattr(SandboxConnector, "publish", raise_(ConnectorError("busy")))
    token, ids = scheduler.claim_due(retry_at)
    assert scheduler.publish(ids[0], token) == Status.SCHEDULED
    # A transient error waits a little (with jitter) from the moment it happened.
    assert PostTarget.objects.get(pk=target.pk).due_at > timezone.now()

    monkeypatch.setattr(
        SandboxConnector, "publish", raise_(ConnectorError("too long", permanent=True))
    )
    token, ids = scheduler.claim_due(retry_at + timedelta(minutes=10))
    assert scheduler.publish(ids[0], token) == Status.FAILED
    failed = PostTarget.objects.get(pk=target.pk)
    assert failed.error == "too long" and failed.attempts == 2


def test_a_post_far_past_its_time_is_missed_not_fired(
    world: World, channel: Channel, owner: Membership
) -> None:
    post = scheduled_post(world, channel, owner)
    after_outage = timezone.now() + timedelta(minutes=10 + 61)
    scheduler.mark_missed(after_outage)
    assert scheduler.claim_due(after_outage)[1] == []
    target = post.targets.get()
    assert target.status == Status.MISSED and "Too late" in target.error
    assert sandbox_posts(channel) == {}


def test_the_tick_publishes_through_the_queue(
    world: World,
    channel: Channel,
    owner: Membership,
) -> None:
    post = scheduled_post(world, channel, owner, minutes=1)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)), worker_at_hand():
        scheduler.tick()
    assert post.targets.get().status == Status.PUBLISHED


def test_a_step_a_network_took_is_kept_for_the_next_attempt(
    world: World, channel: Channel, owner: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connector that saves a step (a container id) and then fails finds it on the retry."""
    seen: list[str] = []

    def publish(self: SandboxConnector, post: Any) -> Any:
        seen.append(post.progress.get("container"))
        post.progress.save("container", "c-1")
        raise ConnectorError("the network fell over")

    monkeypatch.setattr(SandboxConnector, "publish", publish)
    monkeypatch.setattr(SandboxConnector, "find_published", lambda self, post: None)
    target = scheduled_post(world, channel, owner).targets.get()
    for _attempt in range(2):
        PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
        token, ids = scheduler.claim_due()
        assert ids == [target.pk]
        scheduler.publish(target.pk, token)
    assert seen == ["", "c-1"]
    target.refresh_from_db()
    assert target.progress == {"container": "c-1"}
