"""The series behind Measure's charts: known answers, in Brussels time, across the clock changes."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from klankbord.analytics.charts import (
    daily_followers,
    heat_map,
    measure_series,
    median_minutes_per_week,
    per_week,
    reactions_per_week,
    sparks,
    weeks_between,
)
from klankbord.analytics.models import AudienceCount
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import channel, item, published
from klankbord.test import World

BRUSSELS = "Europe/Brussels"
# 2026: summer time starts on Sunday 29 March (02:00 -> 03:00) and ends on Sunday 25 October.
SPRING = date(2026, 3, 29)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_weeks_are_the_iso_weeks_that_overlap_the_period() -> None:
    weeks = weeks_between(date(2026, 3, 25), date(2026, 4, 7))
    assert weeks == [date(2026, 3, 23), date(2026, 3, 30), date(2026, 4, 6)]


def test_a_sunday_night_after_the_clocks_change_counts_in_the_next_local_week() -> None:
    weeks = weeks_between(date(2026, 3, 23), date(2026, 4, 5))
    moments = [
        utc(2026, 3, 29, 21, 30),  # Sunday 23:30 in Brussels (UTC+2 since that morning)
        utc(2026, 3, 29, 22, 30),  # Monday 30 March, 00:30 in Brussels
        utc(2026, 3, 23, 0, 30),  # Monday 23 March, 01:30 in Brussels (UTC+1)
        utc(2026, 3, 22, 23, 30),  # Monday 23 March, 00:30 in Brussels
    ]
    assert per_week(moments, BRUSSELS, weeks) == [(date(2026, 3, 23), 3), (date(2026, 3, 30), 1)]


def test_the_heat_map_buckets_by_the_local_hour_on_both_sides_of_the_change() -> None:
    grid = heat_map(
        [
            (utc(2026, 3, 29, 0, 30), 2),  # Sunday 01:30 winter time
            (utc(2026, 3, 29, 1, 30), 3),  # Sunday 03:30 summer time (02:xx does not exist)
            (utc(2026, 3, 27, 7, 30), 5),  # Friday 08:30 winter time
            (utc(2026, 3, 30, 6, 30), 7),  # Monday 08:30 summer time
            (utc(2026, 10, 25, 0, 30), 1),  # Sunday 02:30 summer time, the first time
            (utc(2026, 10, 25, 1, 30), 1),  # Sunday 02:30 winter time, the second time
        ],
        BRUSSELS,
    )
    assert grid[6][1] == 2 and grid[6][3] == 3 and grid[6][2] == 2
    assert grid[4][8] == 5 and grid[0][8] == 7
    assert sum(map(sum, grid)) == 19
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)


def test_reactions_per_post_are_averaged_per_week_and_empty_weeks_stay_empty() -> None:
    weeks = weeks_between(date(2026, 3, 16), date(2026, 4, 5))
    results = [(utc(2026, 3, 24, 9), 10), (utc(2026, 3, 26, 9), 5), (utc(2026, 4, 1, 9), 7)]
    assert reactions_per_week(results, BRUSSELS, weeks) == [
        (date(2026, 3, 16), None),
        (date(2026, 3, 23), 7.5),
        (date(2026, 3, 30), 7.0),
    ]


def test_the_median_first_answer_is_taken_per_week_in_minutes() -> None:
    weeks = weeks_between(date(2026, 3, 23), date(2026, 4, 12))
    answers = [
        (utc(2026, 3, 24, 9), 600),
        (utc(2026, 3, 25, 9), 3000),
        (utc(2026, 3, 29, 21, 0), 1200),  # Sunday 23:00 local: still the week of 23 March
        (utc(2026, 4, 1, 9), 60),
        (utc(2026, 4, 2, 9), 120),
    ]
    assert median_minutes_per_week(answers, BRUSSELS, weeks) == [
        (date(2026, 3, 23), 20.0),
        (date(2026, 3, 30), 1.5),
        (date(2026, 4, 6), None),
    ]


def test_daily_followers_are_per_channel_in_day_order_within_the_period() -> None:
    counts = [(1, date(2026, 3, 30), 103), (1, date(2026, 3, 28), 100), (2, SPRING, 50),
              (1, SPRING, 101), (1, date(2026, 3, 1), 90)]  # fmt: skip
    found = daily_followers(counts, date(2026, 3, 28), date(2026, 3, 30))
    assert found == {
        1: [(date(2026, 3, 28), 100), (SPRING, 101), (date(2026, 3, 30), 103)],
        2: [(SPRING, 50)],
    }


@pytest.mark.django_db
def test_the_measure_series_count_only_the_organisation_and_its_period(world: World) -> None:
    assert world.org.timezone == BRUSSELS
    counted_post(world.org, utc(2026, 3, 29, 22, 30), likes=4)  # Monday 30 March 00:30
    counted_post(world.org, utc(2026, 3, 24, 9), likes=2)
    counted_post(world.other_org, utc(2026, 3, 24, 9), likes=50)
    item(world.org, utc(2026, 3, 24, 8), answered_after=timedelta(minutes=30))
    item(world.other_org, utc(2026, 3, 24, 8), answered_after=timedelta(minutes=300))
    published(world.org, utc(2026, 2, 1, 9))  # before the period
    for day, followers in [(date(2026, 3, 27), 10), (date(2026, 3, 31), 14)]:
        AudienceCount.objects.create(
            organisation=world.org, channel=channel(world.org, "mastodon"), day=day,
            followers=followers,
        )  # fmt: skip
    found = measure_series(
        world.org, date(2026, 3, 23), date(2026, 4, 5), planned=3.0, target_minutes=60
    )
    assert found.reactions == [(date(2026, 3, 23), 2.0), (date(2026, 3, 30), 4.0)]
    assert found.published == [(date(2026, 3, 23), 1), (date(2026, 3, 30), 1)]
    assert found.reaction_hours[0][0] == 4  # Monday, 00:00-01:00 local
    assert found.message_hours[1][9] == 1  # Tuesday 09:00 local (08:00 UTC in winter)
    assert sum(map(sum, found.message_hours)) == 1
    assert found.response == [(date(2026, 3, 23), 30.0), (date(2026, 3, 30), None)]
    assert [s.points for s in found.followers] == [
        [(date(2026, 3, 27), 10.0), (date(2026, 3, 31), 14.0)]
    ]


@pytest.mark.django_db
def test_the_dashboard_sparks_cover_the_last_eight_weeks(world: World) -> None:
    counted_post(world.org, utc(2026, 3, 9, 9), likes=3)
    published(world.org, utc(2026, 1, 1, 9))  # more than eight weeks ago
    item(world.org, utc(2026, 3, 2, 9))
    with time_machine.travel(utc(2026, 3, 10, 12), tick=False):
        found = sparks(world.org, date(2026, 3, 10))
    assert len(found.posts) == 8 and found.posts[0][0] == date(2026, 1, 19)
    assert [n for _w, n in found.posts] == [0] * 7 + [1]
    assert [n for _w, n in found.reactions] == [0] * 7 + [3]
    assert [n for _w, n in found.messages] == [0] * 6 + [1, 0]


@pytest.mark.django_db
def test_counted_per_utc_hour_the_series_land_in_the_local_hour_across_both_clock_changes(
    world: World,
) -> None:
    # Counted per UTC hour in the database, each hour then placed in its local hour.
    counted_post(world.org, utc(2026, 3, 29, 0, 30), likes=2)  # Sunday 01:30 winter time
    counted_post(world.org, utc(2026, 3, 29, 1, 10), likes=3)  # Sunday 03:10 summer time
    counted_post(world.org, utc(2026, 3, 29, 1, 50), likes=4)  # Sunday 03:50, the same UTC hour
    counted_post(world.org, utc(2026, 3, 29, 22, 30), likes=5)  # Monday 30 March 00:30
    item(world.org, utc(2026, 10, 25, 0, 30), answered_after=timedelta(minutes=10))  # 02:30 CEST
    item(world.org, utc(2026, 10, 25, 1, 30), answered_after=timedelta(minutes=30))  # 02:30 CET
    item(world.org, utc(2026, 10, 25, 1, 45))  # 02:45 CET, not answered
    spring = measure_series(
        world.org, date(2026, 3, 23), date(2026, 4, 5), planned=None, target_minutes=60
    )
    assert spring.reaction_hours[6][1] == 2 and spring.reaction_hours[6][3] == 7
    assert spring.reaction_hours[0][0] == 5 and sum(map(sum, spring.reaction_hours)) == 14
    assert spring.reactions == [(date(2026, 3, 23), 3.0), (date(2026, 3, 30), 5.0)]
    assert spring.published == [(date(2026, 3, 23), 3), (date(2026, 3, 30), 1)]
    autumn = measure_series(
        world.org, date(2026, 10, 19), date(2026, 10, 25), planned=None, target_minutes=60
    )
    assert autumn.message_hours[6][2] == 3 and sum(map(sum, autumn.message_hours)) == 3
    assert autumn.response == [(date(2026, 10, 19), 20.0)]


@pytest.mark.django_db
def test_in_a_half_hour_zone_the_series_are_counted_per_minute_not_per_utc_hour(
    world: World,
) -> None:
    world.org.timezone = "Asia/Kolkata"  # UTC+5:30: one UTC hour spans two local hours
    world.org.save(update_fields=["timezone"])
    counted_post(world.org, utc(2026, 3, 24, 3, 10), likes=2)  # Tuesday 08:40 local
    counted_post(world.org, utc(2026, 3, 24, 3, 40), likes=3)  # Tuesday 09:10 local
    found = measure_series(
        world.org, date(2026, 3, 23), date(2026, 3, 29), planned=None, target_minutes=60
    )
    assert found.reaction_hours[1][8] == 2 and found.reaction_hours[1][9] == 3
