"""Changing your password while logged in."""

from django.test import Client

from klankbord.accounts.tests.helpers import log_in
from klankbord.test import PASSWORD, World

NEW_PASSWORD = "speculoos met koffie 2026"


def change(client: Client, old: str, new1: str, new2: str | None = None) -> object:
    return client.post(
        "/account/wachtwoord/",
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_a_member_changes_their_password(world: World, alice_client: Client) -> None:
    response = change(alice_client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord/gewijzigd/"
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)
    # This session stays logged in; the new password works for the next login.
    assert alice_client.get("/account/").status_code == 200
    fresh = Client()
    assert log_in(fresh, "alice@bakkerij.test", PASSWORD).status_code == 200
    assert log_in(fresh, "alice@bakkerij.test", NEW_PASSWORD).status_code == 302


def test_other_sessions_are_logged_out_by_a_change(world: World, alice_client: Client) -> None:
    other_device = Client()
    assert log_in(other_device, "alice@bakkerij.test", PASSWORD).status_code == 302
    change(alice_client, PASSWORD, NEW_PASSWORD)
    response = other_device.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_old_password_must_be_right(world: World, alice_client: Client) -> None:
    response = change(alice_client, "not my password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_the_new_password_must_be_typed_twice_the_same(world: World, alice_client: Client) -> None:
    response = change(alice_client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert response.status_code == 200
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_changing_the_password_needs_a_login(db: None, client: Client) -> None:
    response = client.get("/account/wachtwoord/")
    assert response["Location"] == "/login/?next=/account/wachtwoord/"
