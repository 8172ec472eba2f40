"""Local posts on a Google Business Profile location: published once, found after a lost answer."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    ConnectorError,
    Media,
    OutgoingPost,
    UnknownOutcomeError,
)
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.counting import count
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

CREATE = r"/v4/accounts/\d+/locations/\d+/localPosts"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_google: FakeGoogle) -> Channel:
    return connect_google(world, fake_google)


def post(text: str, **kwargs: Any) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **kwargs)


def photo(url: str = "https://klankbord.example/media/p/1.png") -> Media:
    return Media(content=PNG, mime_type="image/png", alt_text="Taart", url=url)


def test_a_standard_post_with_a_photo_goes_out(channel: Channel, fake_google: FakeGoogle) -> None:
    published = services.connector_for(channel).publish(
        post("Nieuw: aardbeientaart!", media=(photo(),))
    )
    (made,) = fake_google.location(0).posts.values()
    assert published.remote_id == made["name"]
    assert published.url == made["searchUrl"]
    assert made["topicType"] == "STANDARD" and made["summary"] == "Nieuw: aardbeientaart!"
    assert made["media"] == [
        {"mediaFormat": "PHOTO", "sourceUrl": "https://klankbord.example/media/p/1.png"}
    ]


def test_what_google_would_refuse_is_refused_before_sending(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    connector = services.connector_for(channel)
    with pytest.raises(ConnectorError, match="1501 of 1500") as error:
        connector.publish(post("x" * 1501))
    assert error.value.permanent
    with pytest.raises(ConnectorError, match="SITE_URL must be a public https address"):
        connector.publish(post("Foto", media=(photo(url=""),)))
    with pytest.raises(ConnectorError, match="one photo"):
        connector.publish(post("Foto's", media=(photo(), photo())))
    assert fake_google.requests_to("POST", CREATE) == 0
    assert count("x" * 1501, "google").over


def test_a_lost_answer_is_found_among_the_posts_since_the_attempt(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    connector = services.connector_for(channel)
    connector.publish(post("Zondag open"))  # an older post with the same words
    fake_google.drop_after_accept = 1
    attempt = post("Zondag open", not_before=timezone.now() + timedelta(minutes=30))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        with pytest.raises(UnknownOutcomeError):
            connector.publish(attempt)
        found = connector.find_published(attempt)
    newest = max(fake_google.location(0).posts.values(), key=lambda p: p["name"])
    assert found is not None and found.remote_id == newest["name"]
    assert connector.find_published(post("Nooit gepost")) is None


def test_the_scheduler_publishes_once_when_the_answer_is_lost(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Eén keer, niet twee", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_google.drop_after_accept = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.PUBLISHED
    target = PostTarget.objects.get(pk=ids[0])
    (published,) = fake_google.location(0).posts.values()
    assert target.remote_id == published["name"]
    assert fake_google.requests_to("POST", CREATE) == 1
