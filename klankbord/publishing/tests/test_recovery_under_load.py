"""A dead worker's post goes out within 15 s even when the queue is full of other work.

Real messages through a real broker (the database broker, and Redis when the run has one), taken
the way a Celery worker takes them, one at a time from the queues it consumes; the beat's
messages are sent at their schedule. Time is simulated: every call to the network takes half a
second, so a backlog of 40 retries (a look-up and a publish each) keeps one worker busy for 40 s.
"""

import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from kombu import Connection, Consumer, Message

from klankbord.channels.models import Channel
from klankbord.channels.networks.sandbox import SandboxConnector
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

Status = PostTarget.Status
NETWORK_CALL = timedelta(seconds=0.5)
BACKLOG = 40


@contextmanager
def broker(url: str) -> Iterator[Any]:
    """The app sends through `url` for the duration (its connection pools made afresh)."""
    from klankbord.celery import app

    def fresh_pools() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    app.loader.import_default_modules()  # every task, as a worker has them
    before = app.conf.broker_url
    app.conf.broker_url = url
    fresh_pools()
    try:
        yield app
    finally:
        app.conf.broker_url = before
        fresh_pools()


def broker_urls() -> list[Any]:
    urls = [pytest.param("database", id="database-broker")]
    configured = os.environ.get("CELERY_BROKER_URL", "")
    redis = pytest.mark.skipif(not configured.startswith("redis"), reason="no Redis in this run")
    urls.append(pytest.param(configured, id="redis", marks=redis))
    return urls


class Worker:
    """One worker process (concurrency 1) taking one message at a time, acknowledged late."""

    def __init__(self, app: Any, connection: Connection) -> None:
        self.app, self.connection = app, connection
        self.waiting: list[Message] = []
        self.consumer = Consumer(
            connection,
            queues=list(app.amqp.queues.consume_from.values()),
            accept=["json"],
            prefetch_count=1,
            callbacks=[lambda _body, message: self.waiting.append(message)],
        )
        self.consumer.consume()
        self.consumer.purge()

    def next_message(self) -> Message | None:
        try:
            self.connection.drain_events(timeout=1)
        except TimeoutError:
            return None
        return self.waiting.pop() if self.waiting else None

    def close(self) -> None:
        self.consumer.cancel()


def due_post(world: World, channel: Channel, text: str, at: datetime) -> Post:
    post = post_create(organisation=world.org, author=world.alice, text=text, channels=[channel])
    post_schedule(post=post, at=at, by=Membership.objects.get(user=world.alice))
    return post


@pytest.mark.parametrize("url", broker_urls())
def test_a_dead_workers_post_goes_out_within_fifteen_seconds_behind_a_queue_of_retries(
    url: str,
    world: World,
    sandbox: Channel,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}" if url == "database" else url
    moment = timezone.now() + timedelta(minutes=1)
    killed = due_post(world, sandbox, "Verse croissants", moment)
    backlog = [
        due_post(world, sandbox, f"Vandaag {n} soorten brood", moment + timedelta(seconds=1))
        for n in range(BACKLOG)
    ]
    # Each of the backlog failed once (a 503) and is due again: a look-up and a publish each.
    PostTarget.objects.filter(post__in=backlog).update(attempts=1, error="Service Unavailable")
    death = moment + timedelta(seconds=1)
    clock = {"traveller": None}
    published: Counter[str] = Counter()
    real_publish, real_find = SandboxConnector.publish, SandboxConnector.find_published

    def network(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: SandboxConnector, outgoing: Any) -> Any:
            clock["traveller"].shift(NETWORK_CALL)  # type: ignore[attr-defined]
            if real is real_publish:
                published[outgoing.idempotency_key] += 1
            return real(self, outgoing)

        return call

    def die(self: SandboxConnector, outgoing: Any) -> Any:
        raise SystemExit("worker killed while publishing")

    # The worker that dies: it started the post at the moment of its death (the worst case: it
    # had just renewed its lease, which runs out a whole lease later).
    monkeypatch.setattr(SandboxConnector, "publish", die)
    with time_machine.travel(death, tick=False):
        token, [target_id] = scheduler.claim_due(limit=1)
        with pytest.raises(SystemExit):
            scheduler.publish(target_id, token)
    assert killed.targets.get().status == Status.PUBLISHING
    monkeypatch.setattr(SandboxConnector, "publish", network(real_publish))
    monkeypatch.setattr(SandboxConnector, "find_published", network(real_find))

    with broker(url) as app, app.connection_for_read() as connection:
        worker = Worker(app, connection)
        try:
            # The tick at the moment of death queues the backlog ahead of everything after it.
            with (
                time_machine.travel(death, tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                scheduler.tick()
            # Beat's frequent entries, timed so that each one fires just before the lease of the
            # dead worker runs out: the one after it comes a whole interval later.
            lease = timedelta(seconds=settings.PUBLISH_LEASE_SECONDS - 0.05)
            every = {
                entry["task"]: timedelta(seconds=entry["schedule"])
                for entry in app.conf.beat_schedule.values()
                if entry["schedule"] <= 10
            }
            beat = {task: death + lease % interval for task, interval in every.items()}
            now, taken = death, []
            while now < death + timedelta(seconds=90):
                for task, at in sorted(beat.items(), key=lambda item: item[1]):
                    while at <= now:
                        with time_machine.travel(at, tick=False):
                            app.send_task(task)
                        at += every[task]
                    beat[task] = at
                message = worker.next_message()
                if message is None:  # nothing queued: on to the beat's next message
                    now = min(beat.values())
                    continue
                task = message.headers["task"]
                args, kwargs, _embed = message.decode()
                taken.append((round((now - death).total_seconds(), 2), task.rsplit(".", 1)[1]))
                with (
                    time_machine.travel(now, tick=False) as traveller,
                    django_capture_on_commit_callbacks(execute=True),
                ):
                    clock["traveller"] = traveller
                    app.tasks[task](*args, **kwargs)
                    now = timezone.now() + timedelta(seconds=0.05)
                message.ack()
                if not PostTarget.objects.exclude(status=Status.PUBLISHED).exists():
                    break
        finally:
            worker.close()

    target = killed.targets.get()
    assert target.status == Status.PUBLISHED, taken
    assert target.published_at - death <= timedelta(seconds=15), taken
    assert target.attempts == 2  # the dead worker's attempt and one more
    # Everything went out, each post exactly once, the backlog included.
    assert not PostTarget.objects.exclude(status=Status.PUBLISHED).exists(), taken
    keys = PostTarget.objects.values_list("idempotency_key", flat=True)
    assert published == dict.fromkeys(keys, 1)
