"""Client reports and report addresses through the API: the same rules as the pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.analytics.models import ClientReport, ReportLink
from klankbord.api.tests.conftest import api
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
__all__ = ["api"]  # the API tests' client with a personal token
BASE = "/api/v1/organisations/bakkerij-alice"


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(BASE + path, data or {}, content_type="application/json")


def test_an_owner_makes_and_lists_a_client_report(
    world: World, api: Callable[[Any], Client]
) -> None:
    alice = api(world.alice)
    data = {"name": "Voor Jan", "period": "quarter", "recipients": ["jan@klant.test"],
            "language": "fr-be"}  # fmt: skip
    response = post(alice, "/client-reports", data)
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["period"], made["recipients"], made["language"]) == (
        "quarter", ["jan@klant.test"], "fr-be",
    )  # fmt: skip
    listed = alice.get(BASE + "/client-reports").json()["results"]
    assert [found["name"] for found in listed] == ["Voor Jan"]
    assert alice.delete(f"{BASE}/client-reports/{made['id']}").status_code == 204
    assert not ClientReport.objects.exists()
    assert AuditEvent.objects.filter(action="report.client_deleted").exists()


def test_addresses_and_dates_are_checked_as_on_the_page(
    world: World, api: Callable[[Any], Client]
) -> None:
    alice = api(world.alice)
    data = {"name": "Jan", "period": "custom", "recipients": ["geen-adres"], "language": "en",
            "starts_on": "2026-04-10", "ends_on": "2026-04-01"}  # fmt: skip
    response = post(alice, "/client-reports", data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["recipients"] == ["geen-adres is not an e-mail address."]
    assert errors["__all__"] == ["The last day comes before the first."]
    assert not ClientReport.objects.exists()


def test_a_report_address_is_made_listed_and_revoked(
    world: World, api: Callable[[Any], Client]
) -> None:
    alice = api(world.alice)
    response = post(alice, "/report-links", {"name": "Jan", "period": "last_month",
                                              "language": "nl-be"})  # fmt: skip
    assert response.status_code == 201, response.json()
    url = response.json()["url"]
    assert url.startswith("http://testserver/rapport/")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
    listed = alice.get(BASE + "/report-links").json()["results"]
    assert [found["url"] for found in listed] == [url]
    link_id = response.json()["id"]
    assert post(alice, f"/report-links/{link_id}/revoke").status_code == 204
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404
    assert alice.get(BASE + "/report-links").json()["results"] == []
    assert ReportLink.objects.get().revoked_at is not None


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CLIENT])
def test_other_roles_see_nothing_and_change_nothing(
    world: World, api: Callable[[Any], Client], role: str
) -> None:
    member = api(world.member(role))
    assert member.get(BASE + "/client-reports").status_code == 403
    assert member.get(BASE + "/report-links").status_code == 403
    response = post(member, "/report-links", {"period": "last_month", "language": "en"})
    assert response.status_code == 403
    assert not ReportLink.objects.exists()


def test_another_organisation_gets_404(world: World, api: Callable[[Any], Client]) -> None:
    alice = api(world.alice)
    made = post(alice, "/report-links", {"period": "last_month", "language": "en"}).json()
    charlie = api(world.charlie)
    assert charlie.get(BASE + "/report-links").status_code == 404
    assert post(charlie, f"/report-links/{made['id']}/revoke").status_code == 404
    other = f"/api/v1/organisations/{world.other_org.slug}/report-links/{made['id']}/revoke"
    assert charlie.post(other).status_code == 404
    assert ReportLink.objects.get().revoked_at is None
