"""Moments counted per UTC hour in the database, then placed in local time in Python: every
moment of one UTC hour falls in the same local hour, on both sides of a clock change, so a year
of posts or messages is a few thousand rows instead of tens of thousands of conversions."""

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, Func


class UtcSlot(Func):
    """A moment's UTC hour (or minute) as text, "YYYY-MM-DD HH[:MM]", to count per slot in the
    database: every moment of one slot falls in the same local hour, DST changes included."""

    output_field = CharField()

    def __init__(self, expression: Any, *, minutes: bool) -> None:
        super().__init__(expression)
        self.minutes = minutes

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps moments as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
        size = 16 if self.minutes else 13
        return self.as_sql(compiler, connection, template=f"substr(%(expressions)s, 1, {size})")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        pattern = "YYYY-MM-DD HH24:MI" if self.minutes else "YYYY-MM-DD HH24"
        template = f"to_char(%(expressions)s AT TIME ZONE 'UTC', '{pattern}')"
        return self.as_sql(compiler, connection, template=template)


def whole_hours(zone: str, start: date, end: date) -> bool:
    """Whether the zone is a whole number of hours from UTC over the period (not so in India,
    Nepal or Newfoundland: there a UTC hour spans two local hours)."""
    tz = ZoneInfo(zone)
    offsets = (datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset() for d in (start, end))
    return all(offset is not None and offset.total_seconds() % 3600 == 0 for offset in offsets)


@lru_cache(maxsize=32768)
def utc_moment(slot: str) -> datetime:
    """The UTC moment a slot's text starts at."""
    return datetime.fromisoformat(slot if len(slot) > 13 else f"{slot}:00").replace(tzinfo=UTC)
