"""The evaluation reminder goes out once per date, in each member's language, to those who change
the plan; the plan page and the dashboard say when the review is due."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from klankbord.accounts.models import User
from klankbord.orgs.models import Membership, Role
from klankbord.strategy import services
from klankbord.strategy.models import Plan
from klankbord.strategy.reminders import review_claim, send_review_reminders
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World, make_member

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"
SCHEDULE = f"{BASE}evaluatie/planning/"
DUE = date(2027, 3, 31)


@pytest.fixture
def plan(world: World, alice: Membership) -> Plan:
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False):
        steps = bakery_plan()
        # The KPIs first: the first save plans the evaluation.
        for key in ["kpis", *(key for key in steps if key != "kpis")]:
            services.plan_step_save(organisation=world.org, key=key, data=steps[key], by=alice)
    return Plan.objects.get(organisation=world.org)


def remind_at(moment: datetime, capture: Any) -> int:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_review_reminders()


def test_the_first_save_plans_the_evaluation_on_the_earliest_kpi_date(plan: Plan) -> None:
    assert plan.next_review_on == DUE  # the bakery's KPI is evaluated on 31 March
    assert plan.review_reminded_for is None


def test_without_a_kpi_date_the_evaluation_is_a_rhythm_from_today(
    world: World, alice: Membership
) -> None:
    with time_machine.travel(datetime(2027, 1, 31, 9, 0, tzinfo=UTC), tick=False):
        saved = services.plan_step_save(
            organisation=world.org, key="goals", data={"goals": ["leads"]}, by=alice
        )
    assert saved.next_review_on == date(2027, 4, 30)  # three months, the 31st clamped


def test_a_kpi_to_evaluate_earlier_brings_the_evaluation_forward(
    world: World, alice: Membership
) -> None:
    steps = bakery_plan()
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False):
        services.plan_step_save(organisation=world.org, key="goals", data=steps["goals"], by=alice)
        assert Plan.objects.get().next_review_on == date(2027, 4, 10)
        steps["kpis"]["kpis"][0]["evaluate_on"] = "2027-02-28"
        saved = services.plan_step_save(
            organisation=world.org, key="kpis", data=steps["kpis"], by=alice
        )
    assert saved.next_review_on == date(2027, 2, 28)


def test_no_reminder_before_the_date(plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    # 30 March 23:30 in Brussels is still the day before.
    assert (
        remind_at(datetime(2027, 3, 30, 21, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
        == 0
    )
    assert mail.outbox == []


def test_the_reminder_goes_out_once_on_the_local_date(
    world: World, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    # 31 March 00:30 in Brussels, while it is still 30 March in UTC.
    moment = datetime(2027, 3, 30, 22, 30, tzinfo=UTC)
    assert remind_at(moment, django_capture_on_commit_callbacks) == 2
    assert remind_at(moment, django_capture_on_commit_callbacks) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [world.alice.email, world.bob.email]
    assert Plan.objects.get().review_reminded_for == DUE
    assert "http://127.0.0.1:8000/o/bakkerij-alice/plan/evaluatie/" in mail.outbox[0].body


def test_two_processes_claim_the_same_date_and_only_one_wins(plan: Plan) -> None:
    assert review_claim(plan.pk, DUE) is True
    assert review_claim(plan.pk, DUE) is False


def test_a_claim_for_a_date_that_changed_meanwhile_fails(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(next_review_on=date(2027, 6, 30))
    assert review_claim(plan.pk, DUE) is False


def test_only_owners_managers_and_editors_hear_it(
    world: World, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    manager = world.member(Role.MANAGER)
    world.member(Role.CONTRIBUTOR)
    world.member(Role.CLIENT)
    make_member(world.other_org, "other@garage.test", Role.EDITOR)
    remind_at(datetime(2027, 4, 1, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.alice.email, world.bob.email, manager.email]
    )


def test_each_member_reads_it_in_their_own_language(
    world: World, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    world.alice.language = "nl-be"
    world.alice.save()
    remind_at(datetime(2027, 4, 1, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address[world.bob.email]
    assert english.subject == "Bakkerij Alice: time to evaluate your social media plan"
    assert "(planned for March 31, 2027)" in english.body
    assert "31 maart 2027" in by_address[world.alice.email].body


def test_a_new_date_after_the_review_arms_the_reminder_again(
    world: World, alice: Membership, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    remind_at(datetime(2027, 4, 1, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2027, 4, 2, 8, 0, tzinfo=UTC), tick=False):
        services.plan_review_save(plan=plan, by=alice, record={"kpis": [], "notes": "Goed"})
    plan.refresh_from_db()
    assert plan.next_review_on == date(2027, 7, 2)
    mail.outbox.clear()
    assert (
        remind_at(datetime(2027, 7, 1, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks) == 0
    )
    assert (
        remind_at(datetime(2027, 7, 2, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks) == 2
    )


def client_at(moment: datetime, user: User) -> Client:
    """A client logged in at that moment, so its session has not expired there."""
    client = Client()
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
    return client


def test_the_plan_page_and_the_dashboard_say_when_the_review_is_due(
    world: World, plan: Plan
) -> None:
    alice = client_at(datetime(2027, 3, 30, 8, 0, tzinfo=UTC), world.alice)
    with time_machine.travel(datetime(2027, 3, 30, 8, 0, tzinfo=UTC), tick=False):
        page = alice.get(BASE).content.decode()
        assert "Next evaluation: March 31, 2027, then every 3 months." in page
        assert 'id="review-due"' not in page
        assert 'id="plan-review-due"' not in alice.get("/o/bakkerij-alice/").content.decode()
    with time_machine.travel(datetime(2027, 3, 31, 8, 0, tzinfo=UTC), tick=False):
        page = alice.get(BASE).content.decode()
        assert 'id="review-due"' in page
        assert f'href="{BASE}evaluatie/"' in page
        dashboard = alice.get("/o/bakkerij-alice/").content.decode()
        assert 'id="plan-review-due"' in dashboard


def test_an_editor_plans_the_evaluation(world: World, plan: Plan) -> None:
    moment = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    bob = client_at(moment, world.bob)
    with time_machine.travel(moment, tick=False):
        response = bob.post(SCHEDULE, {"every_months": "6", "next_on": "2027-02-15"})
        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.review_every_months, plan.next_review_on) == (6, date(2027, 2, 15))
        page = bob.post(SCHEDULE, {"every_months": "6", "next_on": "2026-12-01"}, follow=True)
        assert "Choose today or a later date." in page.content.decode()
        plan.refresh_from_db()
        assert plan.next_review_on == date(2027, 2, 15)


def test_a_contributor_cannot_plan_the_evaluation(world: World, plan: Plan) -> None:
    contributor = Client()
    contributor.force_login(world.member(Role.CONTRIBUTOR))
    response = contributor.post(SCHEDULE, {"every_months": "1", "next_on": "2030-01-01"})
    assert response.status_code == 403
    assert Plan.objects.get().next_review_on == DUE
