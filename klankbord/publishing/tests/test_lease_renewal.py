"""A worker renews its lease while the network is slow; a dead worker's post goes out quickly."""

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.channels.networks.sandbox import SandboxConnector
from klankbord.core.tests.workers import worker_at_hand
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

Status = PostTarget.Status


def scheduled_post(world: World, channel: Channel) -> Post:
    post = post_create(
        organisation=world.org, author=world.alice, text="Verse croissants", channels=[channel]
    )
    owner = Membership.objects.get(user=world.alice)
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=1), by=owner)
    return post


def sandbox_posts(channel: Channel) -> dict:
    channel.refresh_from_db()
    return channel.settings.get("posts", {})


@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_publish_slower_than_the_lease_from_being_taken_over(
    world: World, sandbox: Channel, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PUBLISH_LEASE_SECONDS = 1
    post = scheduled_post(world, sandbox)
    real_publish = SandboxConnector.publish

    def slow_publish(self, outgoing):  # type: ignore[no-untyped-def]
        time.sleep(3)  # three leases long
        return real_publish(self, outgoing)

    monkeypatch.setattr(SandboxConnector, "publish", slow_publish)
    token, [target_id] = scheduler.claim_due(timezone.now() + timedelta(minutes=2))
    outcome: list[str] = []

    def work() -> None:
        try:
            outcome.append(scheduler.publish(target_id, token))
        finally:
            connection.close()  # the worker thread's own connection

    worker = threading.Thread(target=work)
    worker.start()
    taken_over: list[object] = []
    while worker.is_alive():
        # Another worker's beat, sweeping and claiming all the while.
        taken_over += scheduler.sweep()
        taken_over += scheduler.claim_due(timezone.now() + timedelta(minutes=2))[1]
        time.sleep(0.2)
    worker.join()
    assert taken_over == []
    assert outcome == [Status.PUBLISHED]
    target = post.targets.get()
    assert (target.status, target.attempts) == (Status.PUBLISHED, 1)
    assert len(sandbox_posts(sandbox)) == 1


def test_it_lets_go_of_a_lease_taken_by_another(
    world: World, sandbox: Channel, settings: Any
) -> None:
    post = scheduled_post(world, sandbox)
    token, [target_id] = scheduler.claim_due(timezone.now() + timedelta(minutes=2))
    PostTarget.objects.filter(pk=target_id).update(status=Status.PUBLISHING)
    assert scheduler.lease_renew(target_id, token)
    PostTarget.objects.filter(pk=target_id).update(lease_token="someone-else")
    assert not scheduler.lease_renew(target_id, token)
    assert post.targets.get().lease_token == "someone-else"


def test_a_post_whose_worker_died_goes_out_within_fifteen_seconds(
    world: World,
    sandbox: Channel,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    post = scheduled_post(world, sandbox)
    real_publish = SandboxConnector.publish

    def die(self, outgoing):  # type: ignore[no-untyped-def]
        raise SystemExit("worker killed before the post reached the network")

    death = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(SandboxConnector, "publish", die)
    with time_machine.travel(death, tick=False):
        token, [target_id] = scheduler.claim_due()
        with pytest.raises(SystemExit):
            scheduler.publish(target_id, token)
    monkeypatch.setattr(SandboxConnector, "publish", real_publish)
    assert post.targets.get().status == Status.PUBLISHING
    # The worst moment: a beat tick (every 5 s) just before the lease runs out.
    lease = settings.PUBLISH_LEASE_SECONDS
    for seconds in (lease - 10.05, lease - 5.05, lease - 0.05, lease + 4.95):
        with time_machine.travel(death + timedelta(seconds=seconds), tick=False), worker_at_hand():
            scheduler.tick()
    target = post.targets.get()
    assert target.status == Status.PUBLISHED
    assert target.published_at is not None
    assert target.published_at - death <= timedelta(seconds=15)
    assert len(sandbox_posts(sandbox)) == 1


def test_a_renewal_the_busy_database_refused_is_tried_again_soon(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PUBLISH_LEASE_SECONDS = 3  # a renewal every second
    calls: list[float] = []

    def renew(target_id: int, token: str) -> bool:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return True

    monkeypatch.setattr(scheduler, "lease_renew", renew)
    with scheduler.lease_kept(1, "token"):
        time.sleep(1.8)
    assert len(calls) >= 2
    assert calls[1] - calls[0] < 0.9  # not a whole turn later


def test_a_lookup_whose_worker_died_is_taken_over_one_lease_later(
    world: World,
    sandbox: Channel,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    post = scheduled_post(world, sandbox)
    moment = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(moment, tick=False):
        token, [target_id] = scheduler.claim_due()
        # A worker died while publishing it; the sweep claimed it for a lookup.
        PostTarget.objects.filter(pk=target_id).update(
            status=Status.UNCONFIRMED, error=scheduler.WORKER_STOPPED, attempts=1
        )
        lookup = scheduler.claim_lookup(target_id, moment, wait_for_lease=False)
    real_find = SandboxConnector.find_published

    def die(self, outgoing):  # type: ignore[no-untyped-def]
        raise SystemExit("worker killed while looking the post up")

    monkeypatch.setattr(SandboxConnector, "find_published", die)
    death = moment + timedelta(seconds=30)  # its message waited in the queue this long
    with time_machine.travel(death, tick=False), pytest.raises(SystemExit):
        scheduler.resolve(target_id, lookup)
    lease = timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    # Not the queued claim's six leases: one lease from the start of the lookup.
    assert post.targets.get().lease_expires_at == death + lease

    def asked(self, outgoing):  # type: ignore[no-untyped-def]
        raise AssertionError("a message that is no longer ours asks the network nothing")

    monkeypatch.setattr(SandboxConnector, "find_published", asked)
    assert scheduler.resolve(target_id, token) == ""
    monkeypatch.setattr(SandboxConnector, "find_published", real_find)
    with time_machine.travel(death + lease + timedelta(seconds=2), tick=False), worker_at_hand():
        scheduler.recover()
    target = post.targets.get()
    assert (target.status, target.attempts) == (Status.PUBLISHED, 2)
    assert target.published_at - death <= timedelta(seconds=15)
    assert len(sandbox_posts(sandbox)) == 1


def test_recovery_between_ticks_only_reads_while_every_lease_runs(
    world: World, sandbox: Channel, django_assert_max_num_queries: Any
) -> None:
    scheduled_post(world, sandbox)
    moment = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(moment, tick=False):
        _token, [target_id] = scheduler.claim_due()  # claimed, waiting in the queue
        with django_assert_max_num_queries(1):
            scheduler.recover()
    assert PostTarget.objects.get(pk=target_id).status == Status.CLAIMED
