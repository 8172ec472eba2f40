"""A version keeps the whole plan as it was, numbered, with who saved it and why."""

import pytest
from django.test import Client

from klankbord.orgs.models import Membership
from klankbord.strategy import services
from klankbord.strategy.models import Plan, PlanVersion
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"


@pytest.fixture
def plan(world: World, alice: Membership) -> Plan:
    for key, data in bakery_plan().items():
        services.plan_step_save(organisation=world.org, key=key, data=data, by=alice)
    return Plan.objects.get(organisation=world.org)


def test_saving_a_version_keeps_a_numbered_snapshot(
    world: World, alice_client: Client, plan: Plan
) -> None:
    response = alice_client.post(f"{BASE}versies/", {"note": "Na het eerste kwartaal"})
    assert response.status_code == 302
    alice_client.post(f"{BASE}versies/", {"note": ""})
    versions = list(PlanVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].note == "Na het eerste kwartaal"
    assert versions[0].created_by == world.alice
    assert versions[0].steps == bakery_plan()
    plan.refresh_from_db()
    assert plan.version == 2


def test_a_version_does_not_change_when_the_plan_does(
    world: World, alice: Membership, alice_client: Client, plan: Plan
) -> None:
    version = services.plan_version_save(plan=plan, by=alice, note="v1")
    services.plan_step_save(
        organisation=world.org, key="channels", data={"networks": ["tiktok"]}, by=alice
    )
    version.refresh_from_db()
    assert version.steps["channels"]["networks"] == ["facebook", "instagram"]
    page = alice_client.get(f"{BASE}versies/{version.pk}/").content.decode()
    assert "Version 1 of the plan" in page
    assert "De beste zuurdesem van Leuven" in page
    assert "Instagram" in page and "TikTok" not in page


def test_the_versions_are_listed_newest_first(
    alice: Membership, alice_client: Client, plan: Plan
) -> None:
    services.plan_version_save(plan=plan, by=alice, note="eerste")
    services.plan_version_save(plan=plan, by=alice, note="review", kind=PlanVersion.Kind.REVIEW)
    page = alice_client.get(f"{BASE}versies/").content.decode()
    assert page.index("review") < page.index("eerste")
    assert "Review" in page and "Saved version" in page


def test_a_version_needs_a_plan_first(alice_client: Client) -> None:
    response = alice_client.post(f"{BASE}versies/", {"note": "x"}, follow=True)
    assert "Fill in at least one step before saving a version." in response.content.decode()
    assert not PlanVersion.objects.exists()
