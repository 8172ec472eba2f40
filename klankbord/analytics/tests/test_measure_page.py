"""The Measure page: the plan's KPI targets, rhythm, response time and cost, for every member."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from klankbord.analytics.tests.figures import item, kpi, plan_with_kpis, published
from klankbord.orgs.models import Role
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.test_steps import rows, save
from klankbord.test import World

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/meten/"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def page(client: Client) -> str:
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_plan_the_page_points_to_the_plan(alice_client: Client) -> None:
    shown = page(alice_client)
    assert 'id="measure-no-plan"' in shown
    assert 'href="/o/bakkerij-alice/plan/"' in shown


def test_kpi_targets_reach_measure(world: World, alice_client: Client) -> None:
    save(alice_client, 1, {"goals": ["leads"], "primary": "leads"})
    data = rows("kpis", {"goal": "leads", "indicator": "contactaanvragen", "target": "4",
                         "period": "month", "metric": "leads"})  # fmt: skip
    assert save(alice_client, 8, data).status_code == 302
    assert Plan.objects.get(organisation=world.org).kpis["kpis"][0]["metric"] == "leads"
    item(world.org, NOW - timedelta(days=2), is_lead=True)
    item(world.other_org, NOW - timedelta(days=2), is_lead=True)
    shown = page(alice_client)
    assert "contactaanvragen" in shown
    assert "Leads from social media" in shown
    assert '<progress max="100" value="25"' in shown  # 1 of 4
    assert "Behind" in shown  # 1 lead after 10 of 31 days is under 4 * 10/31


def test_an_unknown_metric_is_refused_with_a_clear_message(alice_client: Client) -> None:
    data = rows("kpis", {"goal": "leads", "indicator": "x", "target": "4", "period": "month",
                         "metric": "followers"})  # fmt: skip
    response = save(alice_client, 8, data)
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()


def test_the_page_shows_rhythm_response_and_cost(world: World, alice_client: Client) -> None:
    plan_with_kpis(world.org, kpi("", target=500))
    for days in range(1, 28, 7):
        published(world.org, NOW - timedelta(days=days), network="instagram")
    item(world.org, NOW - timedelta(days=1), answered_after=timedelta(hours=1), is_lead=True)
    shown = page(alice_client)
    assert 'id="measure-rhythm"' in shown
    assert "Instagram" in shown and "Facebook" in shown
    assert "you enter it at the review" in shown
    assert "Target: answer within 120 working minutes." in shown
    assert "1 of 1 answered messages were answered in time" in shown
    # € 808.33 a month; 10 of 31 days gone: € 260.75 for 2 posts (in March) and 1 lead.
    assert "€ 808.33 a month" in shown and "€ 260.75" in shown
    assert "€ 130.38 per post" in shown and "€ 260.75 per lead" in shown


def test_the_page_escapes_what_the_plan_says(world: World, alice_client: Client) -> None:
    row = kpi("", target=1)
    row["indicator"] = "<script>alert(1)</script>"
    plan_with_kpis(world.org, row)
    shown = page(alice_client)
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;" in shown


def test_it_stays_a_handful_of_queries(
    world: World, alice_client: Client, django_assert_max_num_queries
) -> None:
    plan_with_kpis(world.org, *[kpi(key) for key in ("posts_published", "leads", "mentions")])
    page(alice_client)  # warm: the inbox settings row is made on first use
    # About eight for the session, the layout and the plan; one per KPI; eight for the rest.
    with django_assert_max_num_queries(22):
        page(alice_client)


def test_every_member_reads_it_and_outsiders_get_404(world: World, charlie_client: Client) -> None:
    plan_with_kpis(world.org, kpi("posts_published"))
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    assert "KPIs this period" in page(client)
    assert charlie_client.get(URL).status_code == 404


def test_the_dashboard_card_counts_kpi_statuses(world: World, alice_client: Client) -> None:
    plan = plan_with_kpis(world.org, kpi("posts_published", target=1), kpi("", target=3))
    Plan.objects.filter(pk=plan.pk).update(next_review_on=date(2026, 6, 1))
    published(world.org, NOW - timedelta(days=1), network="mastodon")
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        shown = alice_client.get("/o/bakkerij-alice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="measure-card"' in shown
    assert "1 KPI achieved" in shown and "1 KPI to enter at the review" in shown
    assert "Next evaluation: 1 June 2026" in shown
