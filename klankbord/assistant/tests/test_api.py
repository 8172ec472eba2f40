from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.accounts.services import api_token_create
from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.orgs.models import Role
from klankbord.publishing.models import Post
from klankbord.test import World


@pytest.fixture
def api(db: None) -> Callable[[Any], Client]:
    def for_user(user: Any) -> Client:
        _token, secret = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return for_user


def path(world: World) -> str:
    return f"/api/v1/organisations/{world.org.slug}/assistant/suggest"


def test_an_integrator_gets_a_suggestion_with_its_length_checks(
    world: World, api: Callable[[Any], Client], connection: Connection, fake_llm: FakeLLM
) -> None:
    fake_llm.answer = lambda messages: "Brood " * 60  # 360 characters: too long for Bluesky
    response = api(world.alice).post(
        path(world),
        {"kind": "draft", "text": "brood", "language": "fr-BE", "network": "bluesky"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["text"].startswith("Brood Brood")
    [check] = data["checks"]
    assert check["network"] == "bluesky" and check["limit"] == 300 and not check["ok"]
    assert "Write in French as written in Belgium" in fake_llm.prompts[0]
    assert not Post.objects.exists()


def test_it_needs_a_token(world: World, connection: Connection) -> None:
    assert Client().post(path(world), {"kind": "draft", "text": "x"}).status_code in (401, 403)


def test_another_organisation_is_not_found(
    world: World, api: Callable[[Any], Client], connection: Connection, fake_llm: FakeLLM
) -> None:
    response = api(world.charlie).post(
        path(world), {"kind": "draft", "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert fake_llm.requests == []


def test_a_client_may_not_ask(
    world: World, api: Callable[[Any], Client], connection: Connection, fake_llm: FakeLLM
) -> None:
    reader = world.member(Role.CLIENT)
    response = api(reader).post(
        path(world), {"kind": "draft", "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_it_says_when_the_writing_help_is_off(
    world: World, api: Callable[[Any], Client], connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.enabled = False
    connection.save()
    response = api(world.alice).post(
        path(world), {"kind": "draft", "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["kind"] == "off"


def test_the_limit_answers_429(
    world: World, api: Callable[[Any], Client], connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.monthly_requests = 1
    connection.save()
    caller = api(world.alice)
    body = {"kind": "draft", "text": "x"}
    assert caller.post(path(world), body, content_type="application/json").status_code == 200
    response = caller.post(path(world), body, content_type="application/json")
    assert response.status_code == 429 and response.json()["kind"] == "limit_reached"
