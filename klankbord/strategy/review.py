"""A review as the plan shows it: the record analytics.review made, in lines for a page.

The record is plain JSON, stored in PlanVersion.data; a saved review reads from it alone.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise

from klankbord.strategy import texts
from klankbord.strategy.kpi_metrics import KPI_METRICS


@dataclass(frozen=True)
class KpiLine:
    index: int
    indicator: str
    goal: Promise | str
    measured_by: Promise | str  # the metric's label, or "" when entered by hand
    period: Promise | str
    target: float | None
    actual: float | None
    status: str
    status_text: Promise
    source: str


@dataclass(frozen=True)
class RhythmLine:
    network: str
    planned: float | None
    actual: float


def kpi_lines(record: dict[str, Any]) -> list[KpiLine]:
    lines = []
    for index, row in enumerate(record.get("kpis", [])):
        metric = KPI_METRICS.get(row.get("metric") or "")
        lines.append(
            KpiLine(
                index=index,
                indicator=row.get("indicator") or "",
                goal=texts.GOALS.get(row.get("goal") or "", ""),
                measured_by=metric.label if metric else "",
                period=texts.PERIODS.get(row.get("period") or "", ""),
                target=row.get("target"),
                actual=row.get("actual"),
                status=row.get("status") or "manual",
                status_text=texts.REVIEW_STATUSES.get(
                    row.get("status") or "", texts.REVIEW_STATUSES["manual"]
                ),
                source=row.get("source") or "entered",
            )
        )
    return lines


def rhythm_lines(record: dict[str, Any]) -> list[RhythmLine]:
    return [
        RhythmLine(texts.NETWORKS.get(row["network"], row["network"]), row.get("planned"),
                   row.get("actual") or 0.0)
        for row in record.get("rhythm", [])
    ]  # fmt: skip


def in_time_percent(record: dict[str, Any]) -> float | None:
    response = record.get("response") or {}
    answered = response.get("answered") or 0
    return round(100 * (response.get("in_time") or 0) / answered) if answered else None


def review_figures(record: dict[str, Any]) -> dict[str, Any]:
    """What a review shows besides the KPIs, live or as it was saved."""
    period = record.get("period") or {}
    return {
        "start": date.fromisoformat(period["start"]) if period.get("start") else None,
        "end": date.fromisoformat(period["end"]) if period.get("end") else None,
        "rhythm": rhythm_lines(record),
        "response": record.get("response") or {},
        "in_time_percent": in_time_percent(record),
        "budget": record.get("budget") or {},
        "notes": record.get("notes", ""),
    }
