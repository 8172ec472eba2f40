"""Profile, language choice, and personal API tokens."""

from django.db import connection
from django.test import Client

from klankbord.accounts.models import ApiToken
from klankbord.test import World


def test_the_language_choice_is_stored_and_used(world: World, alice_client: Client) -> None:
    response = alice_client.post("/taal/", {"language": "fr-be", "next": f"/o/{world.org.slug}/"})
    assert response["Location"] == f"/o/{world.org.slug}/"
    world.alice.refresh_from_db()
    assert world.alice.language == "fr-be"
    assert 'lang="fr-be"' in alice_client.get(f"/o/{world.org.slug}/").text


def test_an_unknown_language_changes_nothing(world: World, alice_client: Client) -> None:
    alice_client.post("/taal/", {"language": "xx"})
    world.alice.refresh_from_db()
    assert world.alice.language == "en"


def test_the_language_form_does_not_redirect_elsewhere(world: World, alice_client: Client) -> None:
    response = alice_client.post("/taal/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_profile_saves_name_and_language(world: World, alice_client: Client) -> None:
    alice_client.post("/account/", {"name": "Alice V.", "language": "nl-nl"})
    world.alice.refresh_from_db()
    assert (world.alice.name, world.alice.language) == ("Alice V.", "nl-nl")


def test_a_token_is_shown_once_and_stored_only_as_a_hash(
    world: World, alice_client: Client
) -> None:
    page = alice_client.post("/account/api-tokens/", {"name": "Zapier"}).text
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("kb_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert rows and all(secret not in str(row) for row in rows)
    assert secret not in alice_client.get("/account/api-tokens/").text
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me").json()["email"] == "alice@bakkerij.test"


def test_a_revoked_token_stops_working(world: World, alice_client: Client) -> None:
    page = alice_client.post("/account/api-tokens/", {"name": "oud"}).text
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    token = ApiToken.objects.get(user=world.alice)
    alice_client.post(f"/account/api-tokens/{token.pk}/intrekken/")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"] or "ingetrokken" in response.json()["detail"]
