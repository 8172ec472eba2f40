"""Logging in with e-mail address and password, and logging out."""

import pytest
from django.test import Client

from klankbord.accounts.models import User
from klankbord.accounts.tests.helpers import log_in
from klankbord.test import PASSWORD, World


def test_a_member_logs_in_and_out(world: World, visitor: Client) -> None:
    response = log_in(visitor, "alice@bakkerij.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert visitor.session["_auth_user_id"] == str(world.alice.pk)
    assert visitor.get(f"/o/{world.org.slug}/").status_code == 200

    logged_out = visitor.post("/logout/")
    assert logged_out.status_code == 302
    assert logged_out["Location"] == "/login/"
    assert "_auth_user_id" not in visitor.session
    assert visitor.get(f"/o/{world.org.slug}/")["Location"] == f"/login/?next=/o/{world.org.slug}/"


def test_logging_out_is_only_done_with_a_post(world: World, alice_client: Client) -> None:
    # A link or an image on another site must not be able to log someone out.
    assert alice_client.get("/logout/").status_code == 405
    assert "_auth_user_id" in alice_client.session


def test_a_wrong_password_is_refused_with_a_message(world: World, visitor: Client) -> None:
    response = log_in(visitor, "alice@bakkerij.test", "not the password")
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.text
    assert "_auth_user_id" not in visitor.session


def test_an_unknown_address_gets_the_same_message(db: None, visitor: Client) -> None:
    response = log_in(visitor, "nobody@bakkerij.test", PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.text


def test_a_deactivated_account_cannot_log_in(world: World, visitor: Client) -> None:
    User.objects.filter(pk=world.bob.pk).update(is_active=False)
    response = log_in(visitor, "bob@bakkerij.test", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in visitor.session


@pytest.mark.parametrize("typed", ["Alice@bakkerij.test", "ALICE@BAKKERIJ.TEST"])
def test_the_e_mail_address_may_be_typed_in_any_case(
    world: World, visitor: Client, typed: str
) -> None:
    response = log_in(visitor, typed, PASSWORD)
    assert response.status_code == 302
    assert visitor.session["_auth_user_id"] == str(world.alice.pk)


def test_it_returns_to_the_page_asked_for(world: World, visitor: Client) -> None:
    target = f"/o/{world.org.slug}/instellingen/"
    assert visitor.get(target)["Location"] == f"/login/?next={target}"
    response = visitor.post(
        f"/login/?next={target}", {"username": "alice@bakkerij.test", "password": PASSWORD}
    )
    assert response["Location"] == target


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_on_another_site_is_not_followed(
    world: World, visitor: Client, next_url: str
) -> None:
    response = visitor.post(
        "/login/", {"username": "alice@bakkerij.test", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_someone_logged_in_is_sent_on_from_the_login_page(
    world: World, alice_client: Client
) -> None:
    response = alice_client.get("/login/?next=/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("email", ["ALICE@bakkerij.test", "alice@BAKKERIJ.test"])
def test_e_mail_addresses_are_stored_in_lower_case(email: str, db: None) -> None:
    user = User.objects.create_user(email=email, password="x")
    assert user.email == email.lower()
