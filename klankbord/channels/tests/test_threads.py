"""Publishing to Threads through the Connector interface, against the fake Threads API."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    ConnectorError,
    Media,
    OutgoingPost,
    Progress,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.threads import ThreadsConnector
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.threads import FakeThreads
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.checks import images_for
from klankbord.publishing.counting import count
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

PUBLISH = r"/v1\.0/\d+/threads_publish"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_threads: FakeThreads) -> Channel:
    return connect_threads(world, fake_threads)


def image(alt_text: str, url: str = "https://klankbord.example/media/p/1.png") -> Media:
    return Media(content=PNG, mime_type="image/png", alt_text=alt_text, url=url)


def post(text: str, **kwargs: Any) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **kwargs)


def test_the_channel_is_the_threads_profile(channel: Channel) -> None:
    assert (channel.handle, channel.display_name) == ("@bakkerij.vandevelde", "Bakkerij Vandevelde")
    assert channel.profile_url == "https://www.threads.com/@bakkerij.vandevelde"
    connector = services.connector_for(channel)
    assert connector.profile().followers == 312
    assert connector.can(Capability.PUBLISH) and connector.can(Capability.MEDIA)
    assert connector.can(Capability.MENTIONS) and connector.hides_comments


def test_followers_are_unknown_without_the_insights_permission(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.tokens[channel.secrets["access_token"]].scopes.remove("threads_manage_insights")
    assert services.connector_for(channel).profile().followers is None


def test_it_publishes_text_and_reads_its_permalink(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    progress = Progress()
    published = services.connector_for(channel).publish(
        post("Verse croissants vandaag 🥐", progress=progress)
    )
    (made,) = fake_threads.posts()
    assert (made["text"], made["media_type"]) == ("Verse croissants vandaag 🥐", "TEXT_POST")
    assert (published.remote_id, published.url) == (made["id"], made["permalink"])
    assert fake_threads.containers[progress.get("container")]["published"] == made["id"]


def test_one_image_goes_out_with_its_address_and_alt_text(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return PNG

    fake_threads.fetch = fetch
    services.connector_for(channel).publish(post("Kijk!", media=(image("Een mand croissants"),)))
    (container,) = fake_threads.containers.values()
    assert (container["media_type"], container["alt_text"]) == ("IMAGE", "Een mand croissants")
    assert fetched == ["https://klankbord.example/media/p/1.png"]
    assert [m["media_type"] for m in fake_threads.posts()] == ["IMAGE"]


def test_several_images_go_out_as_one_carousel(channel: Channel, fake_threads: FakeThreads) -> None:
    media = tuple(image(f"foto {n}", f"https://klankbord.example/{n}.png") for n in range(3))
    services.connector_for(channel).publish(post("Ons aanbod", media=media))
    children = [c for c in fake_threads.containers.values() if c["carousel_item"]]
    assert [c["alt_text"] for c in children] == ["foto 0", "foto 1", "foto 2"]
    (made,) = fake_threads.posts()
    assert (made["media_type"], made["children"]) == ("CAROUSEL_ALBUM", [c["id"] for c in children])


def test_a_carousel_waits_for_its_images_and_takes_at_most_20(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.processing_reads = 2
    media = tuple(image(f"foto {n}", f"https://klankbord.example/{n}.png") for n in range(2))
    services.connector_for(channel).publish(post("Twee", media=media))
    assert [m["media_type"] for m in fake_threads.posts()] == ["CAROUSEL_ALBUM"]
    too_many = tuple(image(f"foto {n}") for n in range(21))
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(post("Te veel", media=too_many))
    assert caught.value.permanent and "at most 20 images" in caught.value.message


def test_without_a_public_address_an_image_is_refused_with_what_to_do(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    for url in ("", "http://127.0.0.1:8000/media/1.png"):
        with pytest.raises(ConnectorError) as caught:
            services.connector_for(channel).publish(post("Kijk", media=(image("x", url),)))
        assert caught.value.permanent and "SITE_URL" in caught.value.message
    assert fake_threads.containers == {}


def test_a_text_over_500_is_refused_before_sending_counting_emoji_as_bytes(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    text = "a" * 497 + "🥐"  # 497 + 4 bytes = 501
    assert count(text, "threads").over and count("a" * 496 + "🥐", "threads").ok
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(post(text))
    assert caught.value.permanent and "501 of 500" in caught.value.message
    assert fake_threads.containers == {}
    services.connector_for(channel).publish(post("a" * 496 + "🥐"))
    assert len(fake_threads.posts()) == 1


def test_the_fake_refuses_what_the_connector_would_not_send(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    connector = services.connector_for(channel)
    assert isinstance(connector, ThreadsConnector)
    with pytest.raises(ConnectorError) as caught:
        connector.client().call(
            "POST",
            f"/{channel.external_id}/threads",
            data={"media_type": "TEXT", "text": "é🥐" * 101},
        )
    assert "at most 500 characters" in caught.value.message


def test_an_image_still_processing_is_published_when_finished(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.processing_reads = 2
    services.connector_for(channel).publish(post("Even geduld", media=(image("brood"),)))
    assert fake_threads.texts() == ["Even geduld"]
    # Three reads of the status, then one of the permalink.
    assert fake_threads.requests_to("GET", r"/v1\.0/\d+") == 4


def test_an_image_processing_too_long_continues_with_the_same_container(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.processing_reads = 7
    progress = Progress()
    outgoing = post("Traag", media=(image("brood"),), progress=progress)
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(outgoing)
    assert not caught.value.permanent
    container = progress.get("container")
    services.connector_for(channel).publish(outgoing)
    assert list(fake_threads.containers) == [container]
    assert fake_threads.texts() == ["Traag"]


def test_a_container_in_error_is_a_permanent_error_with_the_reason(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.fetch = lambda url: b""
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(post("Kapot", media=(image("x"),)))
    assert caught.value.permanent and "FAILED_DOWNLOADING_IMAGE" in caught.value.message
    assert fake_threads.posts() == []


def test_an_expired_container_is_forgotten_and_made_again_at_the_next_try(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    progress = Progress()
    fake_threads.processing_reads = 9
    outgoing = post("Oud", media=(image("x"),), progress=progress)
    with pytest.raises(ConnectorError):
        services.connector_for(channel).publish(outgoing)
    first = progress.get("container")
    fake_threads.processing_reads = 0
    fake_threads.containers[first]["created"] -= 25 * 3600
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(outgoing)
    assert not caught.value.permanent and progress.get("container") == ""
    services.connector_for(channel).publish(outgoing)
    assert progress.get("container") not in ("", first)
    assert fake_threads.texts() == ["Oud"]


def test_a_published_container_is_never_published_again_but_looked_up(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.drop_after_accept = 1
    progress = Progress()
    outgoing = post("Eén keer", progress=progress, not_before=timezone.now())
    connector = services.connector_for(channel)
    with pytest.raises(UnknownOutcomeError):
        connector.publish(outgoing)
    published = connector.publish(outgoing)
    (made,) = fake_threads.posts()
    assert published.remote_id == made["id"]
    assert fake_threads.requests_to("POST", PUBLISH) == 1


def test_a_dropped_answer_to_the_publish_is_found_by_the_container(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.drop_after_accept = 1
    progress = Progress()
    outgoing = post("Gevonden", progress=progress, not_before=timezone.now())
    connector = services.connector_for(channel)
    with pytest.raises(UnknownOutcomeError):
        connector.publish(outgoing)
    found = connector.find_published(outgoing)
    (made,) = fake_threads.posts()
    assert found is not None and (found.remote_id, found.url) == (made["id"], made["permalink"])


def test_an_unpublished_container_is_not_found(channel: Channel, fake_threads: FakeThreads) -> None:
    fake_threads.processing_reads = 9
    progress = Progress()
    outgoing = post("Nog niet", media=(image("x"),), progress=progress)
    with pytest.raises(ConnectorError):
        services.connector_for(channel).publish(outgoing)
    assert services.connector_for(channel).find_published(outgoing) is None


def test_without_a_container_the_post_is_found_by_its_words_since_the_attempt(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    connector = services.connector_for(channel)
    connector.publish(post("Zondag open"))
    later = timezone.now() + timedelta(hours=1)
    assert connector.find_published(post("Zondag open", not_before=later)) is None
    found = connector.find_published(post("Zondag  open", not_before=timezone.now()))
    assert found is not None and found.remote_id == fake_threads.posts()[0]["id"]
    assert connector.find_published(post("Zondag open", media=(image("x"),))) is None


def test_the_scheduler_publishes_once_when_the_answer_is_lost(
    world: World, channel: Channel, fake_threads: FakeThreads
) -> None:
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Eén keer, niet twee", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_threads.drop_after_accept = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.PUBLISHED
    target = PostTarget.objects.get(pk=ids[0])
    (published,) = fake_threads.posts()
    assert (target.remote_id, target.remote_url) == (published["id"], published["permalink"])
    assert target.progress["container"]
    assert fake_threads.requests_to("POST", PUBLISH) == 1


def test_a_reply_is_a_text_container_answering_the_reply(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    connector = services.connector_for(channel)
    thread = connector.publish(post("Nieuw: spelt"))
    question = fake_threads.add_reply(thread.remote_id, "Ook glutenvrij?")
    answer = connector.publish(post("Nee, sorry!", reply_to=question["id"]))
    assert fake_threads.media[answer.remote_id]["reply_to"] == question["id"]
    found = connector.find_published(post("Nee, sorry!", reply_to=question["id"]))
    assert found is not None and found.remote_id == answer.remote_id


def test_the_quota_is_read_and_a_full_one_waits(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    connector = services.connector_for(channel)
    connector.publish(post("Eerste"))
    quota = connector.publishing_quota()
    assert quota is not None and (quota.used, quota.total, quota.left) == (1, 250, 249)
    fake_threads.quota_total = 1
    with pytest.raises(RateLimitError) as caught:
        connector.publish(post("Tweede"))
    assert caught.value.retry_at > timezone.now() + timedelta(minutes=30)
    assert fake_threads.texts() == ["Eerste"]
    assert len(fake_threads.containers) == 1
    # Replies have their own quota.
    connector.publish(post("Antwoord", reply_to=fake_threads.posts()[0]["id"]))


def test_an_expired_token_needs_a_reconnect_without_calling_threads(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=61)), pytest.raises(AuthError):
        services.connector_for(channel).publish(post("Te laat"))
    assert fake_threads.requests_to("POST", r"/v1\.0/\d+/threads") == 0


def test_a_revoked_token_breaks_the_channel(channel: Channel, fake_threads: FakeThreads) -> None:
    fake_threads.revoke(channel.secrets["access_token"])
    with pytest.raises(AuthError) as caught:
        services.connector_for(channel).publish(post("x"))
    assert "Reconnect Threads" in caught.value.message
    services.channel_check(channel=channel)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN


def test_throttling_waits_and_every_worker_sees_it(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    fake_threads.throttle(17)
    connector = services.connector_for(channel)
    with pytest.raises(RateLimitError) as caught:
        connector.publish(post("Te snel"))
    assert caught.value.retry_at > timezone.now() + timedelta(minutes=10)
    requests = len(fake_threads.server.log)
    with pytest.raises(RateLimitError):
        services.connector_for(channel).publish(post("Te snel"))
    assert len(fake_threads.server.log) == requests


def test_a_usage_header_near_the_limit_pauses_the_account_between_steps(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    services.connector_for(channel).publish(post("Eerste"))
    fake_threads.app_usage = {"call_count": 95, "total_cputime": 3, "total_time": 3}
    progress = Progress()
    with pytest.raises(RateLimitError) as caught:
        services.connector_for(channel).publish(post("Tweede", progress=progress))
    assert timezone.now() < caught.value.retry_at < timezone.now() + timedelta(minutes=15)
    assert fake_threads.texts() == ["Eerste"]
    # After the pause the same container goes out, once.
    fake_threads.app_usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
    with time_machine.travel(caught.value.retry_at + timedelta(seconds=1)):
        services.connector_for(channel).publish(post("Tweede", progress=progress))
    assert fake_threads.texts() == ["Eerste", "Tweede"]
    assert len(fake_threads.containers) == 2


def test_the_composer_says_threads_needs_a_public_address_for_images(
    world: World, channel: Channel, settings: Any
) -> None:
    image_row = PostImage.objects.create(
        organisation=world.org, filename="brood.jpg", content=b"\xff\xd8jpeg",
        mime_type="image/jpeg", width=1080, height=1080, size_bytes=6,
    )  # fmt: skip
    settings.SITE_URL = "http://127.0.0.1:8000"
    (problem,) = images_for(channel, [image_row])
    assert "Threads downloads images" in problem.message and "SITE_URL" in problem.hint
    settings.SITE_URL = "https://klankbord.bakkerij.be"
    assert images_for(channel, [image_row]) == []


class WorkerDied(BaseException):
    """The worker process stops between two steps (killed, out of memory)."""


def test_a_worker_dying_after_the_container_continues_with_it_once(
    world: World, channel: Channel, fake_threads: FakeThreads, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Na een crash", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    real_step = ThreadsConnector._publish_container

    def dies(self: ThreadsConnector, post: OutgoingPost, container: str) -> Any:
        raise WorkerDied

    monkeypatch.setattr(ThreadsConnector, "_publish_container", dies)
    start = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(start, tick=False):
        token, ids = scheduler.claim_due()
        with pytest.raises(WorkerDied):
            scheduler.publish(ids[0], token)
    container = PostTarget.objects.get(pk=ids[0]).progress["container"]
    monkeypatch.setattr(ThreadsConnector, "_publish_container", real_step)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        # The sweeper's look-up finds the container unpublished and goes on with it at once.
        outcomes = [scheduler.resolve(target_id, lookup) for target_id, lookup in scheduler.sweep()]
    assert outcomes == [PostTarget.Status.PUBLISHED]
    assert list(fake_threads.containers) == [container]
    assert fake_threads.texts() == ["Na een crash"]
