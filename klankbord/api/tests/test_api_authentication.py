"""Bearer tokens: 401 with a JSON reason and a WWW-Authenticate header when missing or wrong."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.accounts.models import ApiToken, User
from klankbord.accounts.services import api_token_create
from klankbord.test import World

Api = Callable[[Any], Client]


def assert_401(response: Any, reason: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": reason}


def english(**headers: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_a_valid_token_authenticates(world: World) -> None:
    _token, secret = api_token_create(user=world.bob, name="script")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "bob@bakkerij.test"


def test_the_bearer_keyword_is_not_case_sensitive(world: World) -> None:
    _token, secret = api_token_create(user=world.bob, name="script")
    assert Client(HTTP_AUTHORIZATION=f"bearer {secret}").get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/organisations"])
def test_no_token_is_a_401_with_a_json_reason(db: None, path: str) -> None:
    assert_401(english().get(path), "Authentication credentials were not provided.")


@pytest.mark.parametrize("secret", ["kb_nope", "kb_" + "x" * 43, "not-even-a-prefix"])
def test_an_unknown_token_is_a_401(db: None, secret: str) -> None:
    response = english(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/organisations")
    assert_401(response, "This API token is not valid or was revoked.")


def test_a_malformed_header_is_a_401(db: None) -> None:
    response = english(HTTP_AUTHORIZATION="Bearer kb_one kb_two").get("/api/v1/me")
    assert_401(response, "The Authorization header is malformed.")


def test_a_revoked_token_is_a_401(world: World) -> None:
    token, secret = api_token_create(user=world.alice, name="script")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = english(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert_401(response, "This API token is not valid or was revoked.")


def test_a_deactivated_user_s_token_is_a_401(world: World) -> None:
    _token, secret = api_token_create(user=world.alice, name="script")
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    response = english(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert response.status_code == 401


def test_writes_need_a_token_too(world: World) -> None:
    response = english().patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"name": "Gekaapt"},
        content_type="application/json",
    )
    assert response.status_code == 401
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice"


def test_a_browser_session_needs_the_csrf_token_to_write(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    assert browser.get("/api/v1/me").status_code == 200
    response = browser.patch("/api/v1/me", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    world.alice.refresh_from_db()
    assert world.alice.name == "Alice"


def test_errors_come_in_the_token_owner_s_language(world: World, api: Api) -> None:
    world.alice.language = "fr-be"
    world.alice.save()
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}", {"name": 5}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "La requête n'est pas valide."
