"""Share of voice through the API: the same figures as the Measure page, for any period."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.tests.test_share_of_voice import monitor, said
from klankbord.listening.models import Monitor
from klankbord.orgs.models import Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/bakkerij-alice/share-of-voice"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
Api = Callable[[Any], Client]


def get(client: Client, query: str = "") -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(URL + query, HTTP_ACCEPT_LANGUAGE="en")


def test_a_client_viewer_reads_the_last_30_days(world: World, api: Api) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    said(world.org, NOW - timedelta(days=1), brand, sentiment="positive")
    said(world.org, NOW - timedelta(days=1), brand, rival)
    said(world.org, NOW - timedelta(days=40), rival)  # the 30 days before
    response = get(api(world.member(Role.CLIENT)))
    assert response.status_code == 200
    data = response.json()
    assert (data["start"], data["end"]) == ("2026-02-09", "2026-03-10")
    assert (data["previous_start"], data["previous_end"]) == ("2026-01-10", "2026-02-08")
    assert data["comparable"] and data["like_for_like"] and data["total"] == 3
    own = data["own"]
    assert (own["mentions"], own["share"], own["positive"], own["net_sentiment"]) == (
        2, 66.7, 1, 50,
    )  # fmt: skip
    assert own["monitors"] == ["Bakkerij Alice"] and own["all_sources"]
    assert own["weeks"][-1] == {"week": "2026-03-09", "mentions": 2}
    bert, quiet = data["competitors"]
    assert (bert["name"], bert["mentions"], bert["previous_mentions"], bert["share"]) == (
        "Bakkerij Bert", 1, 1, 33.3,
    )  # fmt: skip
    assert (quiet["name"], quiet["mentions"], quiet["share"]) == ("Broodhuis", 0, 0.0)
    assert quiet["key"] == f"competitor-{quiet_id(world)}"


def quiet_id(world: World) -> int:
    return Monitor.objects.get(organisation=world.org, name="Broodhuis").pk


def test_a_period_can_be_chosen(world: World, api: Api) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    said(world.org, datetime(2025, 12, 31, 23, 30, tzinfo=UTC), brand)  # 1 January in Brussels
    said(world.org, datetime(2025, 12, 31, 22, 30, tzinfo=UTC), brand)  # still 31 December
    data = get(api(world.alice), "?from=2026-01-01&to=2026-01-31").json()
    assert (data["start"], data["end"], data["own"]["mentions"]) == ("2026-01-01", "2026-01-31", 1)
    assert data["competitors"] == [] and not data["comparable"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?from=2026-01-31&to=2026-01-01", "period"),
        ("?from=2026-01-01", "period"),
        ("?from=gisteren&to=2026-01-01", "from"),
        ("?from=2020-01-01&to=2026-01-01", "period"),
    ],
)
def test_a_wrong_period_is_refused_with_the_reason(
    world: World, api: Api, query: str, parameter: str
) -> None:
    response = get(api(world.alice), query)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body["errors"] and body["detail"]


def test_another_organisation_gets_404(world: World, api: Api) -> None:
    assert get(api(world.charlie)).status_code == 404


def test_it_says_which_monitors_are_paused(world: World, api: Api) -> None:
    monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    data = get(api(world.alice)).json()
    assert not data["any_paused"] and data["own"]["paused"] == []
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    data = get(api(world.alice)).json()
    assert data["any_paused"] and data["own"]["paused"] == []
    bert, quiet = data["competitors"]
    assert (bert["paused"], quiet["paused"]) == (["Bakkerij Bert"], [])
