"""The composer's Google local posts: what's new, an offer or an event, with a button."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_google: FakeGoogle) -> Channel:
    return connect_google(world, fake_google)


def compose(world: World) -> str:
    return f"/o/{world.org.slug}/publiceren/nieuw/"


def schedule(client: Client, world: World, channel: Channel, **google: str) -> object:
    soon = timezone.localtime() + timedelta(minutes=5)
    return client.post(
        compose(world),
        {
            "text": "Deze week: 20% op alle taarten!",
            "channels": [channel.pk],
            "date": soon.date().isoformat(),
            "time": soon.strftime("%H:%M"),
            "action": "schedule",
            **{f"google_{key}": value for key, value in google.items()},
        },
    )


def publish_due() -> str:
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        token, ids = scheduler.claim_due()
        return scheduler.publish(ids[0], token)


def test_the_composer_offers_the_google_options_only_with_a_location(
    world: World, alice_client: Client, fake_google: FakeGoogle
) -> None:
    assert 'id="google-post"' not in alice_client.get(compose(world)).text
    connect_google(world, fake_google)
    page = alice_client.get(compose(world)).text
    assert 'id="google-post"' in page and "Kind of Google post" in page


def test_an_offer_with_a_coupon_and_a_button_goes_out_as_google_documents_it(
    world: World, alice_client: Client, channel: Channel, fake_google: FakeGoogle
) -> None:
    response = schedule(
        alice_client,
        world,
        channel,
        topic="OFFER",
        title="Taartenweek",
        start="2026-12-07",
        end="2026-12-13",
        coupon="TAART20",
        terms="Niet combineerbaar.",
        action="ORDER",
        url="https://bakkerij.example/bestellen",
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Post.objects.get().network_options["google"]["coupon"] == "TAART20"
    assert publish_due() == PostTarget.Status.PUBLISHED
    (made,) = fake_google.location(0).posts.values()
    assert made["topicType"] == "OFFER"
    assert made["event"] == {
        "title": "Taartenweek",
        "schedule": {
            "startDate": {"year": 2026, "month": 12, "day": 7},
            "endDate": {"year": 2026, "month": 12, "day": 13},
        },
    }
    assert made["offer"] == {"couponCode": "TAART20", "termsConditions": "Niet combineerbaar."}
    assert made["callToAction"] == {
        "actionType": "ORDER",
        "url": "https://bakkerij.example/bestellen",
    }


def test_an_event_with_call_now_has_no_address(
    world: World, alice_client: Client, channel: Channel, fake_google: FakeGoogle
) -> None:
    day = date.today().isoformat()
    schedule(alice_client, world, channel, topic="EVENT", title="Proeverij", start=day, end=day,
             action="CALL")  # fmt: skip
    assert publish_due() == PostTarget.Status.PUBLISHED
    (made,) = fake_google.location(0).posts.values()
    assert made["topicType"] == "EVENT" and "offer" not in made
    assert made["callToAction"] == {"actionType": "CALL"}


@pytest.mark.parametrize(
    ("google", "message"),
    [
        ({"topic": "EVENT", "start": "2026-12-07", "end": "2026-12-08"}, "needs a title"),
        (
            {"topic": "OFFER", "title": "Week", "start": "2026-12-08", "end": "2026-12-07"},
            "an end date after it",
        ),
        ({"action": "BOOK"}, "needs the https address"),
    ],
)
def test_what_google_would_refuse_is_said_in_the_composer(
    world: World,
    alice_client: Client,
    channel: Channel,
    fake_google: FakeGoogle,
    google: dict[str, str],
    message: str,
) -> None:
    response = schedule(alice_client, world, channel, **google)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert not Post.objects.exists()


def test_editing_keeps_the_google_options(
    world: World, alice_client: Client, channel: Channel
) -> None:
    schedule(alice_client, world, channel, topic="EVENT", title="Proeverij",
             start="2026-12-20", end="2026-12-20")  # fmt: skip
    post = Post.objects.get()
    page = alice_client.get(f"/o/{world.org.slug}/publiceren/{post.pk}/bewerken/").text
    assert 'value="Proeverij"' in page and 'value="EVENT" selected' in page
