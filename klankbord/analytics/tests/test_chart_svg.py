"""Measure's charts as SVG: well-formed, named for screen readers, with the figures as a table."""

from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from klankbord.analytics.chart_sets import heat_chart, reactions_chart, response_chart
from klankbord.analytics.charts import MeasureSeries, Series
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import item, kpi, plan_with_kpis
from klankbord.test import World

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = [date(2026, 3, 23), date(2026, 3, 30)]
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def series(**changes: object) -> MeasureSeries:
    grid = [[0] * 24 for _day in range(7)]
    grid[1][9] = 4
    found = {
        "weeks": WEEKS,
        "followers": [Series("Mastodon @bakker", [(WEEKS[0], 10.0), (WEEKS[1], 12.0)])],
        "reactions": [(WEEKS[0], 7.5), (WEEKS[1], None)],
        "reaction_hours": grid,
        "message_hours": grid,
        "published": [(WEEKS[0], 2), (WEEKS[1], 5)],
        "planned": 3.0,
        "response": [(WEEKS[0], 95.5), (WEEKS[1], 30.0)],
        "target_minutes": 60,
    }
    return MeasureSeries(**(found | changes))  # type: ignore[arg-type]


def parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)  # noqa: S314 (our own output)


def test_a_chart_is_well_formed_svg_with_a_title_and_a_description() -> None:
    with translation.override("en"):
        chart = response_chart(series())
    assert chart is not None
    root = parsed(chart.svg)
    assert root.get("role") == "img" and root.get("viewBox") == "0 0 520 240"
    assert root.get("width") == "100%"
    assert root.find(f"{SVG}title").text == "Time to first answer per week"
    assert "target of 60 minutes" in root.find(f"{SVG}desc").text
    labels = [node.text for node in root.iter(f"{SVG}text")]
    assert "Median: 30" in labels and "Target: 60" in labels  # labels at the line ends
    assert root.get("aria-labelledby") == "chart-response-title chart-response-desc"


def test_lines_differ_by_dash_not_only_by_colour() -> None:
    with translation.override("en"):
        chart = response_chart(series())
    lines = [node for node in parsed(chart.svg).iter(f"{SVG}polyline")]
    assert {line.get("stroke-dasharray") for line in lines} >= {None, "3 3"}


def test_numbers_and_days_are_in_the_readers_language() -> None:
    with translation.override("nl"):
        chart = reactions_chart(series())
        hours = heat_chart("reaction_hours", series().reaction_hours, reactions=True)
    assert chart is not None and hours is not None
    labels = [node.text for node in parsed(chart.svg).iter(f"{SVG}text")]
    assert any(label.endswith("7,5") for label in labels)
    assert ["week van 23 Mrt", "7,5"] in chart.rows and ["week van 30 Mrt", "—"] in chart.rows
    assert ["dinsdag", "09:00\u201310:00", "4"] in hours.rows
    assert "di" in [node.text for node in parsed(hours.svg).iter(f"{SVG}text")]


def test_text_in_a_chart_is_escaped() -> None:
    evil = Series("<script>alert(1)</script>", [(WEEKS[0], 1.0)])
    from klankbord.analytics.chart_sets import followers_chart

    chart = followers_chart(series(followers=[evil]), WEEKS[0], WEEKS[0])
    assert chart is not None and "<script>" not in chart.svg
    parsed(chart.svg)


def test_the_partial_shows_the_chart_and_its_table() -> None:
    with translation.override("en"):
        chart = response_chart(series())
        shown = render_to_string("analytics/partials/charts_chart.html", {"chart": chart})
    assert "<details" in shown and "Show as table" in shown
    assert '<th scope="row">week of 23 Mar</th><td>95.5</td><td>60</td>' in shown


def test_a_chart_without_data_is_left_out() -> None:
    empty = series(reactions=[(WEEKS[0], None)], response=[(WEEKS[0], None)])
    assert reactions_chart(empty) is None and response_chart(empty) is None
    assert heat_chart("message_hours", [[0] * 24] * 7, reactions=False) is None


@pytest.mark.django_db
def test_the_measure_page_shows_its_charts(world: World, alice_client: Client) -> None:
    plan_with_kpis(world.org, kpi("posts_published"))
    counted_post(world.org, NOW - timedelta(days=3), likes=4)
    item(world.org, NOW - timedelta(days=2), answered_after=timedelta(minutes=30))
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        shown = alice_client.get("/o/bakkerij-alice/meten/").content.decode()
    for key in ("reactions", "reaction_hours", "message_hours", "published", "response"):
        assert f'id="chart-{key}"' in shown
    assert shown.count('role="img"') >= 5 and "<script" not in shown.split("<main")[-1]


@pytest.mark.django_db
def test_the_dashboard_card_has_sparklines(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=3), likes=4)
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        shown = alice_client.get("/o/bakkerij-alice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="chart-spark_posts-title">Posts published</title>' in shown
    assert "the last 8 weeks: 0, 0, 0, 0, 0, 0, 1, 0." in shown
