"""Who may do what: every member who works records her own time, managers see and correct
everyone's and set the money; client viewers read the figures on Measure only."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World
from klankbord.timekeeping.models import AdSpend, ReturnSettings, RunningTimer, TimeEntry

URL = "/o/bakkerij-alice/tijd/"
COSTS = URL + "kosten/"


def client_for(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def entry_of(world: World, user: object, minutes: int = 30) -> TimeEntry:
    return TimeEntry.objects.create(organisation=world.org, member=user, activity="writing",
                                    day=date(2026, 3, 2), minutes=minutes)  # fmt: skip


def test_a_contributor_records_her_own_time(world: World) -> None:
    contributor = world.member(Role.CONTRIBUTOR)
    client = client_for(contributor)
    data = {"activity": "planning", "day": "2026-01-05", "minutes": "1:30", "note": "Plan Q1"}
    assert client.post(URL, data).status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.member, entry.minutes, entry.source) == (contributor, 90, "manual")
    assert client.post(URL + "snel/", {"activity": "writing", "minutes": 15}).status_code == 302
    assert TimeEntry.objects.filter(member=contributor).count() == 2


def test_a_client_viewer_records_nothing(world: World) -> None:
    client = client_for(world.member(Role.CLIENT))
    assert client.get(URL).status_code == 403
    assert client.post(URL + "timer/start/", {"activity": "writing"}).status_code == 403
    assert not RunningTimer.objects.exists()
    page = client.get("/o/bakkerij-alice/meten/").content.decode()
    assert 'id="time-return"' in page and 'id="timer"' not in page


def test_members_see_and_change_only_their_own_entries(world: World) -> None:
    alices = entry_of(world, world.alice, 45)
    bobs = entry_of(world, world.bob, 20)
    bob = client_for(world.bob)
    page = bob.get(URL + "?van=2026-03-01&tot=2026-03-31").content.decode()
    assert f"/tijd/{bobs.pk}/" in page and f"/tijd/{alices.pk}/" not in page
    assert bob.get(f"{URL}{alices.pk}/").status_code == 404
    assert bob.post(f"{URL}{alices.pk}/verwijderen/").status_code == 404
    assert TimeEntry.objects.filter(pk=alices.pk).exists()
    change = {"activity": "answering", "day": "2026-03-02", "minutes": "25", "note": ""}
    assert bob.post(f"{URL}{bobs.pk}/", change).status_code == 302
    bobs.refresh_from_db()
    assert (bobs.activity, bobs.minutes) == ("answering", 25)


def test_managers_see_and_correct_everyones_time(world: World) -> None:
    bobs = entry_of(world, world.bob, 20)
    manager = client_for(world.member(Role.MANAGER))
    page = manager.get(URL + "?van=2026-03-01&tot=2026-03-31").content.decode()
    assert "Everyone's time" in page
    assert 'data-label="Member">Bob</td>' in page
    assert manager.post(f"{URL}{bobs.pk}/verwijderen/").status_code == 302
    assert not TimeEntry.objects.exists()


def test_only_owners_and_managers_set_the_money(world: World) -> None:
    editor = client_for(world.bob)
    assert editor.get(COSTS).status_code == 403
    spend = {"start": "2026-03-01", "end": "2026-03-31", "amount": "120.50", "network": "facebook"}
    assert editor.post(COSTS + "reclame/", spend).status_code == 403
    assert not AdSpend.objects.exists()
    owner = client_for(world.alice)
    assert owner.post(COSTS + "reclame/", spend).status_code == 302
    assert AdSpend.objects.get().amount == Decimal("120.50")
    values = {"value_per_lead": "75", "value_per_click": "0.40", "minutes_per_post": "25",
              "minutes_per_reply": "4"}  # fmt: skip
    assert owner.post(COSTS, values).status_code == 302
    saved = ReturnSettings.objects.get(organisation=world.org)
    assert (saved.value_per_lead, saved.value_per_click) == (Decimal(75), Decimal("0.40"))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"time.ad_spend_added", "time.values_changed"} <= actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-03-31", "end": "2026-03-01", "amount": "10"},
         "The last day comes on or after the first."),
        ({"start": "2026-03-01", "end": "2026-03-31", "amount": "-5"},
         "Ensure this value is greater than or equal to 0."),
    ],
)  # fmt: skip
def test_wrong_ad_spend_is_refused_with_a_message(
    world: World, data: dict[str, str], message: str
) -> None:
    response = client_for(world.alice).post(COSTS + "reclame/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AdSpend.objects.exists()


def test_a_day_to_come_and_a_wrong_time_are_refused(world: World) -> None:
    client = client_for(world.alice)
    response = client.post(URL, {"activity": "writing", "day": "2999-01-01", "minutes": "1:75"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "That day has not come yet." in page
    assert "Enter minutes, such as 45, or hours and minutes, such as 1:30." in page
    assert not TimeEntry.objects.exists()
