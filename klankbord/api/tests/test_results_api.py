"""What works through the API: the same figures as the Measure page, for every member."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.models import AudienceCount
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import channel
from klankbord.orgs.models import Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
RESULTS = "/api/v1/organisations/bakkerij-alice/results"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
Api = Callable[[Any], Client]


def get(client: Client, query: str = "") -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(RESULTS + query, HTTP_ACCEPT_LANGUAGE="en")


def test_a_client_viewer_reads_what_works_in_the_last_30_days(world: World, api: Api) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=4, shares=1, pillar="Tips")
    counted_post(world.org, NOW - timedelta(days=2), likes=2, image=True)
    counted_post(world.org, NOW - timedelta(days=45), likes=9)  # in the 30 days before
    counted_post(world.other_org, NOW - timedelta(days=1), likes=500)
    AudienceCount.objects.create(
        organisation=world.org, channel=channel(world.org, "mastodon"), day=date(2026, 3, 9),
        followers=80,
    )  # fmt: skip
    response = get(api(world.member(Role.CLIENT)))
    assert response.status_code == 200
    data = response.json()
    assert (data["start"], data["end"]) == ("2026-02-09", "2026-03-10")
    assert (data["posts"], data["reactions"], data["per_post"]) == (2, 7, 3.5)
    assert (data["previous_posts"], data["previous_reactions"]) == (1, 9)
    assert {g["key"]: g["reactions"] for g in data["formats"]} == {"image": 2, "text": 5}
    assert [t["reactions"] for t in data["top"]] == [5, 2]
    assert data["audiences"] == [
        {"channel": "Mastodon @bakkerij-alice", "followers": 80, "gained": None}
    ]


def test_a_longer_period_can_be_asked(world: World, api: Api) -> None:
    counted_post(world.org, NOW - timedelta(days=45), likes=9)
    assert get(api(world.alice), "?days=90").json()["reactions"] == 9


@pytest.mark.parametrize("days", ["7", "abc", "", "-30"])
def test_a_period_not_offered_is_refused_with_the_choices(
    world: World, api: Api, days: str
) -> None:
    response = get(api(world.alice), f"?days={days}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Choose 30, 90 or 365 days.",
        "errors": {"days": ["Choose 30, 90 or 365 days."]},
    }


def test_outsiders_get_404(world: World, api: Api) -> None:
    assert get(api(world.charlie)).status_code == 404


def test_views_and_saves_are_given_where_the_network_gave_them(world: World, api: Api) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=4, views=120, saves=3)
    counted_post(world.org, NOW - timedelta(days=2), likes=2)  # its network gave no views
    data = get(api(world.alice)).json()
    assert data["views"] == {"total": 120, "given": 1, "posts": 2}
    assert data["saves"] == {"total": 3, "given": 1, "posts": 2}
    assert [(t["views"], t["saves"]) for t in data["top"]] == [(120, 3), (None, None)]
