"""Each role can do what it should, and gets 403 for what it should not.

The table below is the rule book: one row per organisation URL, one column per role.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.orgs.models import Invitation, Membership, Role
from klankbord.test import World

ROLES = [Role.OWNER, Role.MANAGER, Role.EDITOR, Role.CONTRIBUTOR, Role.CLIENT]
OK, REDIRECT, FORBIDDEN = 200, 302, 403

# name: (method, path, expected status for owner, manager, editor, contributor, client)
TABLE = {
    "dashboard": ("get", "/o/{slug}/", (OK, OK, OK, OK, OK)),
    "plan": ("get", "/o/{slug}/plan/", (OK, OK, OK, OK, OK)),
    "publish": ("get", "/o/{slug}/publiceren/", (OK, OK, OK, OK, OK)),
    "listen": ("get", "/o/{slug}/luisteren/", (OK, OK, OK, OK, OK)),
    "inbox": ("get", "/o/{slug}/inbox/", (OK, OK, OK, OK, OK)),
    "measure": ("get", "/o/{slug}/meten/", (OK, OK, OK, OK, OK)),
    "settings": ("get", "/o/{slug}/instellingen/", (OK, *[FORBIDDEN] * 4)),
    "settings save": ("post", "/o/{slug}/instellingen/", (REDIRECT, *[FORBIDDEN] * 4)),
    "audit log": ("get", "/o/{slug}/instellingen/auditlog/", (OK, *[FORBIDDEN] * 4)),
    "members": ("get", "/o/{slug}/instellingen/leden/", (OK, OK, *[FORBIDDEN] * 3)),
    "invite": ("post", "/o/{slug}/instellingen/leden/", (REDIRECT, REDIRECT, *[FORBIDDEN] * 3)),
    "status": ("get", "/o/{slug}/instellingen/status/", (OK, OK, *[FORBIDDEN] * 3)),
    "channels": ("get", "/o/{slug}/instellingen/kanalen/", (OK, OK, *[FORBIDDEN] * 3)),
    "compose": ("get", "/o/{slug}/publiceren/nieuw/", (OK, OK, OK, OK, FORBIDDEN)),
    "calendar": ("get", "/o/{slug}/kalender/", (OK, OK, OK, OK, OK)),
    "slots and rhythm": (
        "get",
        "/o/{slug}/instellingen/publiceren/",
        (OK, OK, *[FORBIDDEN] * 3),
    ),
    "new monitor": (
        "get",
        "/o/{slug}/luisteren/monitors/nieuw/",
        (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    ),
    "listening sources": (
        "get",
        "/o/{slug}/luisteren/bronnen/",
        (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    ),
    "listening privacy": ("get", "/o/{slug}/luisteren/privacy/", (OK, OK, *[FORBIDDEN] * 3)),
    "listening alerts": ("get", "/o/{slug}/luisteren/meldingen/", (OK, OK, OK, OK, OK)),
    "language understanding": (
        "get",
        "/o/{slug}/instellingen/taal/",
        (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    ),
    "change bob's role": (
        "post",
        "/o/{slug}/instellingen/leden/{bob}/rol/",
        (REDIRECT, REDIRECT, *[FORBIDDEN] * 3),
    ),
    "remove bob": (
        "post",
        "/o/{slug}/instellingen/leden/{bob}/verwijderen/",
        (REDIRECT, REDIRECT, *[FORBIDDEN] * 3),
    ),
    "withdraw invitation": (
        "post",
        "/o/{slug}/instellingen/uitnodigingen/{invitation}/intrekken/",
        (REDIRECT, REDIRECT, *[FORBIDDEN] * 3),
    ),
    "disconnect channel": (
        "post",
        "/o/{slug}/instellingen/kanalen/{channel}/ontkoppelen/",
        (REDIRECT, REDIRECT, *[FORBIDDEN] * 3),
    ),
}

POST_DATA = {
    "settings save": {"name": "Nieuwe naam", "timezone": "Europe/Brussels"},
    "invite": {"email": "nieuw@bakkerij.test", "role": Role.EDITOR},
    "change bob's role": {"role": Role.CONTRIBUTOR},
}


def what_changed(world: World, bob: Membership, invitation: Invitation, channel: Channel) -> set:
    """Which of the table's actions left a trace in the database."""
    changed = set()
    world.org.refresh_from_db()
    if world.org.name != "Bakkerij Alice":
        changed.add("settings save")
    if Invitation.objects.filter(email="nieuw@bakkerij.test").exists():
        changed.add("invite")
    remaining = Membership.objects.filter(pk=bob.pk).first()
    if remaining is None:
        changed.add("remove bob")
    elif remaining.role != Role.EDITOR:
        changed.add("change bob's role")
    if not Invitation.objects.filter(pk=invitation.pk).exists():
        changed.add("withdraw invitation")
    channel.refresh_from_db()
    if channel.status != Channel.Status.CONNECTED:
        changed.add("disconnect channel")
    return changed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(TABLE))
def test_each_role_gets_what_it_may_and_403_otherwise(world: World, role: str, name: str) -> None:
    method, template, statuses = TABLE[name]
    expected = statuses[ROLES.index(role)]
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

    response = getattr(client, method)(path, POST_DATA.get(name, {}))

    assert response.status_code == expected, (role, name, response.status_code)
    # A refused action changes nothing; an allowed one does what it says.
    changed = what_changed(world, bob, invitation, channel)
    if method == "post":
        assert changed == ({name} if expected != FORBIDDEN else set()), (role, name)
    else:
        assert changed == set()


def test_the_table_covers_every_role_for_every_url() -> None:
    assert all(len(statuses) == len(ROLES) for _m, _p, statuses in TABLE.values())


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_leave(world: World, role: str) -> None:
    if role == Role.OWNER:
        world.member(Role.OWNER)  # the last owner may not leave; a second one may
    me = world.alice if role == Role.OWNER else world.member(role)
    mine = Membership.objects.get(user=me, organisation=world.org)
    client = Client()
    client.force_login(me)
    response = client.post(f"/o/{world.org.slug}/instellingen/leden/{mine.pk}/verwijderen/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not Membership.objects.filter(pk=mine.pk).exists()
