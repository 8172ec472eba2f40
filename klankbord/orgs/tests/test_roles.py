"""Each role can do what it should, and gets 403 for what it should not."""

import pytest
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.orgs.models import Invitation, Membership, Role
from klankbord.test import World

ROLES = [Role.OWNER, Role.MANAGER, Role.EDITOR, Role.CONTRIBUTOR, Role.CLIENT]
ALLOWED = 200


def allowed_from(minimum: str) -> dict[str, bool]:
    rank = ROLES.index(Role(minimum))
    return {role: ROLES.index(role) <= rank for role in ROLES}


# (method, path template, minimum role, status when allowed)
PAGES = [
    ("get", "/o/{slug}/", Role.CLIENT, 200),
    ("get", "/o/{slug}/plan/", Role.CLIENT, 200),
    ("get", "/o/{slug}/publiceren/", Role.CLIENT, 200),
    ("get", "/o/{slug}/luisteren/", Role.CLIENT, 200),
    ("get", "/o/{slug}/inbox/", Role.CLIENT, 200),
    ("get", "/o/{slug}/meten/", Role.CLIENT, 200),
    ("get", "/o/{slug}/instellingen/", Role.OWNER, 200),
    ("get", "/o/{slug}/instellingen/auditlog/", Role.OWNER, 200),
    ("get", "/o/{slug}/instellingen/leden/", Role.MANAGER, 200),
    ("get", "/o/{slug}/instellingen/status/", Role.MANAGER, 200),
    ("get", "/o/{slug}/instellingen/kanalen/", Role.MANAGER, 200),
    ("post", "/o/{slug}/instellingen/leden/{bob}/rol/", Role.MANAGER, 302),
    ("post", "/o/{slug}/instellingen/leden/{bob}/verwijderen/", Role.MANAGER, 302),
    ("post", "/o/{slug}/instellingen/uitnodigingen/{invitation}/intrekken/", Role.MANAGER, 302),
    ("post", "/o/{slug}/instellingen/kanalen/{channel}/ontkoppelen/", Role.MANAGER, 302),
    ("post", "/o/{slug}/instellingen/kanalen/oefenen/", Role.MANAGER, 302),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "minimum", "ok_status"), PAGES)
def test_each_role_gets_what_it_may_and_403_otherwise(
    world: World, role: str, method: str, template: str, minimum: str, ok_status: int
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    me = world.alice if role == Role.OWNER else world.member(role)
    bob = Membership.objects.get(user=world.bob)
    invitation = Invitation.objects.create(
        organisation=world.org,
        email="x@y.test",
        role=Role.EDITOR,
        token_hash="t" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    channel = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefen"
    )
    path = template.format(
        slug=world.org.slug, bob=bob.pk, invitation=invitation.pk, channel=channel.pk
    )
    client = Client()
    client.force_login(me)
    data = {"role": Role.CONTRIBUTOR, "name": "oefen"} if method == "post" else None
    response = getattr(client, method)(path, data)
    expected = ok_status if allowed_from(minimum)[role] else 403
    assert response.status_code == expected, (role, path, response.status_code)


def test_a_manager_cannot_make_someone_owner(world: World) -> None:
    manager = world.member(Role.MANAGER)
    client = Client()
    client.force_login(manager)
    bob = Membership.objects.get(user=world.bob)
    response = client.post(
        f"/o/{world.org.slug}/instellingen/leden/{bob.pk}/rol/", {"role": "owner"}
    )
    assert response.status_code == 403
    bob.refresh_from_db()
    assert bob.role == Role.EDITOR


def test_a_manager_cannot_remove_an_owner(world: World) -> None:
    manager = world.member(Role.MANAGER)
    client = Client()
    client.force_login(manager)
    alice = Membership.objects.get(user=world.alice)
    response = client.post(f"/o/{world.org.slug}/instellingen/leden/{alice.pk}/verwijderen/")
    assert response.status_code == 403
    assert Membership.objects.filter(pk=alice.pk).exists()


def test_a_client_may_leave_but_not_remove_others(world: World) -> None:
    client_user = world.member(Role.CLIENT)
    client = Client()
    client.force_login(client_user)
    mine = Membership.objects.get(user=client_user)
    bob = Membership.objects.get(user=world.bob)
    assert (
        client.post(f"/o/{world.org.slug}/instellingen/leden/{bob.pk}/verwijderen/").status_code
        == 403
    )
    assert (
        client.post(f"/o/{world.org.slug}/instellingen/leden/{mine.pk}/verwijderen/").status_code
        == 302
    )
    assert not Membership.objects.filter(pk=mine.pk).exists()
