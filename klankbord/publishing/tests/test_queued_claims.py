"""A claimed post waiting in a busy queue stays its message's; a backlog does not feed itself."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler, tasks
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

Status = PostTarget.Status


def due_posts(world: World, channel: Channel, count: int) -> None:
    owner = Membership.objects.get(user=world.alice)
    for n in range(count):
        post = post_create(
            organisation=world.org, author=world.alice, text=f"Brood {n}", channels=[channel]
        )
        post_schedule(post=post, at=timezone.now() + timedelta(minutes=1), by=owner)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """The publish messages beat puts in the queue, which no worker takes yet."""
    messages: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks.publish_target, "delay", lambda *args: messages.append(args))
    return messages


def tick_at(moment: Any, capture: Any) -> None:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        scheduler.tick()


@pytest.mark.django_db
def test_a_claim_waiting_longer_than_the_lease_is_not_claimed_and_queued_again(
    world: World,
    sandbox: Channel,
    settings: Any,
    queued: list[tuple[int, str]],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.PUBLISH_LEASE_SECONDS = 9
    due_posts(world, sandbox, 3)
    due = timezone.now() + timedelta(minutes=2)
    tick_at(due, django_capture_on_commit_callbacks)
    assert len(queued) == 3
    # The workers are busy: beat ticks every 5 s while the messages wait, past the 9 s lease.
    for seconds in range(5, 51, 5):
        tick_at(due + timedelta(seconds=seconds), django_capture_on_commit_callbacks)
    assert len(queued) == 3, "claimed again and queued twice"
    with time_machine.travel(due + timedelta(seconds=52), tick=False):
        outcomes = [scheduler.publish(target_id, token) for target_id, token in queued]
    assert outcomes == [Status.PUBLISHED] * 3
    sandbox.refresh_from_db()
    assert len(sandbox.settings["posts"]) == 3


@pytest.mark.django_db
def test_a_claim_lost_with_its_worker_is_queued_again_within_a_minute(
    world: World,
    sandbox: Channel,
    settings: Any,
    queued: list[tuple[int, str]],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.PUBLISH_LEASE_SECONDS = 9
    due_posts(world, sandbox, 1)
    due = timezone.now() + timedelta(minutes=2)
    tick_at(due, django_capture_on_commit_callbacks)
    [(target_id, lost_token)] = queued  # the worker that took this message died before starting
    assert scheduler.claim_length() <= timedelta(minutes=1)
    tick_at(
        due + scheduler.claim_length() + timedelta(seconds=1), django_capture_on_commit_callbacks
    )
    assert len(queued) == 2
    target_id_again, token = queued[1]
    assert target_id_again == target_id and token != lost_token
    assert scheduler.publish(target_id, lost_token) == ""  # its old message, if it comes back
    assert scheduler.publish(target_id, token) == Status.PUBLISHED


@pytest.mark.django_db
def test_beat_claims_no_more_while_a_batch_still_waits_in_the_queue(
    world: World, sandbox: Channel
) -> None:
    due_posts(world, sandbox, 5)
    due = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(due, tick=False):
        token, first = scheduler.claim_due(limit=3)
        assert len(first) == 3
        assert scheduler.claim_due(limit=3)[1] == []  # the workers have not caught up
        scheduler.publish(first[0], token)
        assert len(scheduler.claim_due(limit=3)[1]) == 1  # one started: room for one
