"""/api/v1/organisations: only your own, with your role; owners may change them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.orgs.models import AuditEvent, Membership, Role
from klankbord.test import World

Api = Callable[[Any], Client]


def test_the_list_holds_only_the_caller_s_organisations_with_role(world: World, api: Api) -> None:
    Membership.objects.create(organisation=world.other_org, user=world.bob, role=Role.CLIENT)
    response = api(world.bob).get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(o["slug"], o["role"]) for o in body["results"]] == [
        ("bakkerij-alice", "editor"),
        ("garage-charlie", "client"),
    ]
    assert set(body["results"][0]) == {
        "slug",
        "name",
        "timezone",
        "require_2fa",
        "role",
        "created_at",
    }


def test_another_user_sees_only_their_own(world: World, api: Api) -> None:
    results = api(world.charlie).get("/api/v1/organisations").json()["results"]
    assert [(o["slug"], o["role"]) for o in results] == [("garage-charlie", "owner")]


def test_the_detail_of_one_s_own_organisation(world: World, api: Api) -> None:
    response = api(world.bob).get(f"/api/v1/organisations/{world.org.slug}")
    assert response.status_code == 200
    assert response.json()["name"] == "Bakkerij Alice"
    assert response.json()["role"] == "editor"


@pytest.mark.parametrize("slug", ["garage-charlie", "does-not-exist"])
def test_another_organisation_is_a_404_as_if_it_did_not_exist(
    world: World, api: Api, slug: str
) -> None:
    response = api(world.alice).get(f"/api/v1/organisations/{slug}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_the_owner_renames_it_and_it_is_audited(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"name": "Bakkerij Alice BV"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Bakkerij Alice BV"
    assert response.json()["role"] == "owner"
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice BV"
    event = AuditEvent.objects.get(action="organisation.update")
    assert (event.actor, event.data) == (
        world.alice,
        {"name": ["Bakkerij Alice", "Bakkerij Alice BV"]},
    )


def test_read_only_fields_are_not_changed(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"slug": "gekaapt", "require_2fa": True, "role": "client"},
        content_type="application/json",
    )
    assert response.status_code == 200
    world.org.refresh_from_db()
    assert (world.org.slug, world.org.require_2fa) == ("bakkerij-alice", False)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EDITOR, Role.CONTRIBUTOR, Role.CLIENT])
def test_only_the_owner_may_change_it(world: World, api: Api, role: str) -> None:
    user = world.bob if role == Role.EDITOR else world.member(role)
    response = api(user).patch(
        f"/api/v1/organisations/{world.org.slug}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice"
    assert not AuditEvent.objects.exists()


def test_an_outsider_s_change_is_a_404(world: World, api: Api) -> None:
    response = api(world.charlie).patch(
        f"/api/v1/organisations/{world.org.slug}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice"


def test_an_unknown_time_zone_is_a_400_with_json_errors(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"timezone": "Mars/Olympus"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request is not valid.",
        "errors": {"timezone": ["Mars/Olympus is not a known time zone."]},
    }
    world.org.refresh_from_db()
    assert world.org.timezone == "Europe/Brussels"
    assert not AuditEvent.objects.exists()


def test_a_valid_time_zone_is_saved(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"timezone": "Europe/Amsterdam"},
        content_type="application/json",
    )
    assert response.status_code == 200
    world.org.refresh_from_db()
    assert world.org.timezone == "Europe/Amsterdam"


def test_a_body_that_is_not_json_is_a_400(world: World, api: Api) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
