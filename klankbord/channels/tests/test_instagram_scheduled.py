"""A scheduled post reaches Instagram exactly once through the scheduler, whatever goes wrong."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.channels.networks import instagram
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram, jpeg
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.public_images import SALT
from klankbord.publishing.services import image_upload, post_create, post_schedule
from klankbord.test import World

pytestmark = pytest.mark.django_db
Status = PostTarget.Status
SITE = "https://klankbord.example.be"


@pytest.fixture(autouse=True)
def public_site(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SITE_URL = SITE  # type: ignore[attr-defined]
    monkeypatch.setattr(instagram, "POLL_SECONDS", 0)


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    return FakeInstagram(fake_facebook)


@pytest.fixture
def channel(world: World, fake: FakeInstagram) -> Channel:
    return connect_instagram(world, fake)


def scheduled_post(world: World, channel: Channel, fake: FakeInstagram, images: int = 1) -> Post:
    uploads = [
        image_upload(organisation=world.org, by=world.alice, filename="brood.jpg", content=jpeg())
        for _n in range(images)
    ]
    for number, upload in enumerate(uploads, 1):
        upload.alt_text = f"Pistolets in de mand, foto {number}"
    post = post_create(
        organisation=world.org,
        author=world.alice,
        text="Verse pistolets, zaterdag vanaf 7u",
        channels=[channel],
        images=uploads,
    )
    # Meta fetches each image from its signed public address (read here without the database,
    # which the fake's thread does not share).
    contents = {image.pk: bytes(image.content) for image in post.images.all()}

    def fetch(url: str) -> tuple[bytes, str]:
        token = url.removeprefix(SITE + "/beeld/").rstrip("/")
        return contents[signing.loads(token, salt=SALT)], "image/jpeg"

    fake.fetch = fetch
    owner = Membership.objects.get(user=world.alice)
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=10), by=owner)
    # Its time has come.
    moment = timezone.now() - timedelta(seconds=30)
    post.targets.update(scheduled_at=moment, due_at=moment)
    return post


def publish_due(minutes: int = 0) -> str:
    token, ids = scheduler.claim_due(timezone.now() + timedelta(minutes=minutes))
    assert len(ids) == 1
    return scheduler.publish(ids[0], token)


def test_a_scheduled_carousel_goes_out_once(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    post = scheduled_post(world, channel, fake, images=3)
    assert publish_due() == Status.PUBLISHED, post.targets.get().error
    (media,) = fake.published()
    target = post.targets.get()
    assert (target.remote_id, target.remote_url) == (media["id"], media["permalink"])
    assert media["media_type"] == "CAROUSEL_ALBUM"


def test_a_lost_answer_to_media_publish_is_resolved_by_look_up_without_a_second_post(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    post = scheduled_post(world, channel, fake)
    fake.drop_after_accept = 1
    assert publish_due() == Status.PUBLISHED
    (media,) = fake.published()
    assert post.targets.get().remote_id == media["id"]
    assert fake.requests_to("POST", rf"/{fake.user_id}/media_publish") == 1


def test_a_container_still_in_progress_is_published_by_a_later_attempt(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    post = scheduled_post(world, channel, fake)
    fake.polls_in_progress = instagram.POLLS + 1
    assert publish_due() == Status.SCHEDULED
    target = post.targets.get()
    container = target.progress[instagram.CONTAINER]
    assert fake.published() == [] and "Instagram" in target.error
    assert publish_due(minutes=60) == Status.PUBLISHED
    assert list(fake.containers) == [container]
    assert len(fake.published()) == 1


def test_a_worker_that_died_after_media_publish_never_leads_to_a_second_post(
    world: World, channel: Channel, fake: FakeInstagram, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = scheduled_post(world, channel, fake)
    real = instagram.InstagramConnector._publish_container

    def publish_then_die(self: instagram.InstagramConnector, container: str) -> None:
        real(self, container)
        raise SystemExit("the worker was killed")

    monkeypatch.setattr(instagram.InstagramConnector, "_publish_container", publish_then_die)
    with pytest.raises(SystemExit):
        publish_due()
    monkeypatch.undo()
    # The lease runs out; the sweeper gives the target to another worker, which looks first.
    later = timezone.now() + timedelta(hours=1)
    ((target_id, token),) = scheduler.sweep(later)
    assert scheduler.resolve(target_id, token) == Status.PUBLISHED
    assert post.targets.get().remote_id == fake.published()[0]["id"]
    assert len(fake.published()) == 1


def test_a_full_daily_limit_makes_the_post_wait_instead_of_failing(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    post = scheduled_post(world, channel, fake)
    fake.published_before = 50
    assert publish_due() == Status.SCHEDULED
    target = post.targets.get()
    assert target.due_at is not None
    assert target.due_at > timezone.now() + timedelta(minutes=50)
    assert "50" in target.error
    assert fake.containers == {} and fake.published() == []


def test_a_post_instagram_cannot_prepare_fails_with_instagrams_reason(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    post = scheduled_post(world, channel, fake)
    fake.outcome = "ERROR"
    assert publish_due() == Status.FAILED
    target = post.targets.get()
    assert "2207026" in target.error
    assert target.progress.get(instagram.CONTAINER) == ""
