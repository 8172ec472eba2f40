"""A stolen API token should not outlive the password change that follows a break-in."""

import re

from django.core import mail
from django.test import Client

from klankbord.accounts.tests.test_api_tokens import create_token
from klankbord.accounts.tests.test_password_reset import reset_link
from klankbord.test import PASSWORD, World

NEW_PASSWORD = "speculoos met koffie 2026"


def api_works(secret: str) -> bool:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 200


def change_password(client: Client, **extra: str) -> None:
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post("/account/wachtwoord/", data | extra)
    assert response.status_code == 302, response.content


def test_the_form_offers_to_revoke_the_tokens_ticked_by_default(
    world: World, alice_client: Client
) -> None:
    page = alice_client.get("/account/wachtwoord/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Also revoke my API tokens" in page.text
    [checkbox] = re.findall(r'<input[^>]*name="revoke_api_tokens"[^>]*>', page.text)
    assert 'type="checkbox"' in checkbox
    assert "checked" in checkbox


def test_a_stolen_token_stops_working_after_a_password_change(
    world: World, alice_client: Client
) -> None:
    stolen = create_token(alice_client)
    assert api_works(stolen)
    change_password(alice_client, revoke_api_tokens="on")
    assert not api_works(stolen)
    assert world.alice.api_tokens.filter(revoked_at__isnull=True).count() == 0


def test_unticked_the_tokens_keep_working(world: World, alice_client: Client) -> None:
    kept = create_token(alice_client)
    change_password(alice_client)  # an unticked box is not sent
    assert api_works(kept)


def test_only_the_users_own_tokens_are_revoked(world: World, alice_client: Client) -> None:
    bob = Client()
    bob.force_login(world.bob)
    bobs = create_token(bob)
    create_token(alice_client)
    change_password(alice_client, revoke_api_tokens="on")
    assert api_works(bobs)


def test_a_password_reset_always_revokes_the_tokens(world: World, alice_client: Client) -> None:
    stolen = create_token(alice_client)
    visitor = Client()
    visitor.post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    form_page = visitor.get(reset_link(mail.outbox[-1].body), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    done = visitor.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/wachtwoord-vergeten/klaar/"
    assert not api_works(stolen)
    # Every session that used the old password is logged out as well.
    assert alice_client.get("/account/")["Location"].startswith("/login/")
