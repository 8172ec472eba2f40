"""A Facebook Page through the Connector interface, against the fake Graph API."""

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    ConnectorError,
    Media,
    OutgoingPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.lib import http
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World


@pytest.fixture
def channel(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


def page_id(channel: Channel) -> str:
    return channel.external_id


def creates(fake: FakeFacebook) -> int:
    return fake.requests_to("POST", r"/\d+/feed") + sum(
        1 for photo in fake.photos.values() if photo["published"]
    )


def photo(alt_text: str) -> Media:
    return Media(content=PNG, mime_type="image/png", alt_text=alt_text, filename="foto.png")


def test_the_channel_is_the_page_with_its_name_and_followers(channel: Channel) -> None:
    assert channel.handle == "Bakkerij Vandevelde"
    assert channel.profile_url == f"https://www.facebook.com/{channel.external_id}"
    connector = services.connector_for(channel)
    assert connector.profile().followers == 240
    assert connector.can(Capability.PUBLISH) and connector.can(Capability.MEDIA)
    assert connector.can(Capability.MENTIONS) and connector.can(Capability.REPLY)
    assert connector.can(Capability.METRICS) and not connector.can(Capability.SEARCH)


def test_it_publishes_text(channel: Channel, fake_facebook: FakeFacebook) -> None:
    published = services.connector_for(channel).publish(
        OutgoingPost(text="Verse croissants vandaag 🥐", idempotency_key="fb-1")
    )
    assert fake_facebook.published_messages(page_id(channel)) == ["Verse croissants vandaag 🥐"]
    assert published.remote_id.startswith(page_id(channel) + "_")
    assert published.url == f"https://www.facebook.com/{published.remote_id}"


def test_a_link_in_the_text_is_sent_as_the_posts_link(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    published = services.connector_for(channel).publish(
        OutgoingPost(text="Ons nieuwe menu: https://bakkerij.example/menu.", idempotency_key="l")
    )
    attachments = fake_facebook.posts[published.remote_id]["attachments"]
    assert attachments == [{"type": "share", "url": "https://bakkerij.example/menu"}]


def test_one_photo_goes_out_with_its_caption_and_alt_text(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    published = services.connector_for(channel).publish(
        OutgoingPost(text="Kijk!", idempotency_key="p1", media=(photo("Een mand croissants"),))
    )
    post = fake_facebook.posts[published.remote_id]
    assert post["message"] == "Kijk!"
    (shown,) = fake_facebook.photos.values()
    assert (shown["alt_text"], shown["published"], shown["post_id"]) == (
        "Een mand croissants",
        True,
        published.remote_id,
    )


def test_several_photos_are_uploaded_unpublished_and_attached_to_one_post(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    media = (photo("Croissants"), photo("Pistolets"), photo("Taart"))
    published = services.connector_for(channel).publish(
        OutgoingPost(text="Ons aanbod", idempotency_key="p3", media=media)
    )
    photos = list(fake_facebook.photos.values())
    assert [p["alt_text"] for p in photos] == ["Croissants", "Pistolets", "Taart"]
    assert all(not p["published"] and p["post_id"] == published.remote_id for p in photos)
    assert fake_facebook.published_messages(page_id(channel)) == ["Ons aanbod"]


@pytest.mark.parametrize("subcode", [463, 460])
def test_an_expired_or_invalidated_token_needs_a_reconnect(
    subcode: int, channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.break_token(channel.secrets["access_token"], subcode)
    with pytest.raises(AuthError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="t"))
    assert caught.value.permanent
    assert "Error validating access token" in caught.value.message
    services.channel_check(channel=channel)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN


def test_a_lost_permission_needs_a_reconnect(channel: Channel, fake_facebook: FakeFacebook) -> None:
    fake_facebook.faults.append(
        Fault(403, {"message": "(#200) Requires pages_manage_posts permission", "code": 200})
    )
    with pytest.raises(AuthError):
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="perm"))


@pytest.mark.parametrize(("code", "status"), [(4, 403), (17, 400), (32, 400), (613, 400)])
def test_throttling_by_error_code_waits_and_is_not_permanent(
    code: int, status: int, channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.throttle(code, status=status)
    connector = services.connector_for(channel)
    with pytest.raises(RateLimitError) as caught:
        connector.publish(OutgoingPost(text="Te snel", idempotency_key="thr"))
    assert not caught.value.permanent
    assert caught.value.retry_at > timezone.now() + timedelta(minutes=10)
    assert fake_facebook.published_messages(page_id(channel)) == []
    # Every worker waits: the next call does not reach Facebook before the time.
    requests = len(fake_facebook.server.log)
    with pytest.raises(RateLimitError):
        connector.publish(OutgoingPost(text="Te snel", idempotency_key="thr"))
    assert len(fake_facebook.server.log) == requests


def test_meta_s_own_estimate_of_the_wait_is_used(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    usage = '{"1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 42}]}'
    fake_facebook.faults.append(
        Fault(
            400,
            {"message": "(#80001) Too many calls", "code": 80001},
            {"X-Business-Use-Case-Usage": usage},
        )
    )
    with pytest.raises(RateLimitError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="buc"))
    wait = caught.value.retry_at - timezone.now()
    assert timedelta(minutes=41) < wait <= timedelta(minutes=42)


def test_a_usage_header_at_80_percent_slows_the_next_calls_down(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    connector = services.connector_for(channel)
    fake_facebook.page_usage = {"call_count": 79, "total_cputime": 5, "total_time": 5}
    connector.publish(OutgoingPost(text="Eerste", idempotency_key="u1"))
    connector.publish(OutgoingPost(text="Tweede", idempotency_key="u2"))
    fake_facebook.app_usage = {"call_count": 10, "total_cputime": 90, "total_time": 20}
    connector.publish(OutgoingPost(text="Derde", idempotency_key="u3"))
    with pytest.raises(RateLimitError) as caught:
        connector.publish(OutgoingPost(text="Vierde", idempotency_key="u4"))
    assert timezone.now() < caught.value.retry_at < timezone.now() + timedelta(minutes=10)
    assert fake_facebook.published_messages(page_id(channel)) == ["Eerste", "Tweede", "Derde"]


@pytest.mark.parametrize("header", ["X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"])
def test_each_usage_header_can_slow_the_page_down(
    header: str, channel: Channel, fake_facebook: FakeFacebook
) -> None:
    usage = {"call_count": 95, "total_cputime": 3, "total_time": 3}
    value = {"1": [{"type": "pages", **usage}]} if "Case" in header else usage
    fake_facebook.extra_headers = {header: json.dumps(value)}
    connector = services.connector_for(channel)
    connector.publish(OutgoingPost(text="Eerste", idempotency_key="h1"))
    with pytest.raises(RateLimitError):
        connector.publish(OutgoingPost(text="Tweede", idempotency_key="h2"))
    assert fake_facebook.published_messages(page_id(channel)) == ["Eerste"]


def test_more_than_ten_photos_are_refused_before_anything_is_sent(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    media = tuple(photo(f"foto {n}") for n in range(11))
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(
            OutgoingPost(text="Elf", idempotency_key="11", media=media)
        )
    assert caught.value.permanent
    assert fake_facebook.photos == {}


def test_an_invalid_parameter_is_a_permanent_error(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(Fault(400, {"message": "(#100) Invalid parameter", "code": 100}))
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="bad"))
    assert caught.value.permanent
    assert not isinstance(caught.value, (AuthError, RateLimitError))


def test_a_dropped_answer_after_facebook_took_the_post_is_found_not_sent_again(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.drop_after_accept = 1
    connector = services.connector_for(channel)
    post = OutgoingPost(
        text="Vandaag verse pistolets",
        idempotency_key="drop-1",
        not_before=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    found = connector.find_published(post)
    (made,) = fake_facebook.posts.values()
    assert found is not None and found.remote_id == made["id"]
    assert found.url == made["permalink_url"]
    assert creates(fake_facebook) == 1


def test_a_post_lost_before_facebook_took_it_is_not_found(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.drop_before_accept = 1
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Verloren", idempotency_key="drop-2", not_before=timezone.now())
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    assert connector.find_published(post) is None


def test_a_server_error_on_a_create_is_an_unknown_outcome(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(500, {"message": "An unknown error has occurred.", "code": 1, "is_transient": True})
    )
    with pytest.raises(UnknownOutcomeError):
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="500"))


def test_the_same_words_posted_before_the_attempt_are_another_post(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    connector = services.connector_for(channel)
    connector.publish(OutgoingPost(text="Zondag open", idempotency_key="old"))
    later = timezone.now() + timedelta(hours=1)
    assert (
        connector.find_published(
            OutgoingPost(text="Zondag open", idempotency_key="new", not_before=later)
        )
        is None
    )


def test_a_photo_post_is_found_by_its_caption_and_number_of_photos(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    connector = services.connector_for(channel)
    media = (photo("a"), photo("b"))
    post = OutgoingPost(text="Twee foto's", idempotency_key="pp", media=media)
    published = connector.publish(post)
    found = connector.find_published(post)
    assert found is not None and found.remote_id == published.remote_id
    assert connector.find_published(OutgoingPost(text="Twee foto's", idempotency_key="t")) is None


def test_the_scheduler_publishes_once_when_the_answer_to_the_create_is_lost(
    world: World, channel: Channel, fake_facebook: FakeFacebook, settings: Any
) -> None:
    owner = Membership.objects.get(user=world.alice)
    post = post_create(
        organisation=world.org, author=world.alice, text="Eén keer, niet twee", channels=[channel]
    )
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_facebook.drop_after_accept = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.PUBLISHED
    target = PostTarget.objects.get(pk=ids[0])
    (made,) = fake_facebook.posts.values()
    assert target.remote_id == made["id"]
    assert fake_facebook.published_messages(page_id(channel)) == ["Eén keer, niet twee"]
    assert creates(fake_facebook) == 1


def test_without_any_answer_the_outcome_is_unknown(
    channel: Channel, fake_facebook: FakeFacebook, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    fake_facebook.hang_after_accept = 1
    with pytest.raises(UnknownOutcomeError):
        services.connector_for(channel).publish(OutgoingPost(text="Misschien", idempotency_key="h"))
    assert fake_facebook.published_messages(page_id(channel)) == ["Misschien"]
