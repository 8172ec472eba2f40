"""The language menu: stored for a logged-in user, a cookie for everyone."""

import pytest
from django.test import Client

from klankbord.test import World


def test_a_logged_in_user_s_choice_is_stored_and_used(world: World, alice_client: Client) -> None:
    target = f"/o/{world.org.slug}/"
    response = alice_client.post("/taal/", {"language": "fr-be", "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    assert response.cookies["django_language"].value == "fr-be"
    world.alice.refresh_from_db()
    assert world.alice.language == "fr-be"
    assert '<html lang="fr-be">' in alice_client.get(target).text


def test_the_stored_choice_follows_the_user_to_another_browser(
    world: World, alice_client: Client
) -> None:
    alice_client.post("/taal/", {"language": "nl-nl"})
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="fr")
    elsewhere.force_login(world.alice)
    assert '<html lang="nl-nl">' in elsewhere.get("/account/").text


def test_a_visitor_s_choice_is_kept_in_a_cookie(db: None, client: Client) -> None:
    response = client.post("/taal/", {"language": "fr-be", "next": "/login/"})
    assert response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "fr-be"
    assert '<html lang="fr-be">' in client.get("/login/").text


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/phish", "http://evil.example"]
)
def test_an_unsafe_next_address_is_not_followed(
    world: World, alice_client: Client, next_url: str
) -> None:
    response = alice_client.post("/taal/", {"language": "nl-be", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    # The choice itself is still saved.
    world.alice.refresh_from_db()
    assert world.alice.language == "nl-be"


def test_an_unknown_language_changes_nothing(world: World, alice_client: Client) -> None:
    response = alice_client.post("/taal/", {"language": "xx"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    world.alice.refresh_from_db()
    assert world.alice.language == "en"


def test_the_language_is_only_changed_with_a_post(world: World, alice_client: Client) -> None:
    assert alice_client.get("/taal/", {"language": "fr-be"}).status_code == 405
    world.alice.refresh_from_db()
    assert world.alice.language == "en"
