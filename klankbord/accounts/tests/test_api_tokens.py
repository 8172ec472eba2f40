"""Personal API tokens: shown once, stored only as a hash, revocable."""

import hashlib

from django.db import connection
from django.test import Client

from klankbord.accounts.models import ApiToken
from klankbord.test import World


def create_token(client: Client, name: str = "Zapier") -> str:
    page = client.post("/account/api-tokens/", {"name": name})
    assert page.status_code == 200
    assert "Copy your new token now: it is shown only once." in page.text
    return page.text.split('<code id="new-token">')[1].split("</code>")[0]


def test_a_new_token_is_shown_once(world: World, alice_client: Client) -> None:
    secret = create_token(alice_client)
    assert secret.startswith("kb_")
    assert len(secret) > 40
    later = alice_client.get("/account/api-tokens/").text
    assert secret not in later
    # The list shows its name and first characters, so it can be recognised.
    assert "Zapier" in later
    assert f"<code>{secret[:8]}…</code>" in later


def test_only_the_sha256_hash_of_the_secret_is_stored(world: World, alice_client: Client) -> None:
    secret = create_token(alice_client)
    token = ApiToken.objects.get(user=world.alice)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert all(secret not in str(value) for value in rows[0])


def test_the_token_works_with_the_api_and_records_its_use(
    world: World, alice_client: Client
) -> None:
    secret = create_token(alice_client)
    assert ApiToken.objects.get(user=world.alice).last_used_at is None
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@bakkerij.test"
    assert ApiToken.objects.get(user=world.alice).last_used_at is not None


def test_a_revoked_token_stops_working(world: World, alice_client: Client) -> None:
    secret = create_token(alice_client, "oud script")
    token = ApiToken.objects.get(user=world.alice)
    response = alice_client.post(f"/account/api-tokens/{token.pk}/intrekken/", follow=True)
    assert response.redirect_chain == [("/account/api-tokens/", 302)]
    assert "The token was revoked." in response.text
    assert "oud script" not in response.text
    token.refresh_from_db()
    assert token.revoked_at is not None

    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["detail"] == "This API token is not valid or was revoked."


def test_a_token_is_revoked_only_once(world: World, alice_client: Client) -> None:
    create_token(alice_client)
    token = ApiToken.objects.get(user=world.alice)
    url = f"/account/api-tokens/{token.pk}/intrekken/"
    assert alice_client.post(url).status_code == 302
    assert alice_client.post(url).status_code == 404


def test_someone_else_s_token_cannot_be_revoked(
    world: World, alice_client: Client, charlie_client: Client
) -> None:
    secret = create_token(alice_client)
    token = ApiToken.objects.get(user=world.alice)
    assert charlie_client.post(f"/account/api-tokens/{token.pk}/intrekken/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 200


def test_a_token_needs_a_name(world: World, alice_client: Client) -> None:
    page = alice_client.post("/account/api-tokens/", {"name": ""})
    assert page.status_code == 200
    assert 'id="new-token"' not in page.text
    assert not ApiToken.objects.exists()
