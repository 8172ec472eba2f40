"""Optional TOTP two-factor authentication, and organisations that require it."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.test import PASSWORD, World


def enable_two_factor(client: Client, world: World) -> TOTPDevice:
    assert client.get("/account/tweestapsverificatie/").status_code == 200
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    client.post("/account/tweestapsverificatie/", {"code": "000000"})
    device.refresh_from_db()
    assert not device.confirmed
    reset_throttle(device)
    response = client.post("/account/tweestapsverificatie/", {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def reset_throttle(device: TOTPDevice) -> None:
    # django-otp makes you wait a little after a wrong code; tests do not wait.
    device.refresh_from_db()
    device.throttle_reset()


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_after_setup_login_asks_for_a_code(world: World, alice_client: Client) -> None:
    device = enable_two_factor(alice_client, world)
    client = Client()
    response = client.post("/login/", {"username": "alice@bakkerij.test", "password": PASSWORD})
    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/login/code/", {"code": "123456"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    reset_throttle(device)
    # A code is accepted once: the next one comes from the next 30-second window.
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=60)):
        ok = client.post("/login/code/", {"code": current_code(device)})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_five_wrong_codes_end_the_attempt(world: World, alice_client: Client) -> None:
    enable_two_factor(alice_client, world)
    client = Client()
    client.post("/login/", {"username": "alice@bakkerij.test", "password": PASSWORD})
    for _ in range(5):
        response = client.post("/login/code/", {"code": "000000"})
    assert response["Location"] == "/login/"
    assert client.get("/login/code/")["Location"] == "/login/"


def test_turning_it_off_needs_the_password(world: World, alice_client: Client) -> None:
    enable_two_factor(alice_client, world)
    alice_client.post("/account/tweestapsverificatie/", {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()
    alice_client.post("/account/tweestapsverificatie/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_an_organisation_can_require_it(world: World, alice_client: Client) -> None:
    world.org.require_2fa = True
    world.org.save()
    bob = Client()
    bob.force_login(world.bob)
    response = bob.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"] == "/account/tweestapsverificatie/"
    # Other organisations of the same person are not affected.
    charlie = Client()
    charlie.force_login(world.charlie)
    assert charlie.get(f"/o/{world.other_org.slug}/").status_code == 200


def test_a_verified_member_gets_in_when_it_is_required(world: World, alice_client: Client) -> None:
    enable_two_factor(alice_client, world)
    world.org.require_2fa = True
    world.org.save()
    assert alice_client.get(f"/o/{world.org.slug}/").status_code == 200
