"""In the inbox: "Suggest an answer" fills the answer box; a person sends it, and the audit
log remembers that the words came from the writing help."""

import json
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


def streamed(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines() if line]


def ask_streamed(client: Client, world: World, item: Item) -> Any:
    return client.post(item_url("assistant_answer", world, item), {"stream": "1"})


def test_a_suggested_answer_streams_piece_by_piece(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, question: Item
) -> None:
    fake_llm.answer = lambda messages: "Ja, op zondag van 8 tot 12 uur."
    response = ask_streamed(alice_client, world, question)
    assert response["Content-Type"] == "application/x-ndjson"
    lines = streamed(response)
    pieces = [line["text"] for line in lines if "text" in line]
    assert len(pieces) > 1  # the answer arrives as the model writes it
    assert "".join(pieces).strip() == "Ja, op zondag van 8 tot 12 uur."
    assert lines[-1] == {"done": True}
    assert fake_llm.requests[0]["stream"] is True
    assert "Zijn jullie open op zondag?" in fake_llm.prompts[0]
    assert not Reply.objects.exists()


@pytest.mark.parametrize(
    ("failure", "status", "kind"),
    [("refusal", 422, "refusal"), ("500", 502, "server_error"), ("429", 429, "rate_limited")],
)
def test_a_refused_or_failing_model_is_said_plainly(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM,
    question: Item, failure: str, status: int, kind: str,
) -> None:  # fmt: skip
    fake_llm.failure = failure
    response = ask_streamed(alice_client, world, question)
    assert response.status_code == status
    assert response.json()["kind"] == kind and response.json()["error"]
    assert not Reply.objects.exists()


def test_a_model_that_is_down_is_said_plainly(
    world: World, alice_client: Client, connection: Connection, question: Item, unused_port: int
) -> None:
    connection.base_url = f"http://127.0.0.1:{unused_port}/v1"
    connection.save()
    response = ask_streamed(alice_client, world, question)
    assert response.status_code == 502
    assert response.json()["kind"] == "unreachable"
    assert "cannot be reached" in response.json()["error"]


def test_a_slow_model_is_given_up_on_with_a_message(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM,
    question: Item, settings: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ASSISTANT_TIMEOUT = 0.5
    fake_llm.failure, fake_llm.delay = "slow", 2.0
    response = ask_streamed(alice_client, world, question)
    assert response.status_code == 502
    assert response.json()["kind"] == "timeout"


def test_a_model_that_stalls_halfway_ends_the_stream_with_a_message(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM,
    question: Item, settings: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ASSISTANT_TIMEOUT = 0.5
    fake_llm.failure, fake_llm.delay = "stall", 2.0
    lines = streamed(ask_streamed(alice_client, world, question))
    assert lines[0] == {"text": "Vers "}
    assert lines[-1]["kind"] == "timeout" and "took too long" in lines[-1]["error"]
    assert {"done": True} not in lines


def test_the_monthly_limit_stops_a_streamed_answer_before_it_is_asked(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, question: Item
) -> None:
    connection.monthly_requests = 1
    connection.save()
    streamed(ask_streamed(alice_client, world, question))
    response = ask_streamed(alice_client, world, question)
    assert response.status_code == 429
    assert response.json()["kind"] == "limit_reached"
    assert len(fake_llm.requests) == 1


def test_the_answer_panel_has_a_cancel_button_and_a_use_button(
    world: World, alice_client: Client, connection: Connection, question: Item
) -> None:
    page = alice_client.get(item_url("inbox_item", world, question)).content.decode()
    for element in ("assistant-answer-cancel", "assistant-answer-preview", "assistant-answer-use"):
        assert f'id="{element}"' in page


def test_a_refused_key_is_said_plainly_and_never_shown(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, question: Item
) -> None:
    connection.secrets = {"api_key": "sk-wrong-key"}
    connection.save()
    response = ask_streamed(alice_client, world, question)
    assert response.status_code == 502
    assert response.json()["kind"] == "refused_key"
    assert "sk-wrong-key" not in response.content.decode()
