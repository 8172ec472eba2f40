"""The busiest hours of the week come from when people wrote, in the organisation's local time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.analytics.moments import ENOUGH, Moment, active_moments
from klankbord.analytics.tests.figures import mention
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # a Friday; Brussels is UTC+1 in March
TUESDAY_NOON_UTC = datetime(2026, 3, 17, 11, 30, tzinfo=UTC)  # 12:30 in Brussels


def test_too_few_mentions_tell_nothing_yet(world: World) -> None:
    for _ in range(ENOUGH - 1):
        mention(world.org, TUESDAY_NOON_UTC)
    assert active_moments(world.org, now=NOW) is None


def test_the_busiest_hours_are_local_and_come_first(world: World) -> None:
    for week in range(3):
        for _ in range(10):
            mention(world.org, TUESDAY_NOON_UTC - timedelta(weeks=week))
        for _ in range(6):
            mention(world.org, TUESDAY_NOON_UTC - timedelta(weeks=week, days=-2, hours=-7))
    for _ in range(5):
        mention(world.org, TUESDAY_NOON_UTC + timedelta(days=1, hours=-3))
    found = active_moments(world.org, now=NOW)
    assert found is not None
    assert found.counted == 53
    assert found.busiest == [Moment(1, 12, 30), Moment(3, 19, 18), Moment(2, 9, 5)]


def test_old_mentions_and_other_organisations_do_not_count(world: World) -> None:
    for _ in range(ENOUGH):
        mention(world.org, TUESDAY_NOON_UTC - timedelta(weeks=9))
        mention(world.other_org, TUESDAY_NOON_UTC)
    assert active_moments(world.org, now=NOW) is None
    assert active_moments(world.other_org, now=NOW) is not None


def test_the_rhythm_step_and_the_measure_page_show_them(world: World, alice_client: Client) -> None:
    Plan.objects.create(organisation=world.org, **bakery_plan())
    yesterday = timezone.now() - timedelta(days=1)
    for _ in range(ENOUGH):
        mention(world.org, yesterday)
    for address in ["/o/bakkerij-alice/plan/stap/6/", "/o/bakkerij-alice/meten/"]:
        page = alice_client.get(address).content.decode()
        assert 'id="active-moments"' in page, address
        assert f"({ENOUGH})" in page, address
