"""The return of a period with known numbers: cost (time, ads, the plan's tools and outside help
pro rata) against reactions, clicks and leads, and the plan's budget against what was spent."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import item
from klankbord.publishing.models import ShortLink
from klankbord.publishing.tracking import click_record
from klankbord.test import World
from klankbord.timekeeping import returns
from klankbord.timekeeping.models import AdSpend, ReturnSettings, TimeEntry
from klankbord.timekeeping.selectors import return_figures
from klankbord.timekeeping.tests.helpers import plan_with_budget

# 15 days of March (31 days) and 15 of April (30 days).
START, END = date(2026, 3, 17), date(2026, 4, 15)


def test_a_period_across_two_months_counts_each_day_as_its_months_share() -> None:
    assert returns.month_share(START, END) == Decimal(15) / 31 + Decimal(15) / 30
    assert returns.pro_rata(Decimal(310), START, END) == Decimal("305.00")  # 150 + 155
    assert returns.pro_rata(Decimal(310), date(2026, 3, 1), date(2026, 3, 31)) == Decimal(310)
    assert returns.pro_rata(None, START, END) is None


def test_ad_spend_counts_the_part_that_falls_in_the_period() -> None:
    march = returns.Spend(date(2026, 3, 1), date(2026, 3, 31), Decimal(310))
    april = returns.Spend(date(2026, 4, 1), date(2026, 4, 30), Decimal(300))
    may = returns.Spend(date(2026, 5, 1), date(2026, 5, 31), Decimal(999))
    assert returns.spend_in([march, april, may], START, END) == Decimal("300.00")
    assert returns.spend_in([may], START, END) is None  # nothing recorded: missing, not zero


def test_the_value_and_return_are_unknown_without_values() -> None:
    assert returns.value_of(leads=3, clicks=10, per_lead=None, per_click=None) is None
    value = returns.value_of(leads=3, clicks=None, per_lead=Decimal(50), per_click=Decimal(1))
    assert value == Decimal("150.00")  # clicks not tracked: only the leads count
    assert returns.difference(None, Decimal(10)) is None
    assert returns.per(Decimal(100), 0) is None


def _at(day: int, month: int = 3, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def period(world: World) -> None:
    org = world.org
    plan_with_budget(org, hours_per_week=4, hourly_cost=40, ad_spend=100, tools_cost=31,
                     outside_help=62)  # fmt: skip
    for day, minutes in [
        (date(2026, 3, 20), 90),
        (date(2026, 4, 10), 30),
        (date(2026, 3, 16), 500),
    ]:
        TimeEntry.objects.create(organisation=org, member=world.bob, activity="writing", day=day,
                                 minutes=minutes)  # fmt: skip
    TimeEntry.objects.create(organisation=world.other_org, member=world.charlie,
                             activity="writing", day=date(2026, 3, 20), minutes=600)  # fmt: skip
    AdSpend.objects.create(organisation=org, start=date(2026, 3, 1), end=date(2026, 3, 31),
                           amount=Decimal(310))  # fmt: skip
    AdSpend.objects.create(organisation=world.other_org, start=START, end=END, amount=Decimal(999))
    ReturnSettings.objects.create(organisation=org, value_per_lead=100, value_per_click="0.50")
    # 00:30 in Brussels on 17 March: in the period, although still the 16th in UTC.
    item(org, datetime(2026, 3, 16, 23, 30, tzinfo=UTC), is_lead=True)
    item(org, _at(2, 4), is_lead=True)
    item(org, _at(2, 4))  # not a lead
    item(org, _at(16, 4), is_lead=True)  # after the period
    item(world.other_org, _at(20), is_lead=True)
    result = counted_post(org, _at(20), likes=30, shares=10)
    link = ShortLink.objects.create(
        organisation=org, target=result.target, code="abcd2345",
        url="https://bakkerij.example/", destination="https://bakkerij.example/?utm_source=x",
    )  # fmt: skip
    for day, count in [(date(2026, 3, 18), 5), (END, 3), (date(2026, 4, 16), 100)]:
        for _click in range(count):
            click_record(link=link, day=day)


@time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=UTC), tick=False)
def test_the_return_of_a_period_with_known_numbers(world: World, period: None) -> None:
    found = return_figures(world.org, START, END, plan=world.org.plan)
    assert found.minutes == 120 and found.hours == Decimal("2.00")
    assert found.time_cost == Decimal("80.00")  # 2 hours at € 40
    assert found.ads == Decimal("150.00")  # 15 of March's 31 days of € 310
    assert found.tools == Decimal("30.50")  # € 31 * (15/31 + 15/30)
    assert found.outside_help == Decimal("61.00")  # € 62 * (15/31 + 15/30)
    assert found.cost == Decimal("321.50")
    assert found.missing == []
    assert (found.reactions, found.clicks, found.leads) == (40, 8, 2)
    assert found.value == Decimal("204.00")  # 2 leads * € 100 + 8 clicks * € 0.50
    assert found.result == Decimal("-117.50") and found.shortfall == Decimal("117.50")
    assert found.per_reaction == Decimal("8.04")  # 321.50 / 40
    assert found.per_click == Decimal("40.19")
    assert found.per_lead == Decimal("160.75")


@time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=UTC), tick=False)
def test_the_plans_budget_against_what_was_spent(world: World, period: None) -> None:
    budget = return_figures(world.org, START, END, plan=world.org.plan).budget
    share = Decimal(15) / 31 + Decimal(15) / 30
    hours = 4 * Decimal(str(52 / 12))
    assert budget.planned_hours == (hours * share).quantize(Decimal("0.01")) == Decimal("17.05")
    assert budget.planned_time == Decimal("682.15")  # € 693.33 a month at € 40 an hour
    assert budget.planned_ads == Decimal("98.39")
    assert budget.planned == Decimal("780.54")
    assert budget.spent_hours == Decimal("2.00")
    assert budget.spent == Decimal("230.00")  # € 80 of time and € 150 of ads
    assert budget.over == Decimal("-550.54")


def test_what_is_not_known_is_missing_not_zero(world: World) -> None:
    found = return_figures(world.org, START, END, plan=None)
    assert found.time_cost is None and found.ads is None and found.tools is None
    assert found.cost is None and found.value is None and found.result is None
    assert found.missing == ["time", "ads", "tools", "outside_help"]
    assert found.reactions is None  # no post counted
    assert found.clicks is None  # no link tracked
    assert found.budget.planned is None and found.budget.spent is None


def test_the_rate_of_the_plans_first_step_stands_in_for_the_hourly_cost(world: World) -> None:
    from klankbord.strategy.models import Plan

    plan = Plan.objects.create(
        organisation=world.org, goals={"mode": "consultant", "internal_rate": 30,
                                       "consultant_rate": 75})  # fmt: skip
    TimeEntry.objects.create(organisation=world.org, member=world.alice, activity="planning",
                             day=START, minutes=40)  # fmt: skip
    found = return_figures(world.org, START, END, plan=plan)
    assert found.hourly_cost == Decimal(75)
    assert found.time_cost == Decimal("50.00")
    assert found.missing == ["ads", "tools", "outside_help"]


def test_an_unknown_ad_spend_is_left_out_of_the_budget_comparison(world: World) -> None:
    plan = plan_with_budget(world.org, hours_per_week=1, hourly_cost=30, ad_spend=300)
    TimeEntry.objects.create(organisation=world.org, member=world.alice, activity="planning",
                             day=START, minutes=60)  # fmt: skip
    budget = return_figures(world.org, START, END, plan=plan).budget
    assert budget.planned_ads == Decimal("295.16") and budget.spent_ads is None
    # Time against time only: no ad spend recorded must not look like € 295 saved.
    assert budget.partial
    assert budget.planned == budget.planned_time and budget.spent == Decimal("30.00")
