"""The composer's "Write a suggestion" panel: a proposal only, checked like typed text, and
remembered in the audit log when a person uses it."""

import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.channels.models import Channel
from klankbord.orgs.models import AuditEvent, Role
from klankbord.publishing.models import Post
from klankbord.strategy.models import Plan
from klankbord.test import World

KEY = "sk-test-secret-123"


@pytest.fixture
def sandbox(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )


def url(name: str, world: World) -> str:
    return reverse(name, kwargs={"org_slug": world.org.slug})


def suggest(client: Client, world: World, **fields: Any) -> Any:
    return client.post(url("assistant_suggest", world), {"language": "nl-BE", **fields})


def streamed(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines() if line]


def test_a_suggestion_streams_into_the_preview(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM
) -> None:
    response = suggest(alice_client, world, kind="draft", text="croissants", stream="1")
    assert response["Content-Type"] == "application/x-ndjson"
    lines = streamed(response)
    assert "".join(line.get("text", "") for line in lines).strip() == (
        "Vers brood, elke ochtend om 7 uur."
    )
    assert lines[-1] == {"done": True}


def test_a_suggestion_uses_the_plans_tone(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM
) -> None:
    Plan.objects.create(organisation=world.org, positioning={"address": "u", "avoid": "politiek"})
    suggest(alice_client, world, kind="translate_fr", text="Welkom in onze winkel")
    prompt = fake_llm.prompts[0]
    assert 'Address the reader as "vous"' in prompt
    assert "Never write about: politiek" in prompt
    assert "Welkom in onze winkel" in prompt


def test_a_refused_key_is_said_in_the_users_language(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.secrets = {"api_key": "sk-wrong"}
    connection.save()
    response = suggest(alice_client, world, kind="draft", text="brood", stream="1")
    assert response.status_code == 502
    assert response.json()["kind"] == "refused_key"
    assert "API-sleutel" in response.json()["error"] or "API key" in response.json()["error"]


def test_the_monthly_limit_is_said_plainly(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.monthly_requests = 1
    connection.save()
    suggest(alice_client, world, kind="draft", text="brood")
    response = suggest(alice_client, world, kind="draft", text="brood")
    assert response.status_code == 429
    assert response.json()["kind"] == "limit_reached"


def test_asking_for_a_suggestion_saves_schedules_and_sends_nothing(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, sandbox: Channel
) -> None:
    suggest(alice_client, world, kind="draft", text="brood", stream="1")
    suggest(alice_client, world, kind="shorter", text="Een lange tekst over brood")
    assert not Post.objects.exists()
    assert not AuditEvent.objects.filter(action="assistant.text_used").exists()


def test_the_suggested_text_is_checked_like_typed_text(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, sandbox: Channel
) -> None:
    fake_llm.answer = lambda messages: "Brood " * 100  # 600 characters: too long for 500
    text = suggest(alice_client, world, kind="draft", text="brood").json()["text"]
    counters = alice_client.post(
        url("compose_count", world), {"text": text, "channels": [sandbox.pk]}
    ).content.decode()
    assert "99 characters too long" in counters or "99 tekens te lang" in counters


def test_a_post_that_used_a_suggestion_says_so_in_the_audit_log(
    world: World, alice_client: Client, connection: Connection, sandbox: Channel
) -> None:
    alice_client.post(
        url("compose", world),
        {"text": "Vers brood", "channels": [sandbox.pk], "action": "draft", "assistant_used": "1"},
    )
    post = Post.objects.get()
    event = AuditEvent.objects.get(action="assistant.text_used")
    assert event.target == f"post {post.pk}" and event.actor == world.alice


def test_a_post_written_by_hand_has_no_such_line(
    world: World, alice_client: Client, connection: Connection, sandbox: Channel
) -> None:
    alice_client.post(
        url("compose", world), {"text": "Vers brood", "channels": [sandbox.pk], "action": "draft"}
    )
    assert Post.objects.exists()
    assert not AuditEvent.objects.filter(action="assistant.text_used").exists()


def test_the_panel_shows_only_when_the_writing_help_is_on(
    world: World, alice_client: Client, connection: Connection, sandbox: Channel
) -> None:
    page = alice_client.get(url("compose", world)).content.decode()
    assert 'id="assistant-panel"' in page
    assert KEY not in page
    connection.enabled = False
    connection.save()
    assert 'id="assistant-panel"' not in alice_client.get(url("compose", world)).content.decode()


def test_the_key_is_never_logged(
    world: World,
    alice_client: Client,
    connection: Connection,
    fake_llm: FakeLLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    suggest(alice_client, world, kind="draft", text="brood", stream="1")
    connection.secrets = {"api_key": "sk-wrong"}
    connection.save()
    suggest(alice_client, world, kind="draft", text="brood")
    assert caplog.records
    assert KEY not in caplog.text and "sk-wrong" not in caplog.text
    assert KEY not in repr(connection)


def test_a_client_cannot_ask_for_suggestions(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    reader = Client()
    reader.force_login(world.member(Role.CLIENT))
    assert suggest(reader, world, kind="draft", text="brood").status_code == 403
    assert fake_llm.requests == []


def test_a_version_for_one_network_names_it_and_its_limit(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, sandbox: Channel
) -> None:
    page = alice_client.get(url("compose", world)).content.decode()
    assert 'id="assistant-network"' in page and 'value="sandbox"' in page
    suggest(alice_client, world, kind="variant", text="Een tekst", network="bluesky")
    assert "suits Bluesky" in fake_llm.prompts[0]
    assert "at most 300 characters" in fake_llm.prompts[0]
