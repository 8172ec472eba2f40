"""Response times counted in an organisation's opening hours.

Only open time counts: closed weekdays, the time around the open periods and the country's public
holidays do not. Days are walked in local dates, so DST changes come out right.
Every datetime returned is aware and in UTC.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Period = tuple[time, time]
Week = dict[int, tuple[Period, ...]]

COUNTRIES = ("BE", "NL")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A time cannot be 24:00, so a period that closes at midnight ends at time.max.
END_OF_DAY = time.max
# deadline() gives up after this many days and counts wall-clock time instead.
MAX_DAYS = 3 * 366
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class OpeningHours:
    zone: ZoneInfo
    week: Week  # weekday (Monday=0) -> open periods, sorted, non-overlapping
    country: str  # "BE" or "NL": its public holidays are closed days

    @classmethod
    def from_settings(
        cls, opening_hours: dict[str, list[list[str]]], holiday_region: str, time_zone: str
    ) -> "OpeningHours":
        return cls(
            zone=_parse_zone(time_zone),
            week=parse_week(opening_hours),
            country=_parse_country(holiday_region),
        )


def parse_week(data: object) -> Week:
    """The open periods per weekday from settings JSON; raises ValueError saying what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("Opening hours must map weekday numbers ('0' to '6') to periods.")
    unknown = sorted(repr(key) for key in data if key not in {str(day) for day in range(7)})
    if unknown:
        raise ValueError(f"Unknown weekday {unknown[0]}: use '0' (Monday) to '6' (Sunday).")
    # A weekday that is not mentioned is closed.
    return {day: _parse_day(DAY_NAMES[day], data.get(str(day), [])) for day in range(7)}


def _parse_day(name: str, periods: object) -> tuple[Period, ...]:
    if not isinstance(periods, list | tuple):
        raise ValueError(f"{name}: expected a list of periods such as [['09:00', '17:00']].")
    parsed = sorted(_parse_period(name, period) for period in periods)
    for before, after in pairwise(parsed):
        if after[0] < before[1]:
            raise ValueError(f"{name}: {_show(before)} and {_show(after)} overlap.")
    return tuple(parsed)


def _parse_period(name: str, period: object) -> Period:
    if not isinstance(period, list | tuple) or len(period) != 2:
        raise ValueError(f"{name}: each period must be a pair such as ['09:00', '17:00'].")
    opens = _parse_time(name, period[0], closing=False)
    closes = _parse_time(name, period[1], closing=True)
    if closes <= opens:
        raise ValueError(
            f"{name}: a period must end after it starts, not {_show((opens, closes))}."
        )
    return opens, closes


def _parse_time(name: str, text: object, *, closing: bool) -> time:
    if text == "24:00":
        if closing:
            return END_OF_DAY
        raise ValueError(f"{name}: 24:00 can only end a period; start at 00:00 instead.")
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{name}: {text!r} is not a time of day; use HH:MM, such as 09:00.")
    return time(int(match[1]), int(match[2]))


def _show(period: Period) -> str:
    """A period as people write it, with 24:00 for midnight at the end of the day."""
    opens, closes = (
        "24:00" if moment == END_OF_DAY else moment.strftime("%H:%M") for moment in period
    )
    return f"{opens}-{closes}"


def _parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Unknown time zone {name!r}.") from error


def _parse_country(region: str) -> str:
    """The country is the part before the dash: "BE-VLG" closes on Belgian public holidays."""
    country = region.partition("-")[0]
    if country not in COUNTRIES:
        raise ValueError(f"Unknown holiday region {region!r}: it must start with BE- or NL-.")
    return country


@cache
def _public_holidays(country: str, year: int) -> frozenset[date]:
    # Building a year of holidays is slow next to a lookup, and they never change.
    return frozenset(holidays.country_holidays(country, years=year))


def working_seconds(start: datetime, end: datetime, hours: OpeningHours) -> int:
    """Seconds of open time between two aware datetimes; 0 if end is not after start."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0
    last_day = end.astimezone(hours.zone).date()
    total = timedelta()
    for opens, closes in _open_periods(start, last_day, hours):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return int(total.total_seconds())


def is_open(moment: datetime, hours: OpeningHours) -> bool:
    """Whether an aware moment falls in an open period (public holidays are closed)."""
    moment = _utc(moment)
    day = moment.astimezone(hours.zone).date()
    # A period that closes at midnight belongs to the day before.
    for local_day in (day - timedelta(days=1), day):
        if any(opens <= moment < closes for opens, closes in _periods_on(local_day, hours)):
            return True
    return False


def deadline(start: datetime, minutes: int, hours: OpeningHours) -> datetime:
    """The earliest moment, in UTC, by which `minutes` of open time have passed since start."""
    start = _utc(start)
    left = timedelta(minutes=minutes)
    if left <= timedelta():
        return start
    if not any(hours.week.values()):
        # Never open: counting open time would never end, so count the clock instead.
        return start + left
    last_day = start.astimezone(hours.zone).date() + timedelta(days=MAX_DAYS)
    for opens, closes in _open_periods(start, last_day, hours):
        if closes - opens >= left:
            return opens + left
        left -= closes - opens
    # A target years away (or a calendar of only holidays): the clock is as good as anything.
    return start + timedelta(minutes=minutes)


def _utc(moment: datetime) -> datetime:
    # Subtracting datetimes of one ZoneInfo ignores DST, so all arithmetic happens in UTC.
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; opening hours need aware datetimes.")
    return moment.astimezone(UTC)


def _open_periods(
    start: datetime, last_day: date, hours: OpeningHours
) -> Iterator[tuple[datetime, datetime]]:
    """Open periods in UTC from start's local day up to last_day, none of them before start."""
    day = start.astimezone(hours.zone).date()
    while day <= last_day:
        for opens, closes in _periods_on(day, hours):
            opens = max(opens, start)
            # Also skips a period that falls in the hour the clocks skip in spring.
            if closes > opens:
                yield opens, closes
        day += timedelta(days=1)


def _periods_on(day: date, hours: OpeningHours) -> Iterator[tuple[datetime, datetime]]:
    if day in _public_holidays(hours.country, day.year):
        return
    for opens, closes in hours.week.get(day.weekday(), ()):
        yield _instant(day, opens, hours.zone), _instant(day, closes, hours.zone)


def _instant(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a local day as a UTC instant; 24:00 is the next midnight."""
    if moment == END_OF_DAY:
        day, moment = day + timedelta(days=1), time()
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)
