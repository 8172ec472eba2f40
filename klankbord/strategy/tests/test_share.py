"""A read-only address of the plan: readable without logging in, until it is revoked."""

import pytest
from django.test import Client

from klankbord.orgs.models import AuditEvent, Role
from klankbord.strategy.models import PlanShare
from klankbord.strategy.services import plan_step_save
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
PLAN = "/o/bakkerij-alice/plan/"
SHARE = f"{PLAN}delen/"


@pytest.fixture
def plan(world: World) -> None:
    alice = world.org.memberships.get(user=world.alice)
    for key, data in bakery_plan().items():
        plan_step_save(organisation=world.org, key=key, data=data, by=alice)


def shared_address(client: Client) -> str:
    page = client.get(PLAN).content.decode()
    start = page.index("http://testserver/plan/gedeeld/")
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def test_a_shared_address_shows_the_plan_to_anyone(
    world: World, plan: None, alice_client: Client
) -> None:
    assert alice_client.post(SHARE, {"action": "create"}).status_code == 302
    address = shared_address(alice_client)
    response = Client().get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gezinnen in Leuven" in page and "De beste zuurdesem van Leuven" in page
    assert 'id="plan-health"' in page and 'data-check="answerer"' in page
    # Read-only, and nothing else of the organisation.
    assert "<form" not in page and "/stap/" not in page and "bakkerij-alice" not in page
    assert 'name="robots" content="noindex' in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert PlanShare.objects.get().last_viewed_at is not None
    pdf = Client().get(f"{address}pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "plan.share_created" in actions


def test_the_token_is_stored_hashed_and_encrypted(plan: None, alice_client: Client) -> None:
    alice_client.post(SHARE, {"action": "create"})
    token = shared_address(alice_client).split("/")[-2]
    share = PlanShare.objects.get()
    assert len(token) >= 40
    assert token not in share.token_hash and token not in share.token_encrypted


def test_revoking_stops_the_address_at_once(plan: None, alice_client: Client) -> None:
    alice_client.post(SHARE, {"action": "create"})
    address = shared_address(alice_client)
    assert alice_client.post(SHARE, {"action": "revoke"}).status_code == 302
    assert Client().get(address).status_code == 404
    assert Client().get(f"{address}pdf/").status_code == 404
    assert "plan/gedeeld/" not in alice_client.get(PLAN).content.decode()
    assert AuditEvent.objects.filter(action="plan.share_revoked").exists()


def test_a_new_address_replaces_the_old_one(plan: None, alice_client: Client) -> None:
    alice_client.post(SHARE, {"action": "create"})
    first = shared_address(alice_client)
    alice_client.post(SHARE, {"action": "create"})
    second = shared_address(alice_client)
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_unknown_addresses_are_not_found(plan: None) -> None:
    for token in ["not-a-real-token", "x" * 500, "%00"]:
        assert Client().get(f"/plan/gedeeld/{token}/").status_code == 404


def test_one_organisations_address_shows_only_its_own_plan(
    world: World, plan: None, alice_client: Client, charlie_client: Client
) -> None:
    charlie = world.other_org.memberships.get(user=world.charlie)
    plan_step_save(organisation=world.other_org, key="goals", data={"goals": ["leads"]}, by=charlie)
    charlie_client.post(f"/o/{world.other_org.slug}/plan/delen/", {"action": "create"})
    page = charlie_client.get(f"/o/{world.other_org.slug}/plan/").content.decode()
    start = page.index("/plan/gedeeld/")
    address = page[start : page.index('"', start)]
    shown = Client().get(address).content.decode()
    assert "Garage Charlie" in shown
    assert "Bakkerij Alice" not in shown and "Gezinnen in Leuven" not in shown
    # Charlie cannot share or revoke Alice's plan.
    assert charlie_client.post(SHARE, {"action": "create"}).status_code == 404
    assert PlanShare.objects.filter(organisation=world.org).count() == 0


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CLIENT])
def test_contributors_and_clients_cannot_share_or_revoke(
    world: World, plan: None, alice_client: Client, role: str
) -> None:
    alice_client.post(SHARE, {"action": "create"})
    client = Client()
    client.force_login(world.member(role))
    assert client.post(SHARE, {"action": "create"}).status_code == 403
    assert client.post(SHARE, {"action": "revoke"}).status_code == 403
    assert PlanShare.objects.filter(revoked_at__isnull=True).count() == 1
    assert "plan/gedeeld/" not in client.get(PLAN).content.decode()


def test_editors_share_too(world: World, plan: None) -> None:
    client = Client()
    client.force_login(world.member(Role.EDITOR))
    assert client.post(SHARE, {"action": "create"}).status_code == 302
    assert PlanShare.objects.filter(revoked_at__isnull=True).count() == 1
