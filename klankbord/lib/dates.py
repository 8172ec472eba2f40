"""Turning what a person typed (a local wall-clock time) into an exact moment."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


class NonexistentTime(ValueError):
    """The clock skips this time (the spring change to summer time)."""


def aware_from_local(value: datetime, zone: str) -> datetime:
    """A naive local time in `zone` as an aware datetime.

    In the autumn hour that happens twice, the first (summer time) occurrence is meant, as on
    every calendar people use; a time in the skipped spring hour is refused, not guessed.
    """
    tz = ZoneInfo(zone)
    first = value.replace(tzinfo=tz, fold=0)
    # A time that does not exist does not survive the round trip through UTC.
    round_trip = first.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None)
    if round_trip != value.replace(tzinfo=None):
        raise NonexistentTime(f"{value:%H:%M} does not exist on {value:%Y-%m-%d} in {zone}")
    return first


def local_day_bounds(day: datetime, zone: str) -> tuple[datetime, datetime]:
    """Start and end of a local calendar day; a DST day lasts 23 or 25 hours."""
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    following = start.replace(tzinfo=None) + timedelta(days=1)
    return start, following.replace(tzinfo=tz)
