"""When the plan is evaluated: the rhythm in months, the next date, and whether it is due."""

import calendar
from datetime import date

from klankbord.strategy import rules
from klankbord.strategy.models import Plan
from klankbord.strategy.rules import Steps

EVERY_MONTHS = (1, 3, 6, 12)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def first_review_on(steps: Steps, every_months: int, today: date) -> date:
    """The earliest KPI evaluation date still ahead, else one evaluation rhythm from today."""
    upcoming = sorted(day for day in _evaluation_dates(steps) if day >= today)
    return upcoming[0] if upcoming else add_months(today, every_months)


def _evaluation_dates(steps: Steps) -> list[date]:
    found = []
    for kpi in rules.kpis_of(steps):
        try:
            found.append(date.fromisoformat(kpi.get("evaluate_on") or ""))
        except ValueError:
            continue  # no date on this KPI
    return found


def review_due(plan: Plan, today: date) -> bool:
    return plan.pk is not None and plan.next_review_on is not None and plan.next_review_on <= today
