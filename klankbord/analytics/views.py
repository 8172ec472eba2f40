from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from klankbord.analytics import selectors, texts
from klankbord.analytics.moments import active_moments
from klankbord.analytics.selectors import KpiProgress
from klankbord.analytics.texts import moment_rows
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy import texts as plan_texts
from klankbord.strategy.selectors import plan_of


@org_view(Role.CLIENT)
def measure_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = plan_of(organisation)
    context: dict[str, Any] = {"membership": membership, "plan": plan}
    if plan is None:
        return render(request, "analytics/measure.html", context)
    today = local_today(organisation)
    month_start, _month_end = selectors.period_of("month", today)
    context |= {
        "today": today,
        "kpis": [_kpi_row(found) for found in selectors.kpi_progress(organisation, on=today)],
        "rhythm": selectors.rhythm_rows(
            organisation, plan.steps, today - timedelta(days=selectors.RHYTHM_DAYS - 1), today
        ),
        "rhythm_days": selectors.RHYTHM_DAYS,
        "response_target": inbox_settings(organisation).target_minutes,
        "response": selectors.response_actuals(organisation, month_start, today),
        "month_start": month_start,
        "cost": selectors.cost_figures(organisation, today),
        "active_moments": (found := active_moments(organisation)),
        "moment_rows": moment_rows(found),
    }
    return render(request, "analytics/measure.html", context)


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
