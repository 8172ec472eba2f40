"""Optional TOTP two-factor authentication: setting it up, logging in with it, turning it off."""

import base64
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.accounts.tests.helpers import code_for, log_in, wrong_code
from klankbord.test import PASSWORD, World

SETUP = "/account/tweestapsverificatie/"
CODE = "/login/code/"


def test_it_is_set_up_with_a_code_from_the_app(
    world: World, alice_client: Client, clock: Any
) -> None:
    page = alice_client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.alice)
    assert not device.confirmed
    secret = base64.b32encode(device.bin_key).decode()
    assert f'<code id="totp-secret">{secret}</code>' in page.text
    assert 'src="data:image/svg+xml;base64,' in page.text
    # Reloading the page keeps the secret the person may already have scanned.
    assert secret in alice_client.get(SETUP).text
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1

    wrong = alice_client.post(SETUP, {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "That code is not correct" in wrong.text
    device.refresh_from_db()
    assert not device.confirmed

    clock.shift(30)  # past django-otp's pause after a wrong code
    right = alice_client.post(SETUP, {"code": code_for(device)}, follow=True)
    assert right.redirect_chain == [(SETUP, 302)]
    assert "Two-factor authentication is on." in right.text
    device.refresh_from_db()
    assert device.confirmed
    # This session counts as verified straight away.
    assert alice_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_login_then_asks_for_a_code_and_the_right_code_logs_in(
    world: World, alice_client: Client, turn_on_two_factor: Any, clock: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = log_in(visitor, "alice@bakkerij.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == CODE
    # The password alone does not log in.
    assert "_auth_user_id" not in visitor.session
    assert visitor.get(f"/o/{world.org.slug}/").status_code == 302

    ok = visitor.post(CODE, {"code": code_for(device)})
    assert ok.status_code == 302
    assert ok["Location"] == "/"
    assert visitor.session["_auth_user_id"] == str(world.alice.pk)
    assert visitor.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert visitor.get(f"/o/{world.org.slug}/").status_code == 200


def test_a_wrong_code_is_refused(
    world: World, alice_client: Client, turn_on_two_factor: Any, clock: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in(visitor, "alice@bakkerij.test", PASSWORD)
    response = visitor.post(CODE, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not correct" in response.text
    assert "_auth_user_id" not in visitor.session
    # Letters are refused the same way.
    clock.shift(30)
    assert visitor.post(CODE, {"code": "abcdef"}).status_code == 200
    assert "_auth_user_id" not in visitor.session


def test_a_code_cannot_be_used_twice(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    first = Client()
    log_in(first, "alice@bakkerij.test", PASSWORD)
    code = code_for(device)
    assert first.post(CODE, {"code": code}).status_code == 302
    second = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in(second, "alice@bakkerij.test", PASSWORD)
    replay = second.post(CODE, {"code": code})
    assert replay.status_code == 200
    assert "_auth_user_id" not in second.session


def test_five_wrong_codes_end_the_attempt(
    world: World, alice_client: Client, turn_on_two_factor: Any, clock: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in(visitor, "alice@bakkerij.test", PASSWORD)
    for _ in range(4):
        assert visitor.post(CODE, {"code": wrong_code(device)}).status_code == 200
        clock.shift(60)
    fifth = visitor.post(CODE, {"code": wrong_code(device)}, follow=True)
    assert fifth.redirect_chain == [("/login/", 302)]
    assert "Too many wrong codes. Log in again." in fifth.text
    # Even the right code no longer helps: the password must be given again.
    clock.shift(60)
    assert visitor.post(CODE, {"code": code_for(device)})["Location"] == "/login/"
    assert "_auth_user_id" not in visitor.session


def test_the_code_page_without_a_password_first_goes_to_login(db: None, client: Client) -> None:
    assert client.get(CODE)["Location"] == "/login/"
    assert client.post(CODE, {"code": "123456"})["Location"] == "/login/"


def test_the_page_asked_for_is_kept_through_the_code_step(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    visitor = Client()
    visitor.post(
        "/login/?next=/account/", {"username": "alice@bakkerij.test", "password": PASSWORD}
    )
    assert visitor.post(CODE, {"code": code_for(device)})["Location"] == "/account/"


def test_turning_it_off_needs_the_password(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    turn_on_two_factor(alice_client)
    page = alice_client.get(SETUP)
    assert "Turn off two-factor authentication" in page.text

    refused = alice_client.post(SETUP, {"password": "not my password"})
    assert refused.status_code == 200
    assert "That password is not correct." in refused.text
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()

    done = alice_client.post(SETUP, {"password": PASSWORD}, follow=True)
    assert "Two-factor authentication is off." in done.text
    # The setup page it returns to offers a new, unconfirmed secret.
    assert not TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()
    # The next login needs only the password again.
    visitor = Client()
    assert log_in(visitor, "alice@bakkerij.test", PASSWORD)["Location"] == "/"
    assert visitor.session["_auth_user_id"] == str(world.alice.pk)
