"""The REST API: bearer tokens, scoping, roles and JSON errors."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.accounts.services import api_token_create
from klankbord.core.models import Heartbeat
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World


def api(user) -> Client:  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_no_token_is_a_401_with_a_json_reason(db: None, client: Client) -> None:
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]
    bad = Client(HTTP_AUTHORIZATION="Bearer kb_nope").get("/api/v1/organisations")
    assert bad.status_code == 401


def test_organisations_lists_mine_with_my_role(world: World) -> None:
    results = api(world.bob).get("/api/v1/organisations").json()["results"]
    assert [(o["slug"], o["role"]) for o in results] == [(world.org.slug, "editor")]


def test_the_owner_renames_through_the_api_and_it_is_audited(world: World) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"name": "Bakkerij Alice BV"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Bakkerij Alice BV"
    assert AuditEvent.objects.filter(action="organisation.update").exists()


def test_an_editor_may_not_rename(world: World) -> None:
    response = api(world.bob).patch(
        f"/api/v1/organisations/{world.org.slug}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "detail" in response.json()


def test_an_unknown_time_zone_is_a_400_with_field_errors(world: World) -> None:
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}",
        {"timezone": "Mars/Olympus"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "timezone" in response.json()["errors"]


@pytest.mark.parametrize(("role", "status"), [(Role.EDITOR, 403), (Role.MANAGER, 200)])
def test_members_are_for_managers(world: World, role: str, status: int) -> None:
    response = api(world.member(role)).get(f"/api/v1/organisations/{world.org.slug}/members")
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [(Role.MANAGER, 403), (Role.OWNER, 200)])
def test_the_audit_log_is_for_owners(world: World, role: str, status: int) -> None:
    user = world.alice if role == Role.OWNER else world.member(role)
    response = api(user).get(f"/api/v1/organisations/{world.org.slug}/audit-events")
    assert response.status_code == status


def test_me_can_change_name_and_language_but_not_e_mail(world: World) -> None:
    client = api(world.alice)
    response = client.patch(
        "/api/v1/me",
        {"name": "Alice", "language": "fr-be", "email": "x@y.z"},
        content_type="application/json",
    )
    assert response.status_code == 200
    world.alice.refresh_from_db()
    assert (world.alice.language, world.alice.email) == ("fr-be", "alice@bakkerij.test")


def test_errors_come_in_the_token_owners_language(world: World) -> None:
    world.alice.language = "fr-be"
    world.alice.save()
    response = api(world.alice).patch(
        f"/api/v1/organisations/{world.org.slug}", {"name": 5}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "La requête n'est pas valide."


def test_the_schema_and_docs_are_served(db: None, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organisations/{org_slug}/members" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs/").status_code == 200


def test_healthz_reports_background_work(db: None, client: Client) -> None:
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "worker": "stopped", "beat": "stopped"}
    now = timezone.now()
    Heartbeat.objects.create(name="worker:w1@host", kind="worker", seen_at=now)
    Heartbeat.objects.create(name="beat", kind="beat", seen_at=now - timedelta(seconds=5))
    assert client.get("/healthz").json()["worker"] == "ok"
    assert client.get("/healthz").json()["beat"] == "ok"
