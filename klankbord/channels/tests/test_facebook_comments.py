"""Comments on a Facebook Page's posts and its Messenger messages come in as mentions, once."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError
from klankbord.channels.networks.facebook import message_id
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.lib import http
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


def a_post(fake: FakeFacebook, channel: Channel, text: str = "Verse croissants!") -> str:
    return str(fake._new_post(channel.external_id, text)["id"])


def mentions_source(world: World, channel: Channel) -> Source:
    listening.sources_sync(world.org)
    return Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)


def stored() -> list[tuple[str, str]]:
    return sorted(Mention.objects.values_list("kind", "text"))


def test_comments_and_replies_on_the_pages_posts_come_as_replies(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    post = a_post(fake_facebook, channel)
    question = fake_facebook.add_comment(post, "Zijn jullie open op zondag?")
    answer = fake_facebook.add_comment(post, "Ja, tot 12 uur!", name="An", parent=question["id"])

    page = services.connector_for(channel).mentions()

    assert [(m.kind, m.text, m.in_reply_to) for m in page.mentions] == [
        ("reply", "Zijn jullie open op zondag?", post),
        ("reply", "Ja, tot 12 uur!", question["id"]),
    ]
    first = page.mentions[0]
    assert first.remote_id == question["id"] and first.author_name == "Jan Peeters"
    assert first.url == question["permalink_url"]
    assert json.loads(page.cursor)["comments"] == answer["created_time"]


def test_the_pages_own_comments_are_not_read(channel: Channel, fake_facebook: FakeFacebook) -> None:
    post = a_post(fake_facebook, channel)
    fake_facebook.add_comment(post, "Wij antwoorden zelf", user_id=channel.external_id)

    assert services.connector_for(channel).mentions().mentions == []


def test_many_comments_are_read_through_their_pages(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    post = a_post(fake_facebook, channel)
    for number in range(230):
        fake_facebook.add_comment(post, f"Reactie {number}")

    page = services.connector_for(channel).mentions()

    assert len(page.mentions) == 230
    assert fake_facebook.requests_to("GET", r"/\d+_\d+/comments") == 3


def test_messenger_messages_come_as_messages_without_our_own_answers(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    first = fake_facebook.add_message(channel.external_id, "Dag, kan ik een taart bestellen?")
    second = fake_facebook.add_message(channel.external_id, "Voor zaterdag")
    conversation = next(iter(fake_facebook.conversations.values()))
    fake_facebook._add_to(
        conversation, {"id": channel.external_id, "name": "Bakkerij"}, "Ja!", None
    )

    page = services.connector_for(channel).mentions()

    assert [(m.kind, m.text) for m in page.mentions] == [
        ("message", "Dag, kan ik een taart bestellen?"),
        ("message", "Voor zaterdag"),
    ]
    message = page.mentions[1]
    assert message.remote_id == message_id(conversation["psid"], second["id"])
    assert message.author_name == "Els Maes" and message.url.startswith("https://business.")
    assert first["id"] in page.mentions[0].remote_id


def test_each_comment_and_message_is_stored_once_over_many_polls(
    world: World, channel: Channel, fake_facebook: FakeFacebook
) -> None:
    source = mentions_source(world, channel)
    post = a_post(fake_facebook, channel)
    fake_facebook.add_comment(post, "Lekker brood!")
    fake_facebook.add_message(channel.external_id, "Kan ik bij jullie bestellen voor een feest?")

    assert sources.poll(source.pk) == 2
    assert sources.poll(source.pk) == 0
    fake_facebook.add_comment(post, "Nog een vraag: glutenvrij?")
    assert sources.poll(source.pk) == 1

    assert stored() == [
        ("message", "Kan ik bij jullie bestellen voor een feest?"),
        ("reply", "Lekker brood!"),
        ("reply", "Nog een vraag: glutenvrij?"),
    ]
    source.refresh_from_db()
    # The Page's own post moved the cursor of posts on its feed too.
    assert set(json.loads(source.cursor)) == {"comments", "messages", "posts"}


def test_an_outage_leaves_the_cursor_and_the_next_poll_reads_everything(
    world: World, channel: Channel, fake_facebook: FakeFacebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    source = mentions_source(world, channel)
    post = a_post(fake_facebook, channel)
    fake_facebook.add_comment(post, "Zijn jullie open?")
    fake_facebook.faults.append(
        Fault(500, {"message": "An unknown error has occurred.", "code": 1}, path=r"/t?\d+/conv.*")
    )

    assert sources.poll(source.pk) == 0

    source.refresh_from_db()
    assert source.cursor == "" and source.failures == 1 and source.last_error
    assert sources.poll(source.pk) == 1


def test_a_throttled_page_waits_until_meta_lets_it_in_again(
    world: World, channel: Channel, fake_facebook: FakeFacebook
) -> None:
    source = mentions_source(world, channel)
    fake_facebook.throttle(32, path=r"/\d+/published_posts")

    assert sources.poll(source.pk) == 0

    source.refresh_from_db()
    assert source.next_poll_at > datetime.now(UTC) + timedelta(minutes=10)
    assert "slow down" in source.last_error and source.failures == 0


def test_comments_older_than_the_cursor_are_not_read_again(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    post = a_post(fake_facebook, channel)
    fake_facebook.add_comment(post, "Oud", at=datetime.now(UTC) - timedelta(hours=2))
    newest = fake_facebook.add_comment(post, "Nieuw")
    cursor = json.dumps({"comments": newest["created_time"]})

    page = services.connector_for(channel).mentions(cursor)

    # The same second is read again, so nothing of that second is lost; the pipeline drops it.
    assert [m.text for m in page.mentions] == ["Nieuw"]


def test_a_comment_list_that_is_refused_is_an_error(
    channel: Channel, fake_facebook: FakeFacebook
) -> None:
    a_post(fake_facebook, channel)
    fake_facebook.break_token(fake_facebook.page_token(channel.external_id))

    with pytest.raises(ConnectorError, match="Reconnect the page"):
        services.connector_for(channel).mentions()
