"""The crash test: a real worker, killed with SIGKILL at random moments, publishing to fakes that
drop answers after accepting and answer 429/503 (Mastodon, Bluesky) or fail, drop and hang
creates (Facebook, which has no idempotency key) — and every post still appears exactly once."""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.bluesky import BlueskyConnector
from klankbord.channels.tests.fakes.bluesky import HANDLE, FakeBluesky
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.core.tests.test_worker import database_url_for_children
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]
POSTS_PER_CHANNEL = int(os.environ.get("KLANKBORD_CRASH_POSTS", "15"))
FINAL = {PostTarget.Status.PUBLISHED, PostTarget.Status.FAILED, PostTarget.Status.MISSED}


@pytest.fixture
def servers() -> Iterator[tuple[HTTPServer, HTTPServer, HTTPServer]]:
    # Threaded, so an answer that hangs does not block every other request; in this process,
    # on loopback, so the worker processes reach them and a killed worker takes none along.
    trio = (HTTPServer(threaded=True), HTTPServer(threaded=True), HTTPServer(threaded=True))
    for server in trio:
        server.start()
    yield trio
    for server in trio:
        server.clear()
        server.stop()


def facebook_channel(world: World, facebook: FakeFacebook) -> Channel:
    page = facebook.first_page()
    return Channel.objects.create(
        organisation=world.org,
        network="facebook",
        external_id=page["id"],
        handle=page["name"],
        base_url=facebook.base_url,
        secrets={"access_token": facebook.page_token(page["id"])},
    )


def break_facebook_creates(facebook: FakeFacebook) -> None:
    """Creates that Graph loses before storing, stores and then drops or answers too late, or
    answers with its "unexpected error" (which may or may not have stored the post)."""
    facebook.drop_before_accept = 2
    facebook.drop_after_accept = 3
    facebook.hang_after_accept = 2
    unexpected = {
        "message": "An unexpected error has occurred. Please retry your request later.",
        "code": 2,
        "is_transient": True,
    }
    facebook.faults += [Fault(500, unexpected, path=r"/\d+/feed") for _ in range(2)]


def assert_once_on_facebook(facebook: FakeFacebook, channel: Channel, texts: list[str]) -> None:
    on_facebook = Counter(facebook.published_messages(channel.external_id))
    assert set(on_facebook) == set(texts), "a post is missing on Facebook"
    assert max(on_facebook.values()) == 1, f"twice on Facebook: {on_facebook.most_common(3)}"
    # Each target holds the id of its own post.
    targets = PostTarget.objects.filter(channel=channel)
    assert {t.text: facebook.posts.get(t.remote_id, {}).get("message") for t in targets} == {
        t: t for t in texts
    }
    # Every fault happened.
    faults = (facebook.drop_before_accept, facebook.drop_after_accept, facebook.hang_after_accept)
    assert faults == (0, 0, 0) and not facebook.faults


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_children(),
        "KLANKBORD_ALLOW_LOOPBACK_URLS": "true",
        "HTTP_TIMEOUT_SECONDS": "1",
        "PUBLISH_LEASE_SECONDS": "20",
        "PUBLISH_RETRY_BASE_SECONDS": "1",
    }
    argv = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "klankbord",
        "worker",
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
    ]
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def test_every_post_exactly_once_despite_kills_and_faults(
    world: World,
    servers: tuple[HTTPServer, HTTPServer, HTTPServer],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.PUBLISH_LEASE_SECONDS = 20
    mastodon, bluesky = FakeMastodon(servers[0]), FakeBluesky(servers[1])
    facebook = FakeFacebook(servers[2])
    channels = [
        Channel.objects.create(
            organisation=world.org,
            network="mastodon",
            external_id=mastodon.account["id"],
            handle="@bakkerij@fake",
            base_url=mastodon.base_url,
            secrets={"access_token": mastodon.issue_token()},
        ),
    ]
    profile, secrets = BlueskyConnector.log_in(
        handle=HANDLE, app_password=bluesky.app_password, pds=bluesky.base_url, allow_loopback=True
    )
    channels.append(
        Channel.objects.create(
            organisation=world.org,
            network="bluesky",
            external_id=profile.external_id,
            handle=profile.handle,
            base_url=bluesky.base_url,
            secrets=secrets,
        )
    )
    channels.append(facebook_channel(world, facebook))
    owner = Membership.objects.get(user=world.alice)
    texts = [f"Aanbieding {n}: verse pistolets" for n in range(POSTS_PER_CHANNEL)]
    for text in texts:
        post = post_create(organisation=world.org, author=world.alice, text=text, channels=channels)
        post_schedule(post=post, at=timezone.now() + timedelta(seconds=1), by=owner)
    mastodon.set_chaos(0.1)
    bluesky.set_chaos(0.1)
    break_facebook_creates(facebook)

    chaos = random.Random(11)
    log = tmp_path / "worker.log"
    worker = start_worker(log)
    kills = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            scheduler.tick()
            remaining = PostTarget.objects.exclude(status__in=FINAL).count()
            if remaining == 0:
                break
            if kills < 6 and chaos.random() < 0.15:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
                worker = start_worker(log)
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    statuses = Counter(PostTarget.objects.values_list("status", flat=True))
    assert statuses == {PostTarget.Status.PUBLISHED: len(channels) * POSTS_PER_CHANNEL}, (
        statuses,
        log.read_text()[-3000:],
    )
    on_mastodon = Counter(mastodon.published_texts())
    on_bluesky = Counter(record["text"] for record in bluesky.our_posts())
    for posted in (on_mastodon, on_bluesky):
        assert set(posted) == set(texts), "a post is missing"
        assert max(posted.values()) == 1, f"a post appeared twice: {posted.most_common(3)}"
    assert_once_on_facebook(facebook, channels[2], texts)
    assert kills >= 1
