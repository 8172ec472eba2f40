"""An organisation that requires two-factor authentication requires it through the API too."""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.orgs.models import Role
from klankbord.test import World

Api = Callable[[Any], Client]


def require_2fa(world: World) -> None:
    world.org.require_2fa = True
    world.org.save()


def test_a_token_of_a_member_without_2fa_is_refused(world: World, api: Api) -> None:
    require_2fa(world)
    response = api(world.member(Role.MANAGER)).get(
        f"/api/v1/organisations/{world.org.slug}/members"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Bakkerij Alice requires two-factor authentication. Set it up to continue."
    }


def test_a_token_of_a_member_with_2fa_is_accepted(world: World, api: Api) -> None:
    require_2fa(world)
    manager = world.member(Role.MANAGER)
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    response = api(manager).get(f"/api/v1/organisations/{world.org.slug}/members")
    assert response.status_code == 200


def test_a_browser_session_without_the_second_factor_is_refused(world: World) -> None:
    require_2fa(world)
    TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    browser = Client()
    browser.force_login(world.alice)  # the password only, no code
    assert browser.get(f"/api/v1/organisations/{world.org.slug}").status_code == 403


def test_a_verified_browser_session_is_accepted(world: World, rf: Any) -> None:
    require_2fa(world)
    device = TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    browser = Client()
    browser.force_login(world.alice)
    session = browser.session
    request = rf.get("/")
    request.session, request.user = session, world.alice
    otp_login(request, device)
    session.save()
    assert browser.get(f"/api/v1/organisations/{world.org.slug}").status_code == 200


def test_other_organisations_and_the_outsiders_404_are_unchanged(world: World, api: Api) -> None:
    require_2fa(world)
    charlie = api(world.charlie)
    assert charlie.get(f"/api/v1/organisations/{world.other_org.slug}").status_code == 200
    assert charlie.get(f"/api/v1/organisations/{world.org.slug}").status_code == 404
    # The list still names the organisation, so the member knows what to set up.
    bob = api(world.bob).get("/api/v1/organisations").json()["results"]
    assert [o["slug"] for o in bob] == [world.org.slug]
