"""Each step of the wizard saves what is filled in, even half, and says clearly what is wrong."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from klankbord.orgs.models import AuditEvent
from klankbord.strategy.models import Plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"


def step_url(number: int) -> str:
    return f"{BASE}stap/{number}/"


def rows(prefix: str, *items: dict[str, Any]) -> dict[str, Any]:
    """A formset as the browser posts it."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(items),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 12,
    }
    for number, item in enumerate(items):
        data.update({f"{prefix}-{number}-{key}": value for key, value in item.items()})
    return data


def save(client: Client, number: int, data: dict[str, Any], action: str = "save") -> Any:
    with translation.override("en"):
        return client.post(step_url(number), {**data, "action": action})


def plan(world: World) -> Plan:
    return Plan.objects.get(organisation=world.org)


def choose_channels(client: Client, *networks: str) -> None:
    assert save(client, 4, {"networks": list(networks)}).status_code == 302


# --- the wizard --------------------------------------------------------------------------------


def test_the_overview_shows_eight_steps_and_the_health_check(alice_client: Client) -> None:
    page = alice_client.get(BASE).content.decode()
    for title in ["Goals and self-check", "Audiences", "Positioning and tone", "Channels",
                  "Content", "Rhythm and roles", "Budget", "Measuring (KPIs)"]:  # fmt: skip
        assert title in page
    assert 'id="plan-health"' in page
    assert "2 of 8 in order." in page  # no channels and no content cannot be wrong yet
    assert not Plan.objects.exists()  # looking stores nothing


def test_a_step_explains_itself_with_examples(alice_client: Client) -> None:
    page = alice_client.get(step_url(2)).content.decode()
    assert "Step 2" in page and "Who do you want to reach?" in page
    assert "Young families in Leuven" in page


def test_save_and_next_goes_on_save_stays_and_back_returns(alice_client: Client) -> None:
    assert save(alice_client, 1, {}, "next")["Location"] == step_url(2)
    assert save(alice_client, 3, {}, "save")["Location"] == step_url(3)
    assert save(alice_client, 3, {}, "previous")["Location"] == step_url(2)
    assert save(alice_client, 8, rows("kpis"), "next")["Location"] == BASE
    assert save(alice_client, 1, {}, "previous")["Location"] == BASE


def test_a_step_out_of_range_is_not_found(alice_client: Client) -> None:
    assert alice_client.get(step_url(0)).status_code == 404
    assert alice_client.get(step_url(9)).status_code == 404


def test_a_saved_step_is_recorded_in_the_audit_log(world: World, alice_client: Client) -> None:
    save(alice_client, 1, {"goals": ["leads"]})
    event = AuditEvent.objects.get(action="plan.step_saved")
    assert event.target == "goals" and event.actor == world.alice


# --- 1. goals and self-check -------------------------------------------------------------------


def test_goals_save_half_done(world: World, alice_client: Client) -> None:
    response = save(alice_client, 1, {"goals": ["leads", "awareness"]})
    assert response.status_code == 302
    goals = plan(world).goals
    assert goals["goals"] == ["awareness", "leads"]
    assert goals["hours_per_week"] is None and goals["who"] == ""
    overview = alice_client.get(BASE).content.decode()
    assert "mark your main goal" in overview and "started" in overview


def test_goals_refuse_a_main_goal_that_was_not_ticked(world: World, alice_client: Client) -> None:
    response = save(alice_client, 1, {"goals": ["leads"], "primary": "recruitment"})
    assert response.status_code == 422
    assert "Your main goal must be one of the goals you ticked." in response.content.decode()
    assert not Plan.objects.exists()


def test_goals_refuse_hours_that_are_not_a_number_and_keep_what_was_stored(
    world: World, alice_client: Client
) -> None:
    save(alice_client, 1, {"goals": ["leads"], "hours_per_week": "4"})
    response = save(alice_client, 1, {"goals": ["service"], "hours_per_week": "a few"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Enter a number, such as 2 or 2.5." in page
    assert "nothing was saved yet" in page
    assert plan(world).goals["goals"] == ["leads"]
    response = save(alice_client, 1, {"hours_per_week": "100"})
    assert "Enter 80 or less." in response.content.decode()


def test_hours_are_read_with_a_decimal_comma_in_dutch(world: World, alice_client: Client) -> None:
    world.alice.language = "nl-be"
    world.alice.save()
    alice_client.post(step_url(1), {"hours_per_week": "2,5", "action": "save"})
    assert plan(world).goals["hours_per_week"] == 2.5


def test_the_self_check_compares_the_hours_with_what_the_rhythm_needs(
    world: World, alice_client: Client
) -> None:
    save(alice_client, 1, {"goals": ["awareness"], "primary": "awareness", "hours_per_week": "2",
                           "who": "Bob", "mode": "in_house", "internal_rate": "40"})  # fmt: skip
    page = alice_client.get(step_url(1)).content.decode()
    assert "Choose channels and a rhythm" in page
    choose_channels(alice_client, "instagram", "facebook")
    save(alice_client, 6, {"per_week_instagram": "3", "per_week_facebook": "2", "who_posts": "Bob"})
    page = alice_client.get(step_url(1)).content.decode()
    assert "Not like this" in page
    assert "You have 2 hours a week; your channels and rhythm need about 5.5." in page
    assert "That time costs about € 347 a month." in page


# --- 2. audiences ------------------------------------------------------------------------------


def test_audiences_save_one_row_at_a_time(world: World, alice_client: Client) -> None:
    response = save(alice_client, 2, rows("audiences", {"name": "Gezinnen", "kind": "b2c"}, {}))
    assert response.status_code == 302
    audiences = plan(world).audiences["audiences"]
    assert [a["name"] for a in audiences] == ["Gezinnen"]
    assert audiences[0]["age_from"] is None and audiences[0]["networks"] == []
    page = alice_client.get(step_url(2)).content.decode()
    assert 'value="Gezinnen"' in page
    assert 'name="audiences-1-name"' in page  # room for one more


def test_audiences_refuse_an_age_range_upside_down(world: World, alice_client: Client) -> None:
    data = rows("audiences", {"name": "Jongeren", "age_from": "30", "age_to": "18"})
    response = save(alice_client, 2, data)
    assert response.status_code == 422
    assert "The oldest age must not be below the youngest." in response.content.decode()


def test_an_audience_can_be_removed(world: World, alice_client: Client) -> None:
    save(alice_client, 2, rows("audiences", {"name": "A"}, {"name": "B"}))
    save(alice_client, 2, rows("audiences", {"name": "A", "DELETE": "on"}, {"name": "B"}))
    assert [a["name"] for a in plan(world).audiences["audiences"]] == ["B"]


# --- 3. positioning ----------------------------------------------------------------------------


def test_positioning_saves_half_done_and_keeps_the_tone(world: World, alice_client: Client) -> None:
    save(alice_client, 3, {"difference": "Zuurdesem", "address": "je"})
    positioning = plan(world).positioning
    assert positioning["difference"] == "Zuurdesem" and positioning["address"] == "je"
    assert positioning["register"] == "" and positioning["visual"] is False
    response = save(alice_client, 3, {"address": "jij"})
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()


# --- 4. channels -------------------------------------------------------------------------------


def test_channels_show_advice_per_audience_with_sources(world: World, alice_client: Client) -> None:
    families = {"name": "Gezinnen in Leuven", "kind": "b2c", "area": "local", "age_from": "25",
                "age_to": "60"}  # fmt: skip
    save(alice_client, 2, rows("audiences", families))
    save(alice_client, 3, {"visual": "on"})
    page = alice_client.get(step_url(4)).content.decode()
    assert 'data-network="facebook"' in page and 'data-network="instagram"' in page
    assert "imec.digimeter 2023" in page and "69 % of people in Flanders aged 16+" in page
    assert "Google Business Profile" in page
    choose_channels(alice_client, "instagram")
    assert plan(world).channels["networks"] == ["instagram"]
    response = save(alice_client, 4, {"networks": ["instagram", "myspace"]})
    assert response.status_code == 422
    assert "Select a valid choice. myspace is not one of the available choices." in (
        response.content.decode()
    )
    assert plan(world).channels["networks"] == ["instagram"]


# --- 5. content --------------------------------------------------------------------------------


def test_content_saves_pillars_and_formats_per_chosen_channel(
    world: World, alice_client: Client
) -> None:
    choose_channels(alice_client, "instagram")
    assert 'name="formats_instagram"' in alice_client.get(step_url(5)).content.decode()
    data = rows(
        "pillars",
        {"name": "Achter de schermen", "kind": "behind_the_scenes", "share": "60"},
        {"name": "Aanbod", "kind": "promotion", "share": "40"},
    )
    save(alice_client, 5, {**data, "formats_instagram": ["photo", "short_video"]})
    content = plan(world).content
    assert [p["share"] for p in content["pillars"]] == [60, 40]
    assert content["formats"] == {"instagram": ["photo", "short_video"]}
    page = alice_client.get(step_url(5)).content.decode()
    assert "Offers and promotion take 40 % of your posts; keep them to 30 % at most" in page


def test_content_warns_when_the_shares_do_not_add_up(world: World, alice_client: Client) -> None:
    save(alice_client, 5, rows("pillars", {"name": "Tips", "kind": "inform", "share": "50"}))
    page = alice_client.get(step_url(5)).content.decode()
    assert "The shares add up to 50 %, not 100 %." in page


def test_content_refuses_a_share_of_nothing_or_over_everything(alice_client: Client) -> None:
    response = save(alice_client, 5, rows("pillars", {"name": "Tips", "share": "0"}))
    assert "A share of 0 % means no posts: remove the pillar." in response.content.decode()
    response = save(alice_client, 5, rows("pillars", {"name": "Tips", "share": "120"}))
    assert response.status_code == 422
    assert "Enter 100 or less." in response.content.decode()


# --- 6. rhythm ---------------------------------------------------------------------------------


def test_rhythm_asks_for_channels_first(alice_client: Client) -> None:
    page = alice_client.get(step_url(6)).content.decode()
    assert "Choose your channels in step 4 first" in page


def test_rhythm_saves_posts_per_week_per_channel(world: World, alice_client: Client) -> None:
    choose_channels(alice_client, "instagram", "linkedin")
    save(alice_client, 6, {"per_week_instagram": "3", "moments_instagram": "di 12:00"})
    rhythm = plan(world).rhythm
    assert rhythm["posts_per_week"] == {"instagram": 3}
    assert rhythm["best_moments"] == {"instagram": "di 12:00"}
    overview = alice_client.get(BASE).content.decode()
    assert "posts per week for every chosen channel" in overview


def test_rhythm_refuses_impossible_frequencies(alice_client: Client) -> None:
    choose_channels(alice_client, "instagram")
    response = save(alice_client, 6, {"per_week_instagram": "0.1"})
    assert "Enter 0.25 or more." in response.content.decode()
    response = save(alice_client, 6, {"response_minutes": "2"})
    assert response.status_code == 422
    assert "Enter 5 or more." in response.content.decode()


# --- 7. budget ---------------------------------------------------------------------------------


def test_budget_starts_from_the_self_check_and_adds_up_a_month(
    world: World, alice_client: Client
) -> None:
    save(alice_client, 1, {"hours_per_week": "4", "internal_rate": "40"})
    page = alice_client.get(step_url(7)).content.decode()
    assert 'name="hourly_cost" value="40"' in page
    save(alice_client, 7, {"hours_per_week": "4", "hourly_cost": "40", "ad_spend": "100",
                           "tools_cost": "15", "tools": "Canva"})  # fmt: skip
    assert plan(world).budget["ad_spend"] == 100
    page = alice_client.get(step_url(7)).content.decode()
    assert "€ 808.33" in page


def test_budget_refuses_negative_amounts(alice_client: Client) -> None:
    response = save(alice_client, 7, {"ad_spend": "-5"})
    assert response.status_code == 422
    assert "Enter 0 or more." in response.content.decode()


# --- 8. KPIs -----------------------------------------------------------------------------------


def test_kpis_save_per_goal_with_an_evaluation_date(world: World, alice_client: Client) -> None:
    save(alice_client, 1, {"goals": ["leads"], "primary": "leads"})
    page = alice_client.get(step_url(8)).content.decode()
    assert "contact requests, quotes asked" in page  # indicators that fit the goal
    data = rows("kpis", {"goal": "leads", "indicator": "contactaanvragen", "target": "6",
                         "period": "quarter", "evaluate_on": "2027-03-31"})  # fmt: skip
    assert save(alice_client, 8, data).status_code == 302
    assert plan(world).kpis["kpis"] == [
        {"goal": "leads", "indicator": "contactaanvragen", "target": 6, "period": "quarter",
         "metric": "", "evaluate_on": "2027-03-31"}
    ]  # fmt: skip
    assert "complete" in alice_client.get(BASE).content.decode()


def test_kpis_refuse_a_target_without_an_indicator_and_a_goal_not_in_the_plan(
    world: World, alice_client: Client
) -> None:
    save(alice_client, 1, {"goals": ["leads"]})
    response = save(alice_client, 8, rows("kpis", {"target": "6"}))
    assert "Say what the target counts" in response.content.decode()
    response = save(alice_client, 8, rows("kpis", {"goal": "recruitment", "indicator": "x"}))
    assert response.status_code == 422
    response = save(alice_client, 8, rows("kpis", {"indicator": "x", "evaluate_on": "31/03"}))
    assert "Enter a date, such as 2026-03-31." in response.content.decode()


def test_the_dashboard_shows_how_far_the_plan_is(world: World, alice_client: Client) -> None:
    dashboard = "/o/bakkerij-alice/"
    assert "Start the plan" in alice_client.get(dashboard).content.decode()
    save(alice_client, 1, {"goals": ["leads"], "primary": "leads", "hours_per_week": "3",
                           "who": "Alice"})  # fmt: skip
    page = alice_client.get(dashboard).content.decode()
    assert "1 of 8 steps complete." in page
    assert "4 points of the health check to fix." in page  # KPI, visuals, answerer, date
