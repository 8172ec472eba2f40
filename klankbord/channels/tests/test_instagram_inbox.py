"""Comments on an Instagram account's posts and its direct messages: read, answered, hidden."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    ConnectorError,
    OutgoingPost,
    UnknownOutcomeError,
)
from klankbord.channels.networks.instagram import InstagramConnector
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention as StoredMention
from klankbord.listening.models import Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    return FakeInstagram(fake_facebook)


@pytest.fixture
def channel(world: World, fake: FakeInstagram) -> Channel:
    return connect_instagram(world, fake)


@pytest.fixture
def connector(channel: Channel) -> InstagramConnector:
    connector = services.connector_for(channel)
    assert isinstance(connector, InstagramConnector)
    return connector


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def answer(text: str, reply_to: str, *, direct: bool = False) -> OutgoingPost:
    return OutgoingPost(
        text=text,
        idempotency_key=f"answer-{reply_to}",
        reply_to=reply_to,
        visibility="direct" if direct else "public",
        not_before=timezone.now() - timedelta(minutes=1),
    )


def test_comments_and_replies_on_recent_posts_come_in_but_not_our_own(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Verse croissants", at=ago(days=2))
    question = fake.add_comment(media["id"], "Tot hoe laat open?", at=ago(hours=3))
    reply = fake.add_comment(
        media["id"], "Ook benieuwd!", username="an.claes", parent=question["id"], at=ago(hours=2)
    )
    fake.add_comment(media["id"], "Tot 18u!", username="bakkerijvandevelde", parent=question["id"])
    page = connector.mentions()
    assert [(m.remote_id, m.in_reply_to, m.author_handle) for m in page.mentions] == [
        (question["id"], media["id"], "@jan.peeters"),
        (reply["id"], question["id"], "@an.claes"),
    ]
    assert all(m.kind == "reply" for m in page.mentions)
    assert [m.url for m in page.mentions] == [
        f"{media['permalink']}c/{question['id']}/",
        f"{media['permalink']}c/{question['id']}/r/{reply['id']}/",
    ]
    assert page.mentions[0].text == "Tot hoe laat open?"


def test_the_cursor_moves_on_and_only_new_comments_come_next(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Pistolets", at=ago(days=1))
    fake.add_comment(media["id"], "Lekker!", at=ago(hours=5))
    fake.add_comment(media["id"], "Mooi!", at=ago(hours=4))
    first = connector.mentions()
    assert len(first.mentions) == 2
    assert set(json.loads(first.cursor)) == {"comments"}
    later = fake.add_comment(media["id"], "Nog eens!", at=ago(minutes=5))
    second = connector.mentions(first.cursor)
    assert later["id"] in [m.remote_id for m in second.mentions]
    assert "Lekker!" not in [m.text for m in second.mentions]


def test_comments_on_posts_older_than_two_weeks_are_left_to_webhooks(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    old = fake.add_media("Oude post", at=ago(days=20))
    fake.add_comment(old["id"], "Laat antwoord", at=ago(hours=1))
    assert connector.mentions().mentions == []


def test_a_comment_is_answered_once_as_a_reply(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Taart van de week")
    question = fake.add_comment(media["id"], "Nog een vraag: glutenvrij?")
    published = connector.publish(answer("Ja, op bestelling!", question["id"]))
    reply = fake.comments[published.remote_id]
    assert (reply["parent_id"], reply["text"], reply["username"]) == (
        question["id"],
        "Ja, op bestelling!",
        "bakkerijvandevelde",
    )


def test_a_lost_answer_to_a_reply_is_found_among_the_comments_replies(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Taart van de week")
    question = fake.add_comment(media["id"], "Nog een vraag: glutenvrij?")
    fake.drop_after_accept = 1
    post = answer("Ja, op bestelling!", question["id"])
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    found = connector.find_published(post)
    assert found is not None
    assert fake.comments[found.remote_id]["text"] == "Ja, op bestelling!"
    assert fake.requests_to("POST", rf"/{question['id']}/replies") == 1
    assert connector.find_published(answer("Iets anders", question["id"])) is None


def test_a_comment_is_hidden_and_shown_again(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Brood")
    rude = fake.add_comment(media["id"], "Spam spam spam")
    connector.comment_hide(rude["id"], hidden=True)
    assert fake.comments[rude["id"]]["hidden"] is True
    connector.comment_hide(rude["id"], hidden=False)
    assert fake.comments[rude["id"]]["hidden"] is False


def test_direct_messages_come_in_as_messages_of_one_conversation(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Hebben jullie nog taart?", at=ago(minutes=30))
    fake.add_message("Voor 6 personen", at=ago(minutes=20))
    page = connector.mentions()
    messages = [m for m in page.mentions if m.kind == "message"]
    assert [m.text for m in messages] == ["Hebben jullie nog taart?", "Voor 6 personen"]
    assert all(m.remote_id.startswith("instagram-dm/") for m in messages)
    assert messages[0].author_handle == "@els.maes"
    conversations = {InstagramConnector.conversation_of(m.remote_id) for m in messages}
    assert len(conversations) == 1
    assert "messages" in json.loads(page.cursor)


def test_a_direct_message_is_answered_privately_within_the_window(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Open op zondag?", at=ago(minutes=10))
    (message,) = connector.mentions().mentions
    published = connector.publish(answer("Ja, tot 12u.", message.remote_id, direct=True))
    assert InstagramConnector.conversation_of(published.remote_id) == (
        InstagramConnector.conversation_of(message.remote_id)
    )
    (conversation,) = fake.conversations.values()
    assert conversation["messages"][0]["message"] == "Ja, tot 12u."
    assert conversation["messages"][0]["from"]["id"] == fake.user_id
    # Our own answer does not come back as something to answer.
    assert [m.text for m in connector.mentions().mentions] == ["Open op zondag?"]


def test_an_answer_after_the_24_hour_window_is_refused(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Vraagje", at=ago(hours=30))
    conversation = next(iter(fake.conversations.values()))
    remote_id = f"instagram-dm/{conversation['igsid']}/{conversation['messages'][0]['id']}"
    with pytest.raises(ConnectorError) as caught:
        connector.publish(answer("Sorry voor de late reactie", remote_id, direct=True))
    assert caught.value.permanent
    assert "24 hours" in caught.value.message


def test_a_lost_direct_answer_is_found_in_the_conversation(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Open op zondag?", at=ago(minutes=10))
    (message,) = connector.mentions().mentions
    fake.drop_after_accept = 1
    post = answer("Ja, tot 12u.", message.remote_id, direct=True)
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    found = connector.find_published(post)
    assert found is not None
    assert found.remote_id.startswith(InstagramConnector.conversation_of(message.remote_id))
    assert fake.requests_to("POST", rf"/{fake.page_id}/messages") == 1


def test_a_direct_message_cannot_be_hidden_or_answered_in_public(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Hallo")
    (message,) = connector.mentions().mentions
    with pytest.raises(ConnectorError):
        connector.comment_hide(message.remote_id, hidden=True)
    with pytest.raises(ConnectorError):
        connector.publish(answer("Hallo!", message.remote_id))


def test_each_comment_and_message_is_stored_once_over_many_polls(
    world: World, channel: Channel, fake: FakeInstagram
) -> None:
    listening.sources_sync(world.org)
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    media = fake.add_media("Verse croissants", at=ago(days=1))
    fake.add_comment(media["id"], "Lekker brood!")
    fake.add_message("Kan ik bestellen voor een feest?")

    assert sources.poll(source.pk) == 2
    assert sources.poll(source.pk) == 0
    fake.add_comment(media["id"], "Nog een vraag: glutenvrij?")
    assert sources.poll(source.pk) == 1

    assert sorted(StoredMention.objects.values_list("kind", "text")) == [
        ("message", "Kan ik bestellen voor een feest?"),
        ("reply", "Lekker brood!"),
        ("reply", "Nog een vraag: glutenvrij?"),
    ]


def test_an_expired_token_stops_the_comments_with_a_reconnect_message(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake.add_media("Brood")
    fake_facebook.break_token(fake_facebook.page_token(fake.page_id))
    with pytest.raises(AuthError, match="Instagram no longer accepts our access"):
        connector.mentions()


def test_a_customers_username_and_a_posts_address_are_found_for_webhooks(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_message("Hoi", username="els.maes")
    (conversation,) = fake.conversations.values()
    assert connector.customer_name(conversation["igsid"]) == "@els.maes"
    media = fake.add_media("Brood")
    assert connector.permalink(media["id"]) == media["permalink"]
    assert connector.permalink("17999999999999999") == ""
