"""Editors and up write the plan; contributors and clients read it; outsiders see nothing."""

import pytest
from django.test import Client

from klankbord.orgs.models import Role
from klankbord.strategy.models import Plan, PlanVersion
from klankbord.strategy.services import plan_step_save
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.alice if role == Role.OWNER else world.member(role))
    return client


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.EDITOR])
def test_editors_and_up_change_the_plan_and_save_versions(world: World, role: str) -> None:
    client = client_for(world, role)
    response = client.post(f"{BASE}stap/1/", {"goals": ["leads"], "action": "save"})
    assert response.status_code == 302
    assert Plan.objects.get().goals["goals"] == ["leads"]
    assert client.post(f"{BASE}versies/", {"note": "eerste"}).status_code == 302
    assert PlanVersion.objects.get().note == "eerste"


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CLIENT])
def test_contributors_and_clients_read_the_plan_but_cannot_change_it(
    world: World, role: str
) -> None:
    membership = world.org.memberships.get(user=world.alice)
    plan_step_save(organisation=world.org, key="goals", data={"goals": ["leads"]}, by=membership)
    client = client_for(world, role)
    for path in [BASE, f"{BASE}stap/1/", f"{BASE}stap/4/", f"{BASE}versies/"]:
        assert client.get(path).status_code == 200, path
    page = client.get(f"{BASE}stap/1/").content.decode()
    assert "You can read the plan" in page
    assert 'value="next"' not in page and "disabled" in page
    response = client.post(f"{BASE}stap/1/", {"goals": ["service"], "action": "save"})
    assert response.status_code == 403
    assert client.post(f"{BASE}versies/", {"note": "x"}).status_code == 403
    assert Plan.objects.get().goals["goals"] == ["leads"]
    assert not PlanVersion.objects.exists()


def test_charlie_sees_nothing_of_alices_plan(world: World, charlie_client: Client) -> None:
    membership = world.org.memberships.get(user=world.alice)
    plan = plan_step_save(
        organisation=world.org, key="goals", data={"goals": ["leads"]}, by=membership
    )
    version = PlanVersion.objects.create(
        plan=plan, organisation=world.org, number=1, data=plan.snapshot()
    )
    paths = [BASE, f"{BASE}stap/1/", f"{BASE}versies/", f"{BASE}versies/{version.pk}/"]
    for path in paths:
        assert charlie_client.get(path).status_code == 404, path
        assert (
            charlie_client.post(path, {"goals": ["service"], "action": "save"}).status_code == 404
        )
    assert Plan.objects.get().goals["goals"] == ["leads"]
    # Nor through his own organisation's address.
    response = charlie_client.get(f"/o/{world.other_org.slug}/plan/versies/{version.pk}/")
    assert response.status_code == 404
