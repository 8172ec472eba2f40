"""The health check flags each gap with a fix and the step that fixes it."""

import pytest
from django.utils import translation

from klankbord.strategy import health, texts
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.strategy.vocabulary import STEPS


def failing(steps: dict) -> dict[str, health.Check]:
    return {check.key: check for check in health.check(steps) if not check.ok}


def test_a_complete_plan_is_healthy() -> None:
    assert failing(bakery_plan()) == {}


def test_an_empty_plan_is_flagged_for_what_it_lacks_but_not_for_channels_it_lacks() -> None:
    flagged = set(failing({}))
    assert flagged == {"goal", "measurable_kpi", "time_budget", "visuals", "answerer",
                       "evaluation_date"}  # fmt: skip


def test_it_flags_a_plan_without_a_goal() -> None:
    plan = bakery_plan()
    plan["goals"]["goals"] = []
    assert failing(plan).keys() == {"goal"}
    assert failing(plan)["goal"].step == STEPS.index("goals") + 1


def test_it_flags_kpis_without_indicator_target_or_period() -> None:
    plan = bakery_plan()
    plan["kpis"]["kpis"][0]["target"] = None
    plan["kpis"]["kpis"][1]["period"] = ""
    assert failing(plan).keys() == {"measurable_kpi"}
    assert failing(plan)["measurable_kpi"].step == 8


def test_it_flags_a_plan_without_time() -> None:
    plan = bakery_plan()
    plan["budget"]["hours_per_week"] = None
    assert failing(plan) == {}  # the self-check's hours still count
    plan["goals"]["hours_per_week"] = 0
    assert failing(plan).keys() == {"time_budget"}
    assert failing(plan)["time_budget"].step == 7


def test_it_flags_a_channel_none_of_the_audiences_uses() -> None:
    plan = bakery_plan()
    plan["channels"]["networks"].append("linkedin")
    found = failing(plan)
    assert found.keys() == {"channel_audience"}
    assert found["channel_audience"].details == ("linkedin",)
    assert found["channel_audience"].step == 4


def test_a_channel_the_audience_is_said_to_use_is_fine() -> None:
    plan = bakery_plan()
    plan["channels"]["networks"].append("linkedin")
    plan["audiences"]["audiences"][0]["networks"] = ["linkedin"]
    assert failing(plan) == {}


def test_it_flags_only_promotional_content() -> None:
    plan = bakery_plan()
    plan["content"]["pillars"] = [
        {"name": "Aanbod", "kind": "promotion", "share": 70, "examples": ""},
        {"name": "Acties", "kind": "promotion", "share": 30, "examples": ""},
    ]
    assert failing(plan).keys() == {"not_only_promotion"}
    assert failing(plan)["not_only_promotion"].step == 5


def test_it_flags_a_plan_without_visuals() -> None:
    plan = bakery_plan()
    plan["content"]["visual_style"] = ""
    plan["content"]["formats"] = {"facebook": ["text", "link"]}
    assert failing(plan).keys() == {"visuals"}
    plan["content"]["formats"]["pinterest"] = ["photo"]  # not a chosen channel
    assert failing(plan).keys() == {"visuals"}
    plan["content"]["formats"]["facebook"].append("carousel")
    assert failing(plan) == {}


def test_it_flags_a_plan_where_nobody_answers() -> None:
    plan = bakery_plan()
    plan["rhythm"]["who_answers"] = ""
    assert failing(plan).keys() == {"answerer"}
    assert failing(plan)["answerer"].step == 6


def test_it_flags_a_plan_without_an_evaluation_date() -> None:
    plan = bakery_plan()
    plan["kpis"]["kpis"][0]["evaluate_on"] = ""
    assert failing(plan).keys() == {"evaluation_date"}
    assert failing(plan)["evaluation_date"].step == 8


@pytest.mark.parametrize("check", health.CHECKS)
def test_every_check_has_a_label_and_a_one_line_fix(check: object) -> None:
    key = check({}, health.recommend.Business()).key  # type: ignore[operator]
    label, fix = texts.HEALTH[key]
    with translation.override("en"):
        assert str(label) and str(fix).endswith(".")
        assert "\n" not in str(fix)
