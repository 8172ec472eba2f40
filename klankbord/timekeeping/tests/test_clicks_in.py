"""A period's clicks for the return: the organisation's clicks per day added up, the same as its
links' clicks of those days; none tracked is unknown, not zero."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Sum

from klankbord.analytics.tests.counted import counted_post
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import LinkClick, ShortLink
from klankbord.publishing.tracking import click_record
from klankbord.test import World
from klankbord.timekeeping.selectors import clicks_in

pytestmark = pytest.mark.django_db
FIRST = date(2026, 11, 1)


def links(org: Organisation, count: int) -> list[ShortLink]:
    target = counted_post(org, datetime(2026, 10, 30, 12, tzinfo=UTC)).target
    return [
        ShortLink.objects.create(
            organisation=org,
            target=target,
            code=f"o{org.pk}l{n}",
            url=f"https://bakkerij.be/{n}",
            destination=f"https://bakkerij.be/{n}?utm_source=x",
        )
        for n in range(count)
    ]


def links_clicks(org: Organisation, start: date, end: date) -> int:
    found = LinkClick.objects.filter(link__organisation=org, day__gte=start, day__lte=end)
    return found.aggregate(total=Sum("count"))["total"] or 0


def test_a_periods_clicks_are_its_links_clicks_of_those_days(world: World) -> None:
    ours, theirs = links(world.org, 2), links(world.other_org, 2)
    for n in range(40):
        day = FIRST + timedelta(days=n % 20)
        click_record(link=ours[n % 2], day=day)
        if n % 3 == 0:
            click_record(link=theirs[n % 2], day=day)
    periods = [
        (FIRST, FIRST + timedelta(days=19)),
        (FIRST + timedelta(days=6), FIRST + timedelta(days=6)),
        (FIRST + timedelta(days=3), FIRST + timedelta(days=11)),
        (FIRST - timedelta(days=30), FIRST + timedelta(days=2)),
    ]
    for start, end in periods:
        for org in (world.org, world.other_org):
            assert clicks_in(org, start, end) == links_clicks(org, start, end) > 0
    assert clicks_in(world.org, FIRST, FIRST + timedelta(days=30)) == 40
    assert clicks_in(world.other_org, FIRST, FIRST + timedelta(days=30)) == 14


def test_no_clicks_in_the_period_is_zero_and_no_tracked_link_is_unknown(world: World) -> None:
    [link] = links(world.org, 1)
    click_record(link=link, day=FIRST)
    assert clicks_in(world.org, FIRST + timedelta(days=1), FIRST + timedelta(days=30)) == 0
    assert clicks_in(world.other_org, FIRST, FIRST + timedelta(days=30)) is None
