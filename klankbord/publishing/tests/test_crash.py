"""The crash test: a real worker, killed with SIGKILL at random moments while it publishes, to
fakes that drop answers after accepting and answer 429/503 (Mastodon, Bluesky), fail, drop and
hang creates (Facebook, which has no idempotency key) or drop the answer to publishing a
prepared container (Instagram), or store a post and then drop or fail the answer (LinkedIn, whose
look-up reads the page's posts back; Google Business Profile's local posts, which also lose a
create before storing it) — and every post still appears exactly once."""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.db.models import Q
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks import google
from klankbord.channels.networks.bluesky import BlueskyConnector
from klankbord.channels.tests.fakes.bluesky import HANDLE, FakeBluesky
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram, jpeg
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn, shown
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.core.tests.test_worker import database_url_for_children
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.public_images import SALT
from klankbord.publishing.services import image_upload, post_create, post_schedule
from klankbord.test import World

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]
POSTS_PER_CHANNEL = int(os.environ.get("KLANKBORD_CRASH_POSTS", "15"))
LEASE_SECONDS = 20
# Each kill costs a worker's start (seconds); four keep the test short.
MAX_KILLS = 4
FINAL = {PostTarget.Status.PUBLISHED, PostTarget.Status.FAILED, PostTarget.Status.MISSED}
# Instagram takes only posts with an image, which Meta fetches from our public address.
INSTAGRAM_POSTS = 5
SITE = "https://klankbord.example.be"
# A few local posts to one Google location: enough for each of its faults, little added time.
GOOGLE_POSTS = 4


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


@pytest.fixture
def linkedin_server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def google_server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def google_channel(world: World, fake: FakeGoogle) -> Channel:
    """The first location, connected with an hour-long token: no refresh during the test."""
    refresh, access = fake.issue()
    token = google.Token(access, refresh, datetime.now(UTC) + timedelta(hours=1))
    app = google.App(fake.client_id, fake.client_secret)
    location = fake.location(0)
    return Channel.objects.create(
        organisation=world.org,
        network="google",
        external_id=location.name,
        handle=location.title,
        # The worker processes find the fake's reviews and local posts at this address.
        base_url=fake.base_url,
        secrets=google.secrets_of(app, token),
    )


def schedule_google_posts(world: World, channel: Channel, owner: Membership) -> list[str]:
    texts = [f"Nieuw in de winkel {n}: speculaas" for n in range(GOOGLE_POSTS)]
    for text in texts:
        post = post_create(
            organisation=world.org, author=world.alice, text=text, channels=[channel]
        )
        post_schedule(post=post, at=timezone.now() + timedelta(seconds=1), by=owner)
    return texts


def break_google_creates(fake: FakeGoogle) -> None:
    """Local posts stored and then the answer dropped or a 500, and a create lost unstored."""
    fake.drop_after_accept, fake.fail_after_accept, fake.drop_before_accept = 1, 1, 1


def assert_once_on_google(fake: FakeGoogle, channel: Channel, texts: list[str]) -> None:
    posts = fake.location(0).posts
    on_google = Counter(post["summary"] for post in posts.values())
    assert set(on_google) == set(texts), "a local post is missing on Google"
    assert max(on_google.values()) == 1, f"twice on Google: {on_google.most_common(3)}"
    # Each target holds the name of its own local post.
    targets = PostTarget.objects.filter(channel=channel)
    assert {t.text: posts.get(t.remote_id, {}).get("summary") for t in targets} == {
        t: t for t in texts
    }
    assert (fake.drop_after_accept, fake.fail_after_accept, fake.drop_before_accept) == (0, 0, 0)


def linkedin_channel(world: World, linkedin: FakeLinkedIn) -> Channel:
    token = linkedin.issue()
    expires_at = int(linkedin.tokens[token].expires_at)
    return Channel.objects.create(
        organisation=world.org,
        network="linkedin",
        external_id=linkedin.page,
        handle="bakkerij-vandevelde",
        base_url=linkedin.base_url,
        secrets={"access_token": token, "expires_at": expires_at},
    )


def assert_once_on_linkedin(linkedin: FakeLinkedIn, channel: Channel, texts: list[str]) -> None:
    on_linkedin = Counter(linkedin.texts(channel.external_id))
    assert set(on_linkedin) == set(texts), "a post is missing (or cut short) on LinkedIn"
    assert max(on_linkedin.values()) == 1, f"twice on LinkedIn: {on_linkedin.most_common(3)}"
    targets = PostTarget.objects.filter(channel=channel)
    # Each target holds the URN of its own post.
    by_urn = {urn: shown(post["commentary"]) for urn, post in linkedin.posts.items()}
    assert {t.text: by_urn.get(t.remote_id) for t in targets} == {t: t for t in texts}
    assert (linkedin.drop_after_accept, linkedin.fail_after_accept) == (0, 0)


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


def schedule_instagram_posts(
    world: World, channel: Channel, owner: Membership
) -> tuple[list[str], dict[int, bytes]]:
    """Posts with one image each; returns their texts and the images by id."""
    texts = [f"Vers uit de oven {n} #bakkerij" for n in range(INSTAGRAM_POSTS)]
    images: dict[int, bytes] = {}
    for text in texts:
        image = image_upload(
            organisation=world.org, by=world.alice, filename="brood.jpg", content=jpeg()
        )
        image.alt_text = "Pistolets in de mand"
        post = post_create(
            organisation=world.org,
            author=world.alice,
            text=text,
            channels=[channel],
            images=[image],
        )
        post_schedule(post=post, at=timezone.now() + timedelta(seconds=1), by=owner)
        images.update({i.pk: bytes(i.content) for i in post.images.all()})
    return texts, images


def meta_fetches(images: dict[int, bytes]) -> Callable[[str], tuple[bytes, str]]:
    """Meta downloading an image from its signed public address (read without the database,
    which the fake's thread does not share)."""

    def fetch(url: str) -> tuple[bytes, str]:
        token = url.removeprefix(SITE + "/beeld/").rstrip("/")
        return images[signing.loads(token, salt=SALT)], "image/jpeg"

    return fetch


def assert_once_on_instagram(instagram: FakeInstagram, channel: Channel, texts: list[str]) -> None:
    on_instagram = Counter(media["caption"] for media in instagram.published())
    assert set(on_instagram) == set(texts), "a post is missing on Instagram"
    assert max(on_instagram.values()) == 1, f"twice on Instagram: {on_instagram.most_common(3)}"
    targets = PostTarget.objects.filter(channel=channel)
    assert {t.text: instagram.media.get(t.remote_id, {}).get("caption") for t in targets} == {
        t: t for t in texts
    }
    assert instagram.drop_after_accept == 0


def publishing_since(moment: datetime) -> bool:
    """Whether a worker began publishing a post after `moment` and is still at it."""
    started_after = Q(lease_expires_at__gt=moment + timedelta(seconds=LEASE_SECONDS))
    return PostTarget.objects.filter(started_after, status=PostTarget.Status.PUBLISHING).exists()


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SITE_URL": SITE,
        "DATABASE_URL": database_url_for_children(),
        "KLANKBORD_ALLOW_LOOPBACK_URLS": "true",
        "HTTP_TIMEOUT_SECONDS": "1",
        "PUBLISH_LEASE_SECONDS": str(LEASE_SECONDS),
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
    linkedin_server: HTTPServer,
    google_server: HTTPServer,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.PUBLISH_LEASE_SECONDS = LEASE_SECONDS
    settings.SITE_URL = SITE
    mastodon, bluesky = FakeMastodon(servers[0]), FakeBluesky(servers[1])
    # Instagram's Graph is served beside Facebook's, for the same Page.
    facebook = FakeFacebook(servers[2])
    instagram = FakeInstagram(facebook)
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
    linkedin = FakeLinkedIn(linkedin_server)
    channels.append(linkedin_channel(world, linkedin))
    owner = Membership.objects.get(user=world.alice)
    # Brackets and a hashtag: LinkedIn would cut the text short if they were not escaped.
    texts = [f"Aanbieding {n} (vers): verse pistolets #bakkerij" for n in range(POSTS_PER_CHANNEL)]
    for text in texts:
        post = post_create(organisation=world.org, author=world.alice, text=text, channels=channels)
        post_schedule(post=post, at=timezone.now() + timedelta(seconds=1), by=owner)
    on_instagram = connect_instagram(world, instagram)
    instagram_texts, images = schedule_instagram_posts(world, on_instagram, owner)
    instagram.fetch = meta_fetches(images)
    fake_google = FakeGoogle(google_server)
    on_google = google_channel(world, fake_google)
    google_texts = schedule_google_posts(world, on_google, owner)
    mastodon.set_chaos(0.1)
    bluesky.set_chaos(0.1)
    break_facebook_creates(facebook)
    instagram.drop_after_accept = 2
    linkedin.drop_after_accept, linkedin.fail_after_accept = 2, 1
    break_google_creates(fake_google)

    chaos = random.Random(11)
    log = tmp_path / "worker.log"
    worker, started = start_worker(log), timezone.now()
    kills = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            scheduler.tick()
            remaining = PostTarget.objects.exclude(status__in=FINAL).count()
            if remaining == 0:
                break
            # Killed while it publishes: between the network's answer and the row's update, too.
            if kills < MAX_KILLS and publishing_since(started) and chaos.random() < 0.3:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
                worker, started = start_worker(log), timezone.now()
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    statuses = Counter(PostTarget.objects.values_list("status", flat=True))
    published = len(channels) * POSTS_PER_CHANNEL + INSTAGRAM_POSTS + GOOGLE_POSTS
    assert statuses == {PostTarget.Status.PUBLISHED: published}, (
        statuses,
        log.read_text()[-3000:],
    )
    on_mastodon = Counter(mastodon.published_texts())
    on_bluesky = Counter(record["text"] for record in bluesky.our_posts())
    for posted in (on_mastodon, on_bluesky):
        assert set(posted) == set(texts), "a post is missing"
        assert max(posted.values()) == 1, f"a post appeared twice: {posted.most_common(3)}"
    assert_once_on_facebook(facebook, channels[2], texts)
    assert_once_on_instagram(instagram, on_instagram, instagram_texts)
    assert_once_on_linkedin(linkedin, channels[3], texts)
    assert_once_on_google(fake_google, on_google, google_texts)
    assert kills >= 1
