"""The return of a period in plain arithmetic: what it cost against what came back.

Pure Python on Decimal euro; selectors.py gathers the numbers. A part that is not known is None
and is shown as missing, never as a zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

CENT = Decimal("0.01")
MINUTES_PER_HOUR = Decimal(60)


def euro(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_share(start: date, end: date) -> Decimal:
    """How many months start..end (both included) is: each day counts as its month's share."""
    share = Decimal(0)
    day = start
    while day <= end:
        last = month_end(day)
        upto = min(end, last)
        share += Decimal((upto - day).days + 1) / Decimal(last.day)
        day = upto + timedelta(days=1)
    return share


def pro_rata(monthly: Decimal | None, start: date, end: date) -> Decimal | None:
    """A monthly amount for the days start..end; 15 days of a 30-day month are half of it."""
    return None if monthly is None else euro(monthly * month_share(start, end))


@dataclass(frozen=True)
class Spend:
    """Ad money paid over start..end (both included)."""

    start: date
    end: date
    amount: Decimal


def spend_in(spends: Iterable[Spend], start: date, end: date) -> Decimal | None:
    """The part of each spend that falls in start..end, spread evenly over its own days;
    None when no spend was recorded for any of these days."""
    total, found = Decimal(0), False
    for spend in spends:
        first, last = max(spend.start, start), min(spend.end, end)
        if first > last:
            continue
        found = True
        days = Decimal((spend.end - spend.start).days + 1)
        total += spend.amount * Decimal((last - first).days + 1) / days
    return euro(total) if found else None


def time_cost(minutes: int, hourly_cost: Decimal | None) -> Decimal | None:
    return None if hourly_cost is None else euro(Decimal(minutes) * hourly_cost / MINUTES_PER_HOUR)


def add_known(*parts: Decimal | None) -> Decimal | None:
    """The sum of the parts that are known; None when none is."""
    known = [part for part in parts if part is not None]
    return euro(sum(known, Decimal(0))) if known else None


def per(amount: Decimal | None, count: int | None) -> Decimal | None:
    """What one result cost: None without a cost or without results to share it."""
    if amount is None or not count:
        return None
    return euro(amount / count)


def value_of(
    *, leads: int, clicks: int | None, per_lead: Decimal | None, per_click: Decimal | None
) -> Decimal | None:
    """What the results are worth at the owner's own prices; None when she set none."""
    parts = [
        Decimal(leads) * per_lead if per_lead is not None else None,
        Decimal(clicks) * per_click if per_click is not None and clicks is not None else None,
    ]
    return add_known(*parts)


def difference(value: Decimal | None, cost: Decimal | None) -> Decimal | None:
    return None if value is None or cost is None else euro(value - cost)
