"""Members are for managers and owners; the audit log for owners only."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

Api = Callable[[Any], Client]


def user_with(world: World, role: str) -> Any:
    if role == Role.OWNER:
        return world.alice
    if role == Role.EDITOR:
        return world.bob
    return world.member(role)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 200),
        (Role.MANAGER, 200),
        (Role.EDITOR, 403),
        (Role.CONTRIBUTOR, 403),
        (Role.CLIENT, 403),
    ],
)
def test_members_are_for_managers_and_owners(
    world: World, api: Api, role: str, status: int
) -> None:
    response = api(user_with(world, role)).get(f"/api/v1/organisations/{world.org.slug}/members")
    assert response.status_code == status
    if status == 403:
        assert set(response.json()) == {"detail"}


def test_the_member_list_shows_e_mail_and_role(world: World, api: Api) -> None:
    manager = world.member(Role.MANAGER)
    results = api(manager).get(f"/api/v1/organisations/{world.org.slug}/members").json()["results"]
    assert [(m["email"], m["role"]) for m in results] == [
        ("alice@bakkerij.test", "owner"),
        ("bob@bakkerij.test", "editor"),
        ("manager@bakkerij.test", "manager"),
    ]
    assert "charlie@garage.test" not in str(results)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 200),
        (Role.MANAGER, 403),
        (Role.EDITOR, 403),
        (Role.CONTRIBUTOR, 403),
        (Role.CLIENT, 403),
    ],
)
def test_the_audit_log_is_for_owners(world: World, api: Api, role: str, status: int) -> None:
    response = api(user_with(world, role)).get(
        f"/api/v1/organisations/{world.org.slug}/audit-events"
    )
    assert response.status_code == status


def test_audit_events_are_the_organisation_s_own_and_filter_by_action(
    world: World, api: Api
) -> None:
    AuditEvent.objects.create(organisation=world.org, action="member.invite", target="a@b.test")
    AuditEvent.objects.create(organisation=world.org, action="channel.connect", target="mastodon")
    AuditEvent.objects.create(organisation=world.other_org, action="member.invite", target="x")
    client = api(world.alice)
    url = f"/api/v1/organisations/{world.org.slug}/audit-events"
    everything = client.get(url).json()
    assert everything["count"] == 2
    assert {e["action"] for e in everything["results"]} == {"member.invite", "channel.connect"}
    members = client.get(url, {"action": "member"}).json()["results"]
    assert [(e["action"], e["target"]) for e in members] == [("member.invite", "a@b.test")]


def test_pagination_refuses_a_limit_that_is_not_a_number(world: World, api: Api) -> None:
    response = api(world.alice).get(
        f"/api/v1/organisations/{world.org.slug}/audit-events", {"limit": "lots"}
    )
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]
