"""Bluesky direct messages: read with the mentions, answered in their conversation, once."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from atproto import Client as AtprotoClient
from atproto import models
from django.test import Client
from django.utils import translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks import bluesky
from klankbord.channels.networks.base import ConnectorError, OutgoingPost, UnknownOutcomeError
from klankbord.channels.networks.bluesky import chat_id
from klankbord.channels.tests.connected import connect_bluesky
from klankbord.channels.tests.fakes.bluesky import BUUR, DID, HANDLE, KLANT, FakeBluesky
from klankbord.channels.tests.fakes.bluesky_chat import DISABLED, ChatModelError, FakeChat
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # The messages are checked in their source language; the catalogues translate them.
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_bluesky: FakeBluesky) -> Channel:
    return connect_bluesky(world, fake_bluesky)


def private(text: str, reply_to: str, key: str = "dm-1") -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key=key, reply_to=reply_to, visibility="direct")


def test_a_direct_message_comes_with_the_mentions_as_a_message(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} open op zondag?")
    convo, first = fake_bluesky.chat.add_message(
        "Dag! Een vraag over mijn bestelling.", author=KLANT
    )
    convo, second = fake_bluesky.chat.add_message("Ik haal ze om 10 uur.", author=KLANT)

    page = services.connector_for(channel).mentions()

    assert [(m.kind, m.text) for m in page.mentions] == [
        ("mention", f"@{HANDLE} open op zondag?"),
        ("message", "Dag! Een vraag over mijn bestelling."),
        ("message", "Ik haal ze om 10 uur."),
    ]
    message = page.mentions[-1]
    assert message.remote_id == chat_id(convo, second)
    assert (message.author_handle, message.author_name) == ("@klant.bsky.social", "Klant")
    assert message.url == f"https://bsky.app/messages/{convo}?message={second}"
    assert message.created_at is not None
    # Each message follows the one before it, so the inbox can show the conversation.
    assert message.in_reply_to == chat_id(convo, first)
    assert page.mentions[1].in_reply_to == ""
    assert page.mentions[0].remote_id == question
    assert fake_bluesky.calls.count("chat.bsky.convo.listConvos") == 1


def test_messages_are_read_once_and_our_own_not_at_all(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    connector = services.connector_for(channel)
    convo, asked = fake_bluesky.chat.add_message("Hebben jullie taart?", author=KLANT)
    first = connector.mentions()
    connector.publish(private("Ja, elke dag!", chat_id(convo, asked)))

    again = connector.mentions(first.cursor)
    assert again.mentions == []
    fake_bluesky.chat.add_message("Top, dank je!", author=KLANT)
    assert [m.text for m in connector.mentions(again.cursor).mentions] == ["Top, dank je!"]
    assert fake_bluesky.chat.our_messages() == ["Ja, elke dag!"]


def test_many_conversations_and_long_ones_are_read_through_their_pages(
    channel: Channel, fake_bluesky: FakeBluesky, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bluesky, "CHAT_PAGE", 10)
    for n in range(25):
        fake_bluesky.handles[f"klant{n}.bsky.social"] = f"did:plc:klant{n:020d}"
        fake_bluesky.chat.add_message(f"Vraag van klant {n}", author=f"klant{n}.bsky.social")
    for n in range(23):
        fake_bluesky.chat.add_message(f"Buur zegt {n}", author=BUUR)
    connector = services.connector_for(channel)

    first = connector.mentions()

    texts = [m.text for m in first.mentions]
    assert texts == [f"Vraag van klant {n}" for n in range(25)] + [
        f"Buur zegt {n}" for n in range(23)
    ]
    assert fake_bluesky.calls.count("chat.bsky.convo.listConvos") == 3
    assert fake_bluesky.calls.count("chat.bsky.convo.getMessages") == 25 + 3
    assert connector.mentions(first.cursor).mentions == []


def test_group_conversations_are_not_read_as_private_messages(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.chat.add_group_message("Wie gaat er mee naar de markt?", authors=[KLANT, BUUR])
    fake_bluesky.chat.add_message("Alleen voor jullie", author=BUUR)
    page = services.connector_for(channel).mentions()
    assert [m.text for m in page.mentions] == ["Alleen voor jullie"]


def test_without_access_to_messages_the_mentions_are_still_read_and_it_is_noted_once(
    world: World, fake_bluesky: FakeBluesky, caplog: pytest.LogCaptureFixture
) -> None:
    fake_bluesky.app_password_dms = False
    channel = connect_bluesky(world, fake_bluesky)
    fake_bluesky.add_mention(f"@{HANDLE} hallo")
    fake_bluesky.chat.add_message("Privé vraag", author=KLANT)

    with caplog.at_level(logging.WARNING, logger="klankbord.channels.networks.bluesky"):
        first = services.connector_for(channel).mentions()
        channel.refresh_from_db()
        second = services.connector_for(channel).mentions(first.cursor)

    assert [m.text for m in first.mentions] == [f"@{HANDLE} hallo"] and second.mentions == []
    assert "chat" not in json.loads(first.cursor)
    assert "Allow access to your direct messages" in channel.settings["direct_messages_refused"]
    assert len([r for r in caplog.records if "direct messages not read" in r.message]) == 1
    # The session itself still works: the channel is not broken by it.
    services.channel_check(channel=channel)
    assert channel.status == Channel.Status.CONNECTED


def test_the_channels_page_says_why_messages_are_not_read(
    world: World, fake_bluesky: FakeBluesky, alice_client: Client
) -> None:
    fake_bluesky.app_password_dms = False
    channel = connect_bluesky(world, fake_bluesky)
    page = f"/o/{world.org.slug}/instellingen/kanalen/"
    assert f'id="dm-refused-{channel.pk}"' not in alice_client.get(page).content.decode()
    services.connector_for(channel).mentions()
    shown = alice_client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="dm-refused-{channel.pk}"' in shown
    assert "allows access to your direct messages" in shown


def test_the_note_goes_once_messages_can_be_read_again(
    world: World, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.app_password_dms = False
    channel = connect_bluesky(world, fake_bluesky)
    services.connector_for(channel).mentions()
    fake_bluesky.app_password_dms = True
    channel = connect_bluesky(world, fake_bluesky)  # a new app password, with access to messages
    fake_bluesky.chat.add_message("Nu wel?", author=KLANT)

    assert [m.text for m in services.connector_for(channel).mentions().mentions] == ["Nu wel?"]
    channel.refresh_from_db()
    assert "direct_messages_refused" not in channel.settings


def test_a_private_reply_to_a_message_goes_into_its_conversation(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Mag ik mijn adres sturen?", author=KLANT)

    sent = services.connector_for(channel).publish(
        private("Ja, stuur het naar https://bakkerij.be/contact", chat_id(convo, asked))
    )

    [ours] = fake_bluesky.chat.convos[convo].messages[-1:]
    assert ours["sender"]["did"] == DID
    assert ours["text"] == "Ja, stuur het naar https://bakkerij.be/contact"
    [link] = ours["facets"]
    assert link["features"][0]["uri"] == "https://bakkerij.be/contact"
    assert sent.remote_id == chat_id(convo, ours["id"])
    assert fake_bluesky.chat.convos[convo].status == "accepted"  # answering accepts a request
    assert fake_bluesky.calls.count("com.atproto.repo.createRecord") == 0


def test_a_private_reply_to_a_post_starts_a_conversation_with_its_author(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    complaint = fake_bluesky.add_mention(f"@{HANDLE} mijn taart was niet klaar!", author=BUUR)
    connector = services.connector_for(channel)

    sent = connector.publish(private("Sorry! Mag ik je nummer?", complaint))

    convo = fake_bluesky.chat.convo_with(BUUR)
    assert [m["text"] for m in convo.messages] == ["Sorry! Mag ik je nummer?"]
    assert sent.remote_id.startswith(f"chat:{convo.id}/")
    assert fake_bluesky.our_posts() == []


def test_someone_who_takes_no_messages_gets_a_clear_refusal(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    complaint = fake_bluesky.add_mention(f"@{HANDLE} slechte service", author=BUUR)
    fake_bluesky.chat.not_accepting[fake_bluesky.handles[BUUR]] = DISABLED

    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(private("Sorry!", complaint))

    assert caught.value.permanent
    assert caught.value.message == (
        "This person does not accept direct messages from you on Bluesky."
    )
    assert fake_bluesky.chat.our_messages() == []


def test_a_lost_answer_is_found_by_the_look_up_and_not_sent_again(
    channel: Channel, fake_bluesky: FakeBluesky, settings: Any
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Nog brood?", author=KLANT)
    connector = services.connector_for(channel)
    connector.publish(private("Ja!", chat_id(convo, asked), key="earlier"))
    convo, again = fake_bluesky.chat.add_message("En morgen?", author=KLANT)
    answer = private("Ja!", chat_id(convo, again), key="lost")
    # Our earlier "Ja!" answered another message: it is not taken for this one.
    assert connector.find_published(answer) is None
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    fake_bluesky.chat.hang_after_send = 1

    with pytest.raises(UnknownOutcomeError):
        connector.publish(answer)
    settings.HTTP_TIMEOUT_SECONDS = 5
    found = connector.find_published(answer)

    last = fake_bluesky.chat.convos[convo].messages[-1]
    assert found is not None and found.remote_id == chat_id(convo, last["id"])
    assert fake_bluesky.chat.our_messages() == ["Ja!", "Ja!"]


def test_a_message_over_1000_characters_is_refused_before_sending(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Vertel eens alles", author=KLANT)
    connector = services.connector_for(channel)
    with pytest.raises(ConnectorError) as caught:
        connector.publish(private("é" * 1001, chat_id(convo, asked)))
    assert caught.value.permanent
    assert "chat.bsky.convo.sendMessage" not in fake_bluesky.calls
    connector.publish(private("👍🏽" * 1000, chat_id(convo, asked)))
    assert fake_bluesky.chat.our_messages() == ["👍🏽" * 1000]


def test_the_chat_service_is_only_reached_through_the_proxy_header(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    client = AtprotoClient(base_url=fake_bluesky.base_url)
    client.login(HANDLE, fake_bluesky.app_password)
    with pytest.raises(Exception, match="MethodNotImplemented"):
        client.chat.bsky.convo.list_convos()
    assert client.with_bsky_chat_proxy().chat.bsky.convo.list_convos().convos == []


def test_the_fake_chat_itself_rejects_an_invalid_answer() -> None:
    message = {"id": "1", "rev": "1", "text": "x", "sender": {"did": "klant"}, "sentAt": "nu"}
    with pytest.raises(ChatModelError):
        FakeChat._checked(message, models.ChatBskyConvoDefs.MessageView, "sendMessage")
