"""The review: the plan next to what happened since the last one, and the record a review keeps.

A KPI that Klankbord measures gets its figure over the whole review period, as an average per the
KPI's own period when it counts (so "5,000 a month" compares with a monthly average); a KPI without
a metric gets the figure the team enters. The record is plain JSON, stored in PlanVersion.data;
strategy.review shows it.
"""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from klankbord.analytics.metrics import METRICS, Metric
from klankbord.analytics.selectors import monthly_cost, response_actuals, rhythm_rows, utc_range
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Organisation
from klankbord.strategy import evaluation, rules
from klankbord.strategy.kpi_metrics import MetricDefinition
from klankbord.strategy.models import Plan, PlanVersion

PERIOD_DAYS = {"month": 365.25 / 12, "quarter": 365.25 / 4}


def review_period(plan: Plan, today: date) -> tuple[date, date]:
    """From the last review (or one evaluation rhythm back) to today, both days included."""
    last = plan.versions.filter(kind=PlanVersion.Kind.REVIEW).order_by("-number").first()
    if last is None:
        return evaluation.add_months(today, -plan.review_every_months), today
    zone = ZoneInfo(plan.organisation.timezone)
    return min(last.created_at.astimezone(zone).date(), today), today


def review_record(plan: Plan, start: date, end: date) -> dict[str, Any]:
    """The figures of a review before anything is entered: what gets stored, minus the notes."""
    organisation = plan.organisation
    steps = plan.steps
    response = response_actuals(organisation, start, end)
    cost = monthly_cost(organisation)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "kpis": [_kpi_row(organisation, kpi, start, end) for kpi in rules.kpis_of(steps)],
        "rhythm": _rhythm_rows(organisation, steps, start, end),
        "response": {
            "target_minutes": inbox_settings(organisation).target_minutes,
            "answered": response.answered,
            "in_time": response.in_time,
            "median_minutes": response.median_minutes,
        },
        "budget": {"planned_per_month": float(cost) if cost is not None else None},
        "notes": "",
    }


def _kpi_row(organisation: Organisation, kpi: Any, start: date, end: date) -> dict[str, Any]:
    metric = METRICS.get(kpi.get("metric") or "")
    period = kpi.get("period") or "month"
    actual = None
    if metric is not None:
        measured = metric.measure(organisation, *utc_range(organisation, start, end))
        actual = _per_period(metric, measured, period, (end - start).days + 1)
    target = kpi.get("target")
    return {
        "goal": kpi.get("goal") or "",
        "indicator": kpi.get("indicator") or "",
        "metric": metric.key if metric else "",
        "period": period,
        "target": target,
        "actual": actual,
        "source": "measured" if metric else "entered",
        "status": status_of(metric, target, actual),
    }


def _per_period(metric: Metric, measured: float | None, period: str, days: int) -> float | None:
    # A percentage or a time is already an average; a count is spread over the KPI's period.
    if measured is None or metric.unit != "count":
        return measured
    return round(measured * PERIOD_DAYS[period] / days, 1)


def status_of(metric: MetricDefinition | None, target: float | None, actual: float | None) -> str:
    """achieved, behind, no_target, no_data (nothing measured) or manual (not entered yet)."""
    if target is None:
        return "no_target"
    if actual is None:
        return "no_data" if metric is not None else "manual"
    higher_is_better = metric.higher_is_better if metric is not None else True
    met = actual >= target if higher_is_better else actual <= target
    return "achieved" if met else "behind"


def with_entered(record: dict[str, Any], entered: dict[int, float | None], notes: str) -> None:
    """Put the team's figures for the KPIs without a metric into the record, and the notes."""
    for index, actual in entered.items():
        row = record["kpis"][index]
        row["actual"] = actual
        row["status"] = status_of(None, row["target"], actual)
    record["notes"] = notes.strip()


def _rhythm_rows(
    organisation: Organisation, steps: rules.Steps, start: date, end: date
) -> list[dict[str, Any]]:
    return [
        {"network": row.network, "planned": row.planned, "actual": row.published}
        for row in rhythm_rows(organisation, steps, start, end)
    ]
