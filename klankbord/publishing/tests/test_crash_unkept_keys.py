"""The crash test against Mastodon servers that break the Idempotency-Key promise: one ignores
the key, one answers a repeated key with HTTP 500 (mastodon/mastodon#40399). A tenth of the
creates is accepted and then the connection drops, and now and then the worker dies right after
the server took the post. Still every post appears once, and each ends published with its id."""

import random
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost, PublishedPost
from klankbord.channels.networks.mastodon import MastodonConnector
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.publishing.services import image_upload, post_create, post_schedule
from klankbord.publishing.tests.test_views import png
from klankbord.test import World

Status = PostTarget.Status
POSTS = 20
SETTLED = {Status.PUBLISHED, Status.FAILED, Status.MISSED}


@pytest.fixture(autouse=True)
def fast_scheduler(settings: Any) -> Iterator[None]:
    from klankbord.celery import app

    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.HTTP_TIMEOUT_SECONDS = 1
    settings.PUBLISH_LEASE_SECONDS = 1
    settings.PUBLISH_RETRY_BASE_SECONDS = 0.2
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def fake_mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver)


@pytest.fixture
def dying_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """One publish in twenty: the server takes the post, then the worker is killed."""
    real_publish = MastodonConnector.publish
    chance = random.Random(5)

    def publish(self: MastodonConnector, post: OutgoingPost) -> PublishedPost:
        published = real_publish(self, post)
        if chance.random() < 0.05:
            raise SystemExit("worker killed after the network accepted the post")
        return published

    monkeypatch.setattr(MastodonConnector, "publish", publish)


def plan_posts(world: World, channel: Channel) -> list[str]:
    owner = Membership.objects.get(user=world.alice, organisation=world.org)
    texts = [f"Aanbieding {n}: verse pistolets" for n in range(POSTS)]
    plans: list[tuple[str, list[PostImage]]] = [(text, []) for text in texts]
    # The same words twice, with other pictures: a look-up tells them apart by their alt texts.
    for alt_text in ("Een mand pistolets", "Pistolets op de toonbank"):
        image = image_upload(
            organisation=world.org, by=world.alice, filename="p.png", content=png()
        )
        image.alt_text = alt_text
        plans.append(("Vers uit de oven", [image]))
    for text, images in plans:
        post = post_create(
            organisation=world.org, author=world.alice, text=text, channels=[channel], images=images
        )
        post_schedule(post=post, at=timezone.now(), by=owner)
    return texts


def run_the_scheduler(django_capture_on_commit_callbacks: Any, seconds: float) -> int:
    """Tick as beat does, with the tasks run at once; returns how often the worker died."""
    deaths = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with django_capture_on_commit_callbacks(execute=True):
                scheduler.tick()
        except SystemExit:
            deaths += 1  # what it claimed waits for its lease to end; the sweeper takes over
        if not PostTarget.objects.exclude(status__in=SETTLED).exists():
            break
        time.sleep(0.05)
    return deaths


@pytest.mark.parametrize("mode", ["ignored", "error"])
def test_every_post_once_on_a_server_that_breaks_the_key_promise(
    mode: str,
    world: World,
    fake_mastodon: FakeMastodon,
    dying_worker: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = connect_mastodon(world, fake_mastodon)
    texts = plan_posts(world, channel)
    fake_mastodon.idempotency_mode = mode
    fake_mastodon.drop_creates(0.1, seed=3)
    # And two creates lost before the server took them: those must go again.
    fake_mastodon.drop_before_accept = 2

    deaths = run_the_scheduler(django_capture_on_commit_callbacks, seconds=30)

    targets = list(PostTarget.objects.all())
    assert Counter(t.status for t in targets) == {Status.PUBLISHED: POSTS + 2}, [
        (t.status, t.error) for t in targets if t.status != Status.PUBLISHED
    ]
    ours = [s for s in fake_mastodon.statuses.values() if s["account"] == fake_mastodon.account]
    on_timeline = Counter(
        (s["text"], tuple(m["description"] for m in s["media_attachments"])) for s in ours
    )
    assert max(on_timeline.values()) == 1, f"a second copy: {on_timeline.most_common(2)}"
    assert {text for text, _images in on_timeline} == {*texts, "Vers uit de oven"}
    # Each target holds the id of its own status, and no status belongs to two targets.
    for target in targets:
        status = fake_mastodon.statuses[target.remote_id]
        alt_texts = [image.alt_text for image in target.post.images.all()]
        assert status["text"] == target.text
        assert [m["description"] for m in status["media_attachments"]] == alt_texts
    assert len({target.remote_id for target in targets}) == len(targets)
    assert fake_mastodon.dropped >= 4 and deaths >= 1
    assert fake_mastodon.repeated_keys == 0, "a create was repeated after the server took it"
