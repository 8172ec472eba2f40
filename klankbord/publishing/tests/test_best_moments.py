"""The composer names the moments of the week whose posts did best, from the post results."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.tests.counted import counted_post
from klankbord.test import World

pytestmark = pytest.mark.django_db
COMPOSE = "/o/bakkerij-alice/publiceren/nieuw/"
# A Saturday at 09:00 in Brussels, and a Tuesday at 19:00.
SATURDAY_MORNING = datetime(2026, 3, 7, 8, 0, tzinfo=UTC)
TUESDAY_EVENING = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)


def composer(client: Client) -> str:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        response = client.get(COMPOSE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_composer_names_the_best_moments_best_first(world: World, alice_client: Client) -> None:
    for week in range(3):
        counted_post(world.org, SATURDAY_MORNING - timedelta(weeks=week), likes=30)
        counted_post(world.org, TUESDAY_EVENING - timedelta(weeks=week), likes=5)
    counted_post(world.other_org, TUESDAY_EVENING, likes=999)
    shown = composer(alice_client)
    assert "Your posts do best on: Saturday morning, Tuesday evening." in shown


def test_without_enough_posts_it_names_no_moment(world: World, alice_client: Client) -> None:
    counted_post(world.org, SATURDAY_MORNING, likes=30)  # one post says little
    assert 'id="best-moments"' not in composer(alice_client)
