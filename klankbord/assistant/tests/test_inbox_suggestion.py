"""In the inbox: "Suggest an answer" fills the answer box; a person sends it, and the audit
log remembers that the words came from the writing help."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_httpserver import HTTPServer

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.tests.polled import item_for
from klankbord.orgs.models import AuditEvent
from klankbord.test import World


@pytest.fixture(autouse=True)
def networks_on_loopback(settings: Any) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def question(world: World, httpserver: HTTPServer) -> Item:
    fake = FakeMastodon(httpserver)
    channel = connect_mastodon(world, fake)
    mention = fake.add_mention("Zijn jullie open op zondag?")
    return item_for(channel, mention["id"])


def item_url(name: str, world: World, item: Item) -> str:
    return reverse(name, kwargs={"org_slug": world.org.slug, "item_id": item.pk})


def test_the_item_offers_a_suggested_answer_when_the_writing_help_is_on(
    world: World, alice_client: Client, connection: Connection, question: Item
) -> None:
    page = alice_client.get(item_url("inbox_item", world, question)).content.decode()
    assert 'id="assistant-answer"' in page
    assert "sk-test-secret-123" not in page
    connection.enabled = False
    connection.save()
    page = alice_client.get(item_url("inbox_item", world, question)).content.decode()
    assert 'id="assistant-answer"' not in page


def test_a_suggested_answer_is_not_sent_until_a_person_sends_it(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, question: Item
) -> None:
    fake_llm.answer = lambda messages: "Ik zoek het voor je uit!"
    suggestion = alice_client.post(item_url("assistant_answer", world, question)).json()["text"]
    assert not Reply.objects.exists()
    alice_client.post(
        item_url("inbox_item_reply", world, question),
        {"text": suggestion, "assistant_used": "1"},
    )
    reply = Reply.objects.get()
    assert reply.text.endswith("Ik zoek het voor je uit!")
    event = AuditEvent.objects.get(action="assistant.text_used")
    assert event.target == f"reply {reply.pk}" and event.data == {"kind": "reply"}
