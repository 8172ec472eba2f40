from datetime import UTC, datetime

import pytest

from klankbord.lib.dates import NonexistentTime, aware_from_local, local_day_bounds

BRUSSELS = "Europe/Brussels"


def test_a_winter_and_a_summer_time_map_to_the_right_utc() -> None:
    winter = aware_from_local(datetime(2026, 1, 15, 9, 0), BRUSSELS)
    summer = aware_from_local(datetime(2026, 7, 15, 9, 0), BRUSSELS)
    assert winter.astimezone(UTC).hour == 8
    assert summer.astimezone(UTC).hour == 7


def test_the_skipped_spring_hour_is_refused() -> None:
    with pytest.raises(NonexistentTime):
        aware_from_local(datetime(2026, 3, 29, 2, 30), BRUSSELS)


def test_the_doubled_autumn_hour_means_the_first_one() -> None:
    moment = aware_from_local(datetime(2026, 10, 25, 2, 30), BRUSSELS)
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_post_at_nine_stays_at_nine_across_the_change() -> None:
    before = aware_from_local(datetime(2026, 10, 24, 9, 0), BRUSSELS)
    after = aware_from_local(datetime(2026, 10, 26, 9, 0), BRUSSELS)
    # Python subtracts wall times within one zone; compare the moments in UTC.
    assert (after.astimezone(UTC) - before.astimezone(UTC)).total_seconds() == 49 * 3600


def test_dst_days_last_23_and_25_hours() -> None:
    start, end = local_day_bounds(datetime(2026, 3, 29), BRUSSELS)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 23 * 3600
    start, end = local_day_bounds(datetime(2026, 10, 25), BRUSSELS)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600
