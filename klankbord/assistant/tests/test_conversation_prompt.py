"""The conversation in a suggested answer's prompt: every message once, oldest first, and who
said it, also when our earlier answers are met both in the thread and among the replies."""

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from klankbord.assistant import services
from klankbord.assistant.models import Connection
from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.inbox.replying import reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.test import World

KLANT = "@klant@example.social"


@pytest.fixture(autouse=True)
def networks_on_loopback(settings: Any) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver)


@pytest.fixture
def channel(world: World, mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, mastodon)


def conversation(messages: list[dict[str, Any]]) -> list[str]:
    """The lines between "The conversation, oldest first:" and "Write our answer."."""
    text = messages[-1]["content"]
    block = text.split("The conversation, oldest first:\n", 1)[1].split("\n\nWrite our answer.")[0]
    return block.splitlines()


def test_each_message_of_a_continued_conversation_appears_once_in_order(
    world: World, connection: Connection, channel: Channel, mastodon: FakeMastodon
) -> None:
    alice = world.alice.memberships.get()
    question = mastodon.add_mention("Hebben jullie glutenvrij brood?")
    first = item_for(channel, question["id"])
    answer = reply_send(item=first, by=alice, text="Ja, op vrijdag.")
    extra = reply_send(item=first, by=alice, text="En op zaterdag ook, vergat ik.")
    follow_up = mastodon.add_mention("Top! Tot hoe laat?", reply_to=answer.remote_id)
    second = item_for(channel, follow_up["id"])

    lines = conversation(services.answer_messages(item=second))

    handle = channel.handle
    assert lines == [
        "Customer (klant): Hebben jullie glutenvrij brood?",
        f"Us ({handle}): {answer.text}",
        f"Us ({handle}): {extra.text}",
        "Customer (klant): Top! Tot hoe laat?",
    ]
    assert answer.text.startswith(KLANT)  # the reply as it went out, mention included


def test_our_reply_to_the_item_itself_comes_after_its_question(
    world: World, connection: Connection, channel: Channel, mastodon: FakeMastodon
) -> None:
    alice = world.alice.memberships.get()
    question = mastodon.add_mention("Is er nog kerststol?")
    item = item_for(channel, question["id"])
    reply = reply_send(item=item, by=alice, text="Nog drie!")

    lines = conversation(services.answer_messages(item=item))

    assert lines == [
        "Customer (klant): Is er nog kerststol?",
        f"Us ({channel.handle}): {reply.text}",
    ]
