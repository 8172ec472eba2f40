"""The moments of the week whose posts did best, from the post results: in the composer, the queue
slot settings and the plan's rhythm step."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from klankbord.analytics.tests.counted import counted_post
from klankbord.channels.models import Channel
from klankbord.publishing.models import QueueSlot
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


def test_the_slot_settings_offer_a_slot_in_each_best_moment(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    late = datetime(2026, 3, 4, 0, 30, tzinfo=UTC)  # Tuesday night in Brussels: no slot there
    for week in range(3):
        counted_post(world.org, SATURDAY_MORNING - timedelta(weeks=week), likes=30)
        counted_post(world.org, late - timedelta(weeks=week), likes=50)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        shown = alice_client.get(
            reverse("publishing_settings", args=[world.org.slug]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    card = shown[shown.index(f'data-channel="{sandbox.pk}"') :]
    suggested = card[card.index('class="help suggested-slots"') :].split("</p>")[0]
    slot_add = reverse("slot_add", args=[world.org.slug, sandbox.pk])
    assert f'action="{slot_add}"' in suggested
    assert '<input type="hidden" name="weekday" value="5">' in suggested
    assert "+ Saturday morning 09:00" in suggested and "night" not in suggested
    with time_machine.travel(datetime(2026, 3, 10, 12, 1, tzinfo=UTC), tick=False):
        alice_client.post(slot_add, {"weekday": 5, "time": "09:00"})
    assert [(s.weekday, s.time.strftime("%H:%M")) for s in QueueSlot.objects.all()] == [
        (5, "09:00")
    ]


def test_the_plans_rhythm_step_names_them_too(world: World, alice_client: Client) -> None:
    for week in range(3):
        counted_post(world.org, SATURDAY_MORNING - timedelta(weeks=week), likes=30)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        shown = alice_client.get(
            reverse("plan_step", args=[world.org.slug, 6]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Your posts do best on: Saturday morning." in shown
