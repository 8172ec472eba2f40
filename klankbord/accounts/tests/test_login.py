"""Logging in and out, lockout after repeated failures, argon2."""

import pytest
from django.test import Client

from klankbord.accounts.models import User
from klankbord.test import PASSWORD, World


def log_in(client: Client, email: str, password: str, ip: str = "10.1.1.1") -> object:
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_a_member_logs_in_and_out(world: World, client: Client) -> None:
    response = log_in(client, "alice@bakkerij.test", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert client.get(f"/o/{world.org.slug}/").status_code == 200
    client.post("/logout/")
    assert client.get(f"/o/{world.org.slug}/")["Location"].startswith("/login/")


def test_a_wrong_password_says_so(world: World, client: Client) -> None:
    response = log_in(client, "alice@bakkerij.test", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_five_wrong_passwords_from_one_address(
    world: World, client: Client
) -> None:
    for _ in range(5):
        log_in(client, "alice@bakkerij.test", "wrong")
    locked = log_in(client, "alice@bakkerij.test", PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text or "Te veel pogingen" in locked.text
    assert "_auth_user_id" not in client.session
    # Another address is not locked out.
    other = Client()
    assert log_in(other, "alice@bakkerij.test", PASSWORD, ip="10.2.2.2").status_code == 302


def test_passwords_are_hashed_with_argon2(settings, db: None) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="hash@bakkerij.test", password="een lang wachtwoord")
    assert user.password.startswith("argon2")
    assert user.check_password("een lang wachtwoord")


def test_a_next_url_elsewhere_is_not_followed(world: World, client: Client) -> None:
    response = client.post(
        "/login/?next=https://evil.example/",
        {"username": "alice@bakkerij.test", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("email", ["ALICE@bakkerij.test", "alice@BAKKERIJ.test"])
def test_e_mail_addresses_are_stored_in_lower_case(email: str, db: None) -> None:
    user = User.objects.create_user(email=email, password="x")
    assert user.email == email.lower()
