"""Time entries and the return of a period through /api/v1/."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import time_machine
from django.test import Client

from klankbord.orgs.models import Role
from klankbord.test import World
from klankbord.timekeeping.models import AdSpend, TimeEntry
from klankbord.timekeeping.tests.helpers import plan_with_budget

BASE = "/api/v1/organisations/bakkerij-alice"
NOW = datetime(2026, 3, 31, 10, tzinfo=UTC)
Api = Callable[[Any], Client]


def entry(world: World, user: Any, day: date, minutes: int) -> TimeEntry:
    return TimeEntry.objects.create(organisation=world.org, member=user, activity="writing",
                                    day=day, minutes=minutes)  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_members_list_their_own_entries_and_managers_everyones(world: World, api: Api) -> None:
    entry(world, world.alice, date(2026, 3, 10), 30)
    entry(world, world.bob, date(2026, 3, 11), 45)
    entry(world, world.bob, date(2026, 1, 11), 60)  # before the default 30 days
    mine = api(world.bob).get(f"{BASE}/time-entries").json()
    assert [(e["day"], e["minutes"], e["member_name"]) for e in mine["results"]] == [
        ("2026-03-11", 45, "Bob")
    ]
    everyone = api(world.alice).get(f"{BASE}/time-entries?from=2026-01-01&to=2026-03-31").json()
    assert [e["minutes"] for e in everyone["results"]] == [45, 30, 60]
    assert everyone["results"][0]["source"] == "manual"


@time_machine.travel(NOW, tick=False)
def test_a_member_records_time_through_the_api(world: World, api: Api) -> None:
    response = api(world.bob).post(
        f"{BASE}/time-entries", {"activity": "answering", "minutes": 20, "note": "Reviews"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["day"] == "2026-03-31"
    assert TimeEntry.objects.get().member == world.bob
    later = api(world.bob).post(
        f"{BASE}/time-entries", {"activity": "answering", "minutes": 20, "day": "2026-04-02"},
        content_type="application/json",
    )  # fmt: skip
    assert later.status_code == 400
    assert later.json()["errors"]["day"] == ["That day has not come yet."]
    client_viewer = api(world.member(Role.CLIENT))
    assert client_viewer.get(f"{BASE}/time-entries").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_return_of_a_period(world: World, api: Api) -> None:
    plan_with_budget(world.org, hourly_cost=50, ad_spend=62, tools_cost=31)
    entry(world, world.bob, date(2026, 3, 5), 120)
    AdSpend.objects.create(organisation=world.org, start=date(2026, 3, 1), end=date(2026, 3, 31),
                           amount=Decimal(93))  # fmt: skip
    found = api(world.member(Role.CLIENT)).get(f"{BASE}/return?from=2026-03-01&to=2026-03-10")
    assert found.status_code == 200
    data = found.json()
    assert (data["start"], data["end"], data["minutes"]) == ("2026-03-01", "2026-03-10", 120)
    assert data["time_cost"] == 100.0  # 2 hours at € 50
    assert data["ads"] == 30.0  # 10 of the 31 days of € 93
    assert data["tools"] == 10.0  # 10/31 of € 31 a month
    assert data["outside_help"] is None and data["missing"] == ["outside_help"]
    assert data["cost"] == 140.0
    assert data["value"] is None and data["result"] is None
    assert data["clicks"] is None and data["leads"] == 0
    # The plan has no hours: ads against ads only (€ 30 spent of € 20 planned).
    assert data["budget"]["planned_time"] is None
    assert (data["budget"]["planned"], data["budget"]["spent"]) == (20.0, 30.0)


def test_a_wrong_period_is_refused_in_the_users_language(world: World, api: Api) -> None:
    client = api(world.alice)
    bad = client.get(f"{BASE}/return?from=maart", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"from": ["Give a date as YYYY-MM-DD."]}
    backwards = client.get(f"{BASE}/return?from=2026-03-10&to=2026-03-01")
    assert backwards.json()["errors"]["from"] == ["The first day comes on or before the last."]


def test_other_organisations_get_404(world: World, api: Api) -> None:
    for path in ("time-entries", "return"):
        assert api(world.charlie).get(f"{BASE}/{path}").status_code == 404


def test_the_schema_describes_both(db: None, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    entries = schema["paths"]["/api/v1/organisations/{org_slug}/time-entries"]
    assert {"get", "post"} <= set(entries)
    names = {p["name"] for p in entries["get"]["parameters"]}
    assert {"from", "to", "limit", "offset"} <= names
    returned = schema["paths"]["/api/v1/organisations/{org_slug}/return"]["get"]
    assert "400" in returned["responses"]
    assert "budget" in schema["components"]["schemas"]["Return"]["properties"]
