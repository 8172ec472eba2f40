"""An organisation can require two-factor authentication of its members."""

from typing import Any

from django.test import Client

from klankbord.accounts.tests.helpers import code_for, log_in
from klankbord.orgs.models import Role
from klankbord.test import PASSWORD, World

SETUP = "/account/tweestapsverificatie/"


def require_2fa(world: World) -> None:
    world.org.require_2fa = True
    world.org.save()


def test_a_member_without_it_is_sent_to_the_setup_page_with_a_message(world: World) -> None:
    require_2fa(world)
    bob = Client()
    bob.force_login(world.bob)
    response = bob.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"] == SETUP
    page = bob.get(SETUP)
    assert page.status_code == 200
    assert "Bakkerij Alice requires two-factor authentication. Set it up to continue." in page.text


def test_every_page_of_that_organisation_is_closed_until_then(world: World) -> None:
    require_2fa(world)
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    for path in ["plan/", "instellingen/leden/", "instellingen/status/"]:
        response = manager.get(f"/o/{world.org.slug}/{path}")
        assert response.status_code == 302, path
        assert response["Location"] == SETUP


def test_after_setting_it_up_the_member_gets_in(
    world: World, turn_on_two_factor: Any, clock: Any
) -> None:
    require_2fa(world)
    bob = Client()
    bob.force_login(world.bob)
    turn_on_two_factor(bob)
    assert bob.get(f"/o/{world.org.slug}/").status_code == 200


def test_a_member_who_logged_in_with_a_code_gets_in(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    require_2fa(world)
    visitor = Client()
    log_in(visitor, "alice@bakkerij.test", PASSWORD)
    visitor.post("/login/code/", {"code": code_for(device)})
    assert visitor.get(f"/o/{world.org.slug}/").status_code == 200


def test_other_organisations_are_not_affected(world: World, charlie_client: Client) -> None:
    require_2fa(world)
    assert charlie_client.get(f"/o/{world.other_org.slug}/").status_code == 200


def test_outsiders_still_get_404_not_the_setup_page(world: World, charlie_client: Client) -> None:
    require_2fa(world)
    assert charlie_client.get(f"/o/{world.org.slug}/").status_code == 404


def test_a_session_older_than_2fa_is_verified_with_a_code_instead_of_a_dead_end(
    world: World, turn_on_two_factor: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Bob turned 2FA on from another device; this browser's session predates it.
    other_device = Client()
    other_device.force_login(world.bob)
    device = turn_on_two_factor(other_device)
    old_session = Client()
    old_session.force_login(world.bob)
    require_2fa(world)
    assert old_session.get(f"/o/{world.org.slug}/")["Location"] == SETUP
    page = old_session.get(SETUP).text
    assert 'name="code"' in page
    old_session.post(SETUP, {"code": code_for(device)})
    assert old_session.get(f"/o/{world.org.slug}/").status_code == 200
    assert TOTPDevice.objects.filter(user=world.bob, confirmed=True).count() == 1
