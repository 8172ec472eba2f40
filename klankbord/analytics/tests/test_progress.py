"""KPI targets from the plan meet the figures: achieved, on track, behind, by hand, no target."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from klankbord.analytics.selectors import (
    ResponseFigures,
    kpi_progress,
    monthly_cost,
    period_of,
    response_actuals,
    rhythm_actuals,
    utc_range,
)
from klankbord.analytics.tests.figures import item, kpi, plan_with_kpis, published
from klankbord.test import World

pytestmark = pytest.mark.django_db
MID_MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def statuses(world: World, on: date) -> list[str]:
    return [found.status for found in kpi_progress(world.org, on=on)]


def test_no_plan_means_no_kpis(world: World) -> None:
    assert kpi_progress(world.org, on=date(2026, 3, 15)) == []


def test_a_count_reached_is_achieved(world: World) -> None:
    plan_with_kpis(world.org, kpi("posts_published", target=2))
    published(world.org, MID_MARCH)
    published(world.org, MID_MARCH)
    [found] = kpi_progress(world.org, on=date(2026, 3, 15))
    assert (found.status, found.actual, found.target) == ("achieved", 2, 2)
    assert (found.period_start, found.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert found.percent == 100


def test_a_count_is_on_track_when_it_keeps_pace_with_the_days_gone_by(world: World) -> None:
    plan_with_kpis(world.org, kpi("posts_published", target=31))
    for _n in range(10):
        published(world.org, MID_MARCH)
    assert statuses(world, date(2026, 3, 10)) == ["on_track"]  # 10 of 31 after 10 of 31 days
    assert statuses(world, date(2026, 3, 11)) == ["behind"]


def test_a_percentage_is_compared_as_it_stands(world: World) -> None:
    plan_with_kpis(world.org, kpi("answered_in_time", target=80))
    item(world.org, MID_MARCH, answered_after=timedelta(hours=1))
    item(world.org, MID_MARCH, answered_after=timedelta(hours=5))
    [found] = kpi_progress(world.org, on=date(2026, 3, 1))
    assert (found.status, found.actual) == ("behind", 50.0)


def test_lower_is_better_for_the_response_time(world: World) -> None:
    plan_with_kpis(world.org, kpi("first_response_minutes", target=60))
    item(world.org, MID_MARCH, answered_after=timedelta(hours=1), working_minutes=45)
    assert statuses(world, date(2026, 3, 20)) == ["achieved"]


def test_a_kpi_without_a_metric_is_entered_by_hand(world: World) -> None:
    plan_with_kpis(world.org, kpi("", target=500), kpi("followers_nonsense", target=5))
    found = kpi_progress(world.org, on=date(2026, 3, 20))
    assert [p.status for p in found] == ["manual", "manual"]
    assert [p.metric for p in found] == [None, None]


def test_a_kpi_without_a_target_says_so(world: World) -> None:
    plan_with_kpis(world.org, kpi("leads", target=None))
    item(world.org, MID_MARCH, is_lead=True)
    [found] = kpi_progress(world.org, on=date(2026, 3, 20))
    assert (found.status, found.actual) == ("no_target", 1)


def test_a_quarter_runs_over_three_months(world: World) -> None:
    plan_with_kpis(world.org, kpi("posts_published", target=5, period="quarter"))
    published(world.org, datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    published(world.org, MID_MARCH)
    [found] = kpi_progress(world.org, on=date(2026, 2, 14))
    assert (found.period_start, found.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert found.actual == 2
    assert period_of("quarter", date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_of("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_post_late_on_the_last_local_day_counts_in_that_month(world: World) -> None:
    assert world.org.timezone == "Europe/Brussels"
    plan_with_kpis(world.org, kpi("posts_published", target=1))
    # 23:30 on 31 March in Brussels (summer time) is 21:30 UTC; 00:30 on 1 April is 22:30 UTC.
    published(world.org, datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    published(world.org, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    [march] = kpi_progress(world.org, on=date(2026, 3, 31))
    [april] = kpi_progress(world.org, on=date(2026, 4, 1))
    assert (march.actual, april.actual) == (1, 1)
    start, end = utc_range(world.org, date(2026, 1, 1), date(2026, 1, 31))
    assert (start.utcoffset(), end - start) == (timedelta(hours=1), timedelta(days=31))


def test_rhythm_actuals_are_posts_per_week_per_network(world: World) -> None:
    for day in range(0, 28, 7):
        published(world.org, datetime(2026, 3, 2 + day, 10, 0, tzinfo=UTC), network="instagram")
        published(world.org, datetime(2026, 3, 2 + day, 11, 0, tzinfo=UTC), network="instagram")
    published(world.org, datetime(2026, 3, 3, 10, 0, tzinfo=UTC), network="facebook")
    published(world.other_org, datetime(2026, 3, 3, 10, 0, tzinfo=UTC), network="linkedin")
    found = rhythm_actuals(world.org, date(2026, 3, 2), date(2026, 3, 29))
    assert found == {"instagram": 2.0, "facebook": 0.2}


def test_response_actuals_count_answers_in_time_and_the_median(world: World) -> None:
    item(world.org, MID_MARCH, answered_after=timedelta(hours=1))
    item(world.org, MID_MARCH, answered_after=timedelta(hours=3))
    item(world.org, MID_MARCH)
    item(world.other_org, MID_MARCH, answered_after=timedelta(hours=1))
    found = response_actuals(world.org, date(2026, 3, 1), date(2026, 3, 31))
    assert found == ResponseFigures(answered=2, in_time=1, median_minutes=120.0)


def test_monthly_cost_comes_from_the_budget(world: World) -> None:
    assert monthly_cost(world.org) is None
    plan_with_kpis(world.org)
    # 4 h * € 40 * 52/12 weeks + € 100 ads + € 15 tools
    assert monthly_cost(world.org) == Decimal("808.33")
