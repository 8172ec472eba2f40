"""What the answers add up to: complete steps, the self-check, the budget, content warnings."""

from klankbord.strategy import rules
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.strategy.vocabulary import STEPS


def test_every_step_of_the_bakery_plan_is_complete() -> None:
    plan = bakery_plan()
    assert {key: rules.missing(plan, key) for key in STEPS} == {key: [] for key in STEPS}


def test_an_empty_plan_says_what_each_step_still_needs() -> None:
    assert rules.missing({}, "goals") == ["goal", "primary", "hours", "who"]
    assert rules.missing({}, "audiences") == ["audience"]
    assert rules.missing({}, "rhythm") == ["posts_per_week", "who_posts"]
    assert not rules.is_started({}, "goals")


def test_a_rhythm_is_complete_only_with_posts_for_every_chosen_channel() -> None:
    plan = bakery_plan()
    plan["channels"]["networks"].append("linkedin")
    assert rules.missing(plan, "rhythm") == ["posts_per_week"]


def test_kpis_are_complete_when_every_goal_has_a_measurable_one() -> None:
    plan = bakery_plan()
    plan["kpis"]["kpis"].pop()
    assert rules.missing(plan, "kpis") == ["kpi_per_goal"]


def test_the_self_check_says_go_when_the_hours_cover_the_rhythm() -> None:
    plan = bakery_plan()
    # 1 h planning + 2 channels x 1 h community + 5 posts x 30 min = 5.5 h
    assert rules.hours_needed(plan) == 5.5
    plan["goals"]["hours_per_week"] = 6
    assert rules.verdict(plan).code == "go"
    plan["goals"]["hours_per_week"] = 4.5
    assert rules.verdict(plan).code == "tight"
    plan["goals"]["hours_per_week"] = 2
    assert rules.verdict(plan).code == "stop"


def test_videos_take_longer_than_photos() -> None:
    plan = bakery_plan()
    plan["channels"]["networks"] = ["tiktok"]
    plan["rhythm"]["posts_per_week"] = {"tiktok": 3}
    assert rules.hours_needed(plan) == 5.0  # 1 h + 1 h + 3 x 1 h


def test_the_self_check_waits_for_hours_and_a_rhythm() -> None:
    plan = bakery_plan()
    plan["rhythm"]["posts_per_week"] = {}
    assert rules.verdict(plan).code == "no_rhythm"
    plan["goals"]["hours_per_week"] = None
    assert rules.verdict(plan).code == "no_hours"


def test_the_monthly_budget_adds_time_ads_tools_and_help() -> None:
    budget = rules.monthly_budget(bakery_plan())
    assert budget.time == round(4 * 40 * 52 / 12, 2) == 693.33
    assert budget.total == 693.33 + 100 + 15


def test_the_self_check_prices_the_time_at_the_consultants_rate_when_one_does_it() -> None:
    plan = bakery_plan()
    plan["goals"].update(mode="consultant", consultant_rate=75)
    assert rules.self_check_cost(plan) == round(4 * 75 * 52 / 12, 2)


def test_content_warns_about_too_much_promotion_and_shares_that_do_not_add_up() -> None:
    plan = bakery_plan()
    assert rules.content_warnings(plan) == []
    plan["content"]["pillars"][2]["share"] = 45
    codes = {w.code: w.value for w in rules.content_warnings(plan)}
    assert codes == {"too_much_promotion": 45, "shares_not_100": 125}


def test_a_rhythm_sets_how_long_a_channel_may_stay_silent() -> None:
    assert rules.silence_days(3) == 3
    assert rules.silence_days(1) == 7
    assert rules.silence_days(0.5) == 14
    assert rules.silence_days(14) == 1
