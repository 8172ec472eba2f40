"""The plan through the API: read it, change a step as the web form would, save versions."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.orgs.models import Role
from klankbord.strategy.models import Plan, PlanVersion
from klankbord.strategy.services import plan_step_save
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
PLAN = "/api/v1/organisations/bakkerij-alice/plan"
Api = Callable[[Any], Client]


def patch(client: Client, path: str, data: object) -> Any:
    return client.patch(path, data, content_type="application/json")


@pytest.fixture
def plan(world: World) -> None:
    alice = world.org.memberships.get(user=world.alice)
    for key, data in bakery_plan().items():
        plan_step_save(organisation=world.org, key=key, data=data, by=alice)


def test_the_plan_has_every_step_and_the_health_check(world: World, plan: None, api: Api) -> None:
    client = api(world.member(Role.CLIENT))
    data = client.get(PLAN).json()
    assert list(data["steps"]) == [
        "goals", "audiences", "positioning", "channels", "content", "rhythm", "budget", "kpis",
    ]  # fmt: skip
    assert data["steps"]["channels"]["networks"] == ["facebook", "instagram"]
    assert data["version"] == 0 and data["updated_at"] and data["next_review_on"]
    assert {check["code"] for check in data["health"]} >= {"goal", "answerer"}
    assert all(check["ok"] for check in data["health"])
    assert all(check["fix"] for check in data["health"])


def test_an_empty_plan_reads_as_empty_steps(world: World, api: Api) -> None:
    data = api(world.alice).get(PLAN).json()
    assert data["steps"]["goals"] == {}
    assert data["updated_at"] is None
    assert not data["health"][0]["ok"]


def test_an_editor_saves_a_step(world: World, plan: None, api: Api) -> None:
    client = api(world.member(Role.EDITOR))
    response = patch(client, f"{PLAN}/steps/goals", {"hours_per_week": 6.5, "who": "Dana"})
    assert response.status_code == 200, response.json()
    goals = Plan.objects.get().goals
    assert goals["hours_per_week"] == 6.5 and goals["who"] == "Dana"
    assert goals["goals"] == ["awareness", "loyalty"]  # left out, so kept
    assert response.json()["steps"]["goals"]["who"] == "Dana"


def test_rows_and_per_channel_answers_are_saved(world: World, plan: None, api: Api) -> None:
    client = api(world.alice)
    kpis = [{"goal": "loyalty", "indicator": "reviews", "target": 12, "period": "month",
             "evaluate_on": "2027-06-30"}]  # fmt: skip
    assert patch(client, f"{PLAN}/steps/kpis", {"kpis": kpis}).status_code == 200
    assert Plan.objects.get().kpis["kpis"][0]["indicator"] == "reviews"
    rhythm = {"posts_per_week": {"facebook": 1, "instagram": 2.5}}
    assert patch(client, f"{PLAN}/steps/rhythm", rhythm).status_code == 200
    assert Plan.objects.get().rhythm["posts_per_week"] == {"facebook": 1, "instagram": 2.5}


def test_invalid_answers_get_messages_per_field(world: World, plan: None, api: Api) -> None:
    client = api(world.alice)
    response = patch(client, f"{PLAN}/steps/goals", {"hours_per_week": 500, "goals": ["fame"]})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert response.json()["detail"]
    assert errors["hours_per_week"] == ["Enter 80 or less."]
    assert "goals" in errors
    kpis = [{"target": 5}, {"indicator": "x", "evaluate_on": "morgen"}]
    errors = patch(client, f"{PLAN}/steps/kpis", {"kpis": kpis}).json()["errors"]
    assert "kpis[0].indicator" in errors and "kpis[1].evaluate_on" in errors
    errors = patch(client, f"{PLAN}/steps/rhythm", {"posts_per_week": {"instagram": 0}}).json()
    assert "posts_per_week.instagram" in errors["errors"]
    for wrong in [[1, 2], {"kpis": "many"}, {"posts_per_week": [3]}, {"who": {"a": 1}}]:
        step = "kpis" if "kpis" in str(wrong) else "rhythm"
        response = patch(client, f"{PLAN}/steps/{step}", wrong)
        assert response.status_code == 400, wrong
        assert "detail" in response.json()
    assert Plan.objects.get().goals["hours_per_week"] == 4


def test_an_unknown_step_is_not_found(world: World, api: Api) -> None:
    response = patch(api(world.alice), f"{PLAN}/steps/dreams", {})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CLIENT])
def test_contributors_and_clients_only_read(world: World, plan: None, api: Api, role: str) -> None:
    client = api(world.member(role))
    assert client.get(PLAN).status_code == 200
    assert client.get(f"{PLAN}/versions").status_code == 200
    assert patch(client, f"{PLAN}/steps/goals", {"who": "Eve"}).status_code == 403
    assert client.post(f"{PLAN}/versions", {"note": "x"}).status_code == 403
    assert Plan.objects.get().goals["who"] == "Bob"
    assert not PlanVersion.objects.exists()


def test_another_organisations_plan_is_not_found(world: World, plan: None, api: Api) -> None:
    client = api(world.charlie)
    assert client.get(PLAN).status_code == 404
    assert patch(client, f"{PLAN}/steps/goals", {"who": "Charlie"}).status_code == 404
    assert client.post(f"{PLAN}/versions", {"note": "x"}).status_code == 404
    assert client.get(f"{PLAN}/versions").status_code == 404
    assert Plan.objects.get(organisation=world.org).goals["who"] == "Bob"


def test_versions_are_saved_and_listed(world: World, plan: None, api: Api) -> None:
    client = api(world.member(Role.EDITOR))
    response = client.post(f"{PLAN}/versions", {"note": "na Q1"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["number"] == 1 and response.json()["note"] == "na Q1"
    listed = client.get(f"{PLAN}/versions").json()["results"]
    assert [v["number"] for v in listed] == [1]
    assert client.get(PLAN).json()["version"] == 1


def test_a_version_needs_a_plan(world: World, api: Api) -> None:
    response = api(world.alice).post(f"{PLAN}/versions", {}, content_type="application/json")
    assert response.status_code == 400
    assert "step" in response.json()["detail"]
