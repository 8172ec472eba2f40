"""What the Measure page and the dashboard count: the same for every member who looks, so it
can be kept (analytics/figures.py). What depends on who looks is added by the views."""

from datetime import date, timedelta
from typing import Any

from klankbord.analytics import results, selectors, texts
from klankbord.analytics.audience import audiences
from klankbord.analytics.chart_sets import drawn, measure_charts, spark_charts
from klankbord.analytics.locations import location_figures
from klankbord.analytics.moments import active_moments
from klankbord.analytics.results import Group
from klankbord.analytics.selectors import KpiProgress
from klankbord.analytics.texts import moment_rows
from klankbord.analytics.voice import voice_figures
from klankbord.channels.selectors import channels_of
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import texts as plan_texts
from klankbord.strategy.models import Plan
from klankbord.strategy.selectors import plan_of
from klankbord.timekeeping.selectors import time_return_context


def count_measure(organisation: Organisation, days: int) -> dict[str, Any]:
    """Everything the Measure page shows over the last `days` days."""
    plan = plan_of(organisation)
    period = results.last_days(organisation, days)
    found = what_works(organisation, days, period)
    found |= time_return_context(organisation, found["summary"], plan=plan)
    target_minutes = inbox_settings(organisation).target_minutes
    charts = measure_charts(organisation, *period, plan=plan, target_minutes=target_minutes)
    found["charts"] = {key: drawn(chart) for key, chart in charts.items()}
    found |= voice_figures(organisation, *period)
    found["voice_chart"] = drawn(found["voice_chart"])
    if plan is not None:
        found |= plan_figures(organisation, plan, target_minutes)
    return found


def count_dashboard(organisation: Organisation, _days: int) -> dict[str, Any]:
    """The dashboard's KPI card and sparklines."""
    return {"measure": selectors.kpi_summary(organisation), "sparks": spark_charts(organisation)}


def what_works(organisation: Organisation, days: int, period: tuple[date, date]) -> dict[str, Any]:
    summary = results.results_summary(organisation, *period)
    return {
        "audiences": audiences(organisation, *period),
        "locations": location_figures(organisation, *period),
        "days": days,
        "period_days": results.PERIOD_DAYS,
        "summary": summary,
        "min_posts": results.MIN_POSTS,
        "posts_change": change(summary.posts, summary.previous_posts),
        "engagement_change": change(summary.engagement, summary.previous_engagement),
        "tables": [
            (key, *texts.GROUPINGS[key], _bars(groups))
            for key, groups in [
                ("channels", summary.channels),
                ("pillars", summary.pillars),
                ("formats", summary.formats),
            ]
        ],
        "best_moments": summary.moments[: results.BEST_MOMENTS],
        "other_moments": summary.moments[results.BEST_MOMENTS :],
        "has_channels": channels_of(organisation).exists(),
        "channel_answers": selectors.answers_per_channel(organisation, *period),
    }


def change(now: int, before: int) -> int | None:
    """The change against the previous period in percent; None when there was nothing before."""
    return round(100 * (now - before) / before) if before else None


def _bars(groups: list[Group]) -> list[tuple[Group, int]]:
    """Each group with the width of its bar: its reactions per post against the best one's."""
    best = max((g.per_post for g in groups), default=0.0)
    return [(g, round(100 * g.per_post / best) if best else 0) for g in groups]


def plan_figures(organisation: Organisation, plan: Plan, target_minutes: int) -> dict[str, Any]:
    today = local_today(organisation)
    month_start, _month_end = selectors.period_of("month", today)
    return {
        "today": today,
        "kpis": [_kpi_row(found) for found in selectors.kpi_progress(organisation, on=today)],
        "rhythm": selectors.rhythm_rows(
            organisation, plan.steps, today - timedelta(days=selectors.RHYTHM_DAYS - 1), today
        ),
        "rhythm_days": selectors.RHYTHM_DAYS,
        "response_target": target_minutes,
        "response": selectors.response_actuals(organisation, month_start, today),
        "month_start": month_start,
        "cost": selectors.cost_figures(organisation, today),
        "active_moments": (found := active_moments(organisation)),
        "moment_rows": moment_rows(found),
    }


def _kpi_row(found: KpiProgress) -> dict[str, Any]:
    unit = texts.UNITS[found.metric.unit] if found.metric else ""
    return {
        "progress": found,
        "indicator": found.kpi.get("indicator") or "—",
        "goal": plan_texts.GOALS.get(found.kpi.get("goal") or "", ""),
        "unit": unit,
        "status": texts.STATUSES[found.status],
        "badge": texts.BADGES[found.status],
    }
