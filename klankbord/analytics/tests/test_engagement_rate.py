"""Engagement rate: reactions in percent of views, per post and per channel, and missing (never
0 %) where a network gives no views."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from klankbord.analytics.results import results_summary
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.texts import rate_text
from klankbord.api.tests.conftest import api
from klankbord.core.tests.conftest import translations
from klankbord.test import World

pytestmark = pytest.mark.django_db
__all__ = ["api", "translations"]
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
START, END = date(2026, 2, 9), date(2026, 3, 10)


@pytest.fixture
def posts(world: World) -> None:
    day = NOW - timedelta(days=2)
    counted_post(world.org, day, network="facebook", likes=10, shares=2, views=200)  # 6 %
    counted_post(world.org, day, network="facebook", likes=28, views=300)
    counted_post(world.org, day, network="facebook", likes=50, views=None)  # withheld
    counted_post(world.org, day, network="linkedin", likes=3, views=0)  # seen by nobody yet
    counted_post(world.org, day, network="mastodon", likes=7)  # Mastodon counts no views


def test_a_channels_rate_is_its_reactions_over_the_views_of_posts_with_views(
    world: World, posts: None
) -> None:
    summary = results_summary(world.org, START, END)
    rates = {group.label: group.engagement_rate for group in summary.channels}
    assert rates["Facebook @bakkerij-alice"] == pytest.approx(8.0)  # (12 + 28) / (200 + 300)
    assert rates["LinkedIn @bakkerij-alice"] is None  # 0 views: unknown, not 0 % or infinite
    assert rates["Mastodon @bakkerij-alice"] is None
    facebook = next(g for g in summary.channels if g.network == "Facebook")
    assert (facebook.views, facebook.viewed_engagement, facebook.engagement) == (500, 40, 90)


def test_a_posts_rate_is_missing_without_views(world: World, posts: None) -> None:
    summary = results_summary(world.org, START, END)
    rates = {(top.network, top.engagement): top.engagement_rate for top in summary.top}
    assert rates[("Facebook", 12)] == pytest.approx(6.0)
    assert rates[("Facebook", 50)] is None
    assert rates[("LinkedIn", 3)] is None
    assert rates[("Mastodon", 7)] is None


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", ["4.2\u00a0%", "66.7\u00a0%", "1,234.5\u00a0%"]),
        ("nl-be", ["4,2\u00a0%", "66,7\u00a0%", "1.234,5\u00a0%"]),
        ("fr-be", ["4,2\u00a0%", "66,7\u00a0%", "1\u00a0234,5\u00a0%"]),
    ],
)
def test_a_rate_reads_in_the_readers_notation(
    translations: None, language: str, shown: list[str]
) -> None:
    with translation.override(language):
        # 21 of 500; 2 of 3 rounded; more reactions than views (shares seen elsewhere).
        assert [rate_text(21 / 500 * 100), rate_text(200 / 3), rate_text(1234.5)] == shown


def page(client: Client, language: str = "en") -> str:
    with translation.override(language), time_machine.travel(NOW, tick=False):
        response = client.get("/o/bakkerij-alice/meten/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    shown = response.content.decode()
    return shown[shown.index('id="what-works"') : shown.index('id="what-works-moments"')]


def row(shown: str, label: str) -> str:
    start = shown.index(label)
    return shown[start : shown.index("</tr>", start)]


def test_measure_shows_the_rate_and_says_which_network_gave_none(
    world: World, alice_client: Client, posts: None
) -> None:
    channels = page(alice_client)
    channels = channels[channels.index('id="what-works-channels"') :]
    assert "8.0\u00a0%" in row(channels, "Facebook @bakkerij-alice")
    assert "not given by Mastodon" in row(channels, "Mastodon @bakkerij-alice")
    assert "not given by LinkedIn" in row(channels, "LinkedIn @bakkerij-alice")
    assert "0.0\u00a0%" not in channels
    assert "Engagement rate" in channels


def test_measure_shows_the_rate_in_dutch(
    world: World, alice_client: Client, posts: None, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    shown = page(alice_client, "nl-be")
    assert "8,0\u00a0%" in shown


def test_the_api_gives_the_rate_or_null(world: World, api: Any, posts: None) -> None:
    with time_machine.travel(NOW, tick=False):
        data = api(world.alice).get("/api/v1/organisations/bakkerij-alice/results").json()
    channels = {group["name"]: group for group in data["channels"]}
    assert channels["Facebook @bakkerij-alice"]["engagement_rate"] == pytest.approx(8.0)
    assert channels["Facebook @bakkerij-alice"]["views"] == 500
    assert channels["Mastodon @bakkerij-alice"]["engagement_rate"] is None
    rates = {top["reactions"]: top["engagement_rate"] for top in data["top"]}
    assert rates[12] == pytest.approx(6.0) and rates[50] is None and rates[3] is None
