"""Followers per channel: read from the networks once a local day, and how an audience grew."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from klankbord.analytics import tasks
from klankbord.analytics.audience import audiences, count_audiences
from klankbord.analytics.metrics import metric_value
from klankbord.analytics.models import AudienceCount
from klankbord.analytics.tests.figures import channel as plain_channel
from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_bluesky, connect_mastodon
from klankbord.channels.tests.fakes.bluesky import FakeBluesky
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.test import World

pytestmark = pytest.mark.django_db
# 23:30 UTC on 9 March is already 10 March in Brussels.
LATE_EVENING = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
MARCH_UTC = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def test_followers_are_counted_once_a_local_day(world: World, fake_mastodon: FakeMastodon) -> None:
    mastodon = connect_mastodon(world, fake_mastodon)
    plain_channel(world.org, "rss")  # a feed has no followers to count
    fake_mastodon.followers = 40
    with time_machine.travel(LATE_EVENING, tick=False):
        assert count_audiences() == 1
        fake_mastodon.followers = 41
        assert count_audiences() == 0  # counted today already
    counts = [(c.channel_id, c.day, c.followers) for c in AudienceCount.objects.all()]
    assert counts == [(mastodon.pk, date(2026, 3, 10), 40)]


def test_bluesky_followers_are_counted(world: World, fake_bluesky: FakeBluesky) -> None:
    bluesky = connect_bluesky(world, fake_bluesky)
    fake_bluesky.followers = 300
    assert count_audiences() == 1
    assert AudienceCount.objects.get(channel=bluesky).followers == 300


def test_a_network_that_fails_is_counted_on_a_later_round(
    world: World, fake_mastodon: FakeMastodon
) -> None:
    connect_mastodon(world, fake_mastodon)
    fake_mastodon.revoke_all_tokens()
    assert count_audiences() == 0
    assert not AudienceCount.objects.exists()


def test_a_disconnected_channel_is_not_counted(world: World, fake_mastodon: FakeMastodon) -> None:
    channel = connect_mastodon(world, fake_mastodon)
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.DISCONNECTED)
    assert count_audiences() == 0


def test_the_task_counts_a_round(world: World, fake_mastodon: FakeMastodon) -> None:
    connect_mastodon(world, fake_mastodon)
    tasks.count_audiences()
    assert AudienceCount.objects.get().followers == 12


def _count(channel: Channel, day: date, followers: int) -> None:
    AudienceCount.objects.create(
        organisation=channel.organisation, channel=channel, day=day, followers=followers
    )


def test_the_audience_of_a_period_is_its_last_count_against_the_one_before_it(
    world: World,
) -> None:
    facebook, instagram = plain_channel(world.org), plain_channel(world.org, "instagram")
    _count(facebook, date(2026, 2, 27), 100)
    _count(facebook, date(2026, 3, 2), 104)
    _count(facebook, date(2026, 3, 30), 130)
    _count(facebook, date(2026, 4, 2), 999)  # after the period
    _count(instagram, date(2026, 3, 15), 50)  # first counted in the period
    _count(instagram, date(2026, 3, 31), 58)
    _count(plain_channel(world.other_org), date(2026, 3, 15), 7000)
    found = {a.channel.network: (a.followers, a.gained) for a in audiences(world.org, *MARCH)}
    assert found == {"facebook": (130, 30), "instagram": (58, 8)}
    assert metric_value(world.org, "followers_gained", *MARCH_UTC) == 38


def test_one_count_is_no_growth_yet(world: World) -> None:
    _count(plain_channel(world.org), date(2026, 3, 15), 50)
    assert [(a.followers, a.gained) for a in audiences(world.org, *MARCH)] == [(50, None)]
    assert metric_value(world.org, "followers_gained", *MARCH_UTC) is None


def test_a_lost_follower_counts_against_the_growth(world: World) -> None:
    facebook = plain_channel(world.org)
    _count(facebook, date(2026, 2, 28), 100)
    _count(facebook, date(2026, 3, 31) - timedelta(days=1), 97)
    assert metric_value(world.org, "followers_gained", *MARCH_UTC) == -3


def test_a_disconnected_channel_is_not_shown_but_its_growth_still_counts_for_the_kpi(
    world: World,
) -> None:
    facebook = plain_channel(world.org)
    _count(facebook, date(2026, 2, 27), 100)
    _count(facebook, date(2026, 3, 20), 120)
    Channel.objects.filter(pk=facebook.pk).update(status=Channel.Status.DISCONNECTED)
    assert audiences(world.org, *MARCH) == []
    assert metric_value(world.org, "followers_gained", *MARCH_UTC) == 20
