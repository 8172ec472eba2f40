from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from klankbord.analytics import results, selectors, texts
from klankbord.analytics.audience import audiences
from klankbord.analytics.export import pdf_filename, report_pdf
from klankbord.analytics.moments import active_moments
from klankbord.analytics.report import month_from, report_for
from klankbord.analytics.results import Group
from klankbord.analytics.selectors import KpiProgress
from klankbord.analytics.texts import moment_rows
from klankbord.channels.selectors import channels_of
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy import texts as plan_texts
from klankbord.strategy.models import Plan
from klankbord.strategy.selectors import plan_of


@org_view(Role.CLIENT)
def measure_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = plan_of(organisation)
    context: dict[str, Any] = {"membership": membership, "plan": plan}
    context |= _what_works(organisation, _period_days(request.GET.get("dagen", "")))
    context |= {
        "may_connect": membership.has_role(Role.MANAGER),
        "may_compose": membership.has_role(Role.CONTRIBUTOR),
    }
    if plan is not None:
        context |= _plan_figures(organisation, plan)
    return render(request, "analytics/measure.html", context)


def _period_days(value: str) -> int:
    """The chosen period; anything but one of the offered lengths shows the first quietly."""
    return int(value) if value in {str(days) for days in results.PERIOD_DAYS} else 30


def _what_works(organisation: Organisation, days: int) -> dict[str, Any]:
    period = results.last_days(organisation, days)
    summary = results.results_summary(organisation, *period)
    return {
        "audiences": audiences(organisation, *period),
        "days": days,
        "period_days": results.PERIOD_DAYS,
        "summary": summary,
        "min_posts": results.MIN_POSTS,
        "posts_change": _change(summary.posts, summary.previous_posts),
        "engagement_change": _change(summary.engagement, summary.previous_engagement),
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
    }


def _change(now: int, before: int) -> int | None:
    """The change against the previous period in percent; None when there was nothing before."""
    return round(100 * (now - before) / before) if before else None


def _bars(groups: list[Group]) -> list[tuple[Group, int]]:
    """Each group with the width of its bar: its reactions per post against the best one's."""
    best = max((g.per_post for g in groups), default=0.0)
    return [(g, round(100 * g.per_post / best) if best else 0) for g in groups]


def _plan_figures(organisation: Organisation, plan: Plan) -> dict[str, Any]:
    today = local_today(organisation)
    month_start, _month_end = selectors.period_of("month", today)
    return {
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


@org_view(Role.CLIENT)
def report_pdf_view(request: HttpRequest, membership: Membership, month: str) -> HttpResponse:
    organisation = membership.organisation
    month_start = month_from(organisation, month)
    if month_start is None:
        raise Http404
    found = report_for(organisation, month_start)
    pdf = report_pdf(found, language=(get_language() or "nl").split("-")[0])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(found)}"'
    return response
