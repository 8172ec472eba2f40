import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from klankbord.inbox.hours import END_OF_DAY, OpeningHours, deadline, parse_week, working_seconds

BRUSSELS = ZoneInfo("Europe/Brussels")
OFFICE = {str(day): [["09:00", "17:00"]] for day in range(5)}
WITH_LUNCH = {str(day): [["09:00", "12:00"], ["13:00", "17:00"]] for day in range(5)}
ROUND_THE_CLOCK = {str(day): [["00:00", "24:00"]] for day in range(7)}
HOUR = 3600


def opening(week=OFFICE, region="BE-VLG", zone="Europe/Brussels") -> OpeningHours:
    return OpeningHours.from_settings(week, region, zone)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    """A wall-clock moment in Brussels in 2026 (1 November 2026 is a Sunday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


def test_an_hour_within_office_hours_is_an_hour():
    assert working_seconds(at(3, 10), at(3, 11), opening()) == HOUR
    assert deadline(at(3, 10), 60, opening()) == at(3, 11)


def test_a_question_on_friday_afternoon_is_due_on_monday():
    assert deadline(at(6, 16, 30), 60, opening()) == at(9, 9, 30)


def test_the_weekend_does_not_count():
    assert working_seconds(at(6, 16), at(9, 10), opening()) == 2 * HOUR


def test_a_deadline_that_fills_the_day_is_at_closing_time():
    assert deadline(at(6, 16), 60, opening()) == at(6, 17)


def test_armistice_day_is_closed_in_belgium():
    assert deadline(at(10, 16, 30), 60, opening()) == at(12, 9, 30)
    assert working_seconds(at(10, 17), at(12, 9), opening()) == 0


def test_armistice_day_is_an_ordinary_wednesday_in_the_netherlands():
    dutch = opening(region="NL-MIDDEN", zone="Europe/Amsterdam")
    assert deadline(at(10, 16, 30), 60, dutch) == at(11, 9, 30)
    assert working_seconds(at(10, 17), at(12, 9), dutch) == 8 * HOUR


def test_a_question_before_easter_monday_is_due_on_tuesday():
    assert deadline(at(3, 16, month=4), 120, opening()) == at(7, 10, month=4)


def test_school_holidays_do_not_close_the_office():
    # 2 November 2026 falls in the Flemish autumn break.
    assert working_seconds(at(2, 9), at(2, 17), opening()) == 8 * HOUR


def test_the_lunch_break_does_not_count():
    assert deadline(at(3, 11, 30), 60, opening(WITH_LUNCH)) == at(3, 13, 30)
    assert working_seconds(at(3, 11), at(3, 14), opening(WITH_LUNCH)) == 2 * HOUR


def test_the_clock_starts_at_opening_for_an_early_question():
    assert deadline(at(3, 7), 30, opening()) == at(3, 9, 30)
    assert working_seconds(at(3, 7), at(3, 9, 15), opening()) == 15 * 60


def test_a_question_after_closing_time_is_due_the_next_morning():
    assert deadline(at(3, 18), 30, opening()) == at(4, 9, 30)
    assert working_seconds(at(3, 17, 30), at(3, 23), opening()) == 0


def test_a_question_in_the_weekend_waits_for_monday_morning():
    assert deadline(at(7, 12), 30, opening()) == at(9, 9, 30)


def test_office_hours_keep_their_wall_clock_times_across_the_spring_dst_change():
    # 29 March 2026: clocks go from 02:00 to 03:00 in Brussels.
    friday, monday = at(27, 16, month=3), at(30, 10, month=3)
    assert deadline(friday, 120, opening()) == monday
    assert working_seconds(friday, monday, opening()) == 2 * HOUR
    assert monday.astimezone(UTC).hour == 8


def test_the_spring_dst_change_makes_a_day_of_23_hours():
    always = opening(ROUND_THE_CLOCK)
    saturday, sunday = at(28, 12, month=3), at(29, 12, month=3)
    assert working_seconds(saturday, sunday, always) == 23 * HOUR
    assert deadline(saturday, 24 * 60, always) == at(29, 13, month=3)


def test_the_autumn_dst_change_makes_a_day_of_25_hours():
    # 25 October 2026: clocks go from 03:00 back to 02:00.
    always = opening(ROUND_THE_CLOCK)
    saturday, sunday = at(24, 12, month=10), at(25, 12, month=10)
    assert working_seconds(saturday, sunday, always) == 25 * HOUR
    assert deadline(saturday, 24 * 60, always) == at(25, 11, month=10)


def test_a_period_until_midnight_closes_at_the_next_midnight():
    evenings = opening({"1": [["18:00", "24:00"]]})
    assert working_seconds(at(3, 12), at(4, 12), evenings) == 6 * HOUR
    assert deadline(at(3, 20), 240, evenings) == at(4, 0)


def test_an_empty_week_counts_the_clock_for_deadlines():
    closed = opening({})
    assert deadline(at(3, 10), 90, closed) == at(3, 11, 30)
    assert working_seconds(at(3, 10), at(10, 10), closed) == 0


def test_a_target_of_zero_minutes_is_due_at_once():
    assert deadline(at(7, 12), 0, opening()) == at(7, 12)


def test_an_end_before_the_start_counts_nothing():
    assert working_seconds(at(4, 12), at(3, 12), opening()) == 0


def test_deadlines_are_in_utc():
    assert deadline(at(3, 10), 60, opening()).tzinfo is UTC


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        working_seconds(datetime(2026, 11, 3, 10), at(3, 12), opening())


def test_a_year_in_flanders_has_253_working_days():
    # 261 weekdays in 2026, 8 of them public holidays.
    start, end = datetime(2026, 1, 1, tzinfo=BRUSSELS), datetime(2027, 1, 1, tzinfo=BRUSSELS)
    assert working_seconds(start, end, opening()) == 253 * 8 * HOUR


def test_working_seconds_and_deadline_agree():
    hours = opening(WITH_LUNCH)
    rng = random.Random(2026)
    for _ in range(200):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(366 * 86400))
        minutes = rng.randrange(1, 5000)
        due = deadline(start, minutes, hours)
        assert working_seconds(start, due, hours) == minutes * 60
        assert working_seconds(start, due - timedelta(seconds=1), hours) < minutes * 60


def test_parse_week_sorts_periods_and_closes_missing_days():
    week = parse_week({"0": [["13:00", "17:00"], ["09:00", "12:00"]], "4": [["09:00", "24:00"]]})
    assert week[0] == ((time(9), time(12)), (time(13), time(17)))
    assert week[4] == ((time(9), END_OF_DAY),)
    assert week[1] == week[5] == week[6] == ()


def test_periods_that_touch_are_allowed():
    assert len(parse_week({"0": [["09:00", "12:00"], ["12:00", "17:00"]]})[0]) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"0": [["9:00", "17:00"]]}, "Monday: '9:00' is not a time of day"),
        ({"1": [["09:00", "25:00"]]}, "Tuesday: '25:00' is not a time of day"),
        ({"2": [["09:00", 17]]}, "Wednesday: 17 is not a time of day"),
        ({"3": [["17:00", "09:00"]]}, "Thursday: a period must end after it starts"),
        ({"4": [["09:00", "09:00"]]}, "Friday: a period must end after it starts"),
        ({"5": [["09:00", "13:00"], ["12:00", "17:00"]]}, "Saturday: 09:00-13:00 and 12:00-17:00"),
        ({"6": [["24:00", "24:00"]]}, "Sunday: 24:00 can only end a period"),
        ({"0": [["09:00"]]}, "Monday: each period must be a pair"),
        ({"0": "09:00-17:00"}, "Monday: expected a list of periods"),
        ({"7": []}, "Unknown weekday '7'"),
        ([["09:00", "17:00"]], "must map weekday numbers"),
    ],
)
def test_bad_opening_hours_raise_a_value_error_that_says_why(data, message):
    with pytest.raises(ValueError, match=message):
        parse_week(data)


def test_an_unknown_holiday_region_is_refused():
    with pytest.raises(ValueError, match="Unknown holiday region 'FR-IDF'"):
        opening(region="FR-IDF")


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="Unknown time zone 'Europe/Gent'"):
        opening(zone="Europe/Gent")
