"""/api/v1/me: who the token belongs to; name and language can be changed."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from klankbord.test import World

Api = Callable[[Any], Client]


def test_me_says_who_the_token_belongs_to(world: World, api: Api) -> None:
    response = api(world.bob).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": world.bob.pk,
        "email": "bob@bakkerij.test",
        "name": "Bob",
        "language": "en",
    }


def test_me_changes_name_and_language_but_not_e_mail(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        "/api/v1/me",
        {"name": "Alice V.", "language": "fr-be", "email": "x@evil.example"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["email"] == "alice@bakkerij.test"
    world.alice.refresh_from_db()
    assert (world.alice.name, world.alice.language, world.alice.email) == (
        "Alice V.",
        "fr-be",
        "alice@bakkerij.test",
    )


def test_an_unknown_language_is_a_400_with_field_errors(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        "/api/v1/me", {"language": "klingon"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert list(body["errors"]) == ["language"]
    world.alice.refresh_from_db()
    assert world.alice.language == "en"


def test_a_number_is_not_a_name(world: World, api: Api) -> None:
    response = api(world.alice).patch("/api/v1/me", {"name": 42}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_me_cannot_be_replaced_or_deleted(world: World, api: Api) -> None:
    client = api(world.alice)
    assert client.put("/api/v1/me", {"name": "X"}, content_type="application/json").status_code == (
        405
    )
    assert client.delete("/api/v1/me").status_code == 405
    world.alice.refresh_from_db()
    assert world.alice.name == "Alice"
