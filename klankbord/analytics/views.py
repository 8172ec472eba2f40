from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klankbord.analytics import results, review, selectors, texts
from klankbord.analytics.audience import audiences
from klankbord.analytics.chart_sets import measure_charts
from klankbord.analytics.export import pdf_filename, report_pdf
from klankbord.analytics.locations import location_figures
from klankbord.analytics.moments import active_moments
from klankbord.analytics.report import month_from, report_for
from klankbord.analytics.results import Group
from klankbord.analytics.selectors import KpiProgress
from klankbord.analytics.texts import moment_rows
from klankbord.analytics.voice import voice_figures
from klankbord.channels.selectors import channels_of
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.access import org_view, require_role
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy import services as plan_services
from klankbord.strategy import texts as plan_texts
from klankbord.strategy.forms import ReviewForm
from klankbord.strategy.models import Plan
from klankbord.strategy.review import kpi_lines, review_figures
from klankbord.strategy.selectors import plan_of, step_states
from klankbord.strategy.services import EDITS_THE_PLAN
from klankbord.timekeeping.selectors import time_return_context


@org_view(Role.CLIENT)
def measure_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = plan_of(organisation)
    context: dict[str, Any] = {"membership": membership, "plan": plan}
    context |= _what_works(organisation, _period_days(request.GET.get("dagen", "")))
    context |= time_return_context(membership, context["summary"], plan=plan)
    target_minutes = inbox_settings(organisation).target_minutes
    context["charts"] = measure_charts(
        organisation,
        *results.last_days(organisation, context["days"]),
        plan=plan,
        target_minutes=target_minutes,
    )
    context |= voice_figures(membership, *results.last_days(organisation, context["days"]))
    context |= {
        "may_connect": membership.has_role(Role.MANAGER),
        "may_compose": membership.has_role(Role.CONTRIBUTOR),
    }
    if plan is not None:
        context |= _plan_figures(organisation, plan, target_minutes)
    return render(request, "analytics/measure.html", context)


def _period_days(value: str) -> int:
    """The chosen period; anything but one of the offered lengths shows the first quietly."""
    return int(value) if value in {str(days) for days in results.PERIOD_DAYS} else 30


def _what_works(organisation: Organisation, days: int) -> dict[str, Any]:
    period = results.last_days(organisation, days)
    summary = results.results_summary(organisation, *period)
    return {
        "audiences": audiences(organisation, *period),
        "locations": location_figures(organisation, *period),
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
        "channel_answers": selectors.answers_per_channel(organisation, *period),
    }


def _change(now: int, before: int) -> int | None:
    """The change against the previous period in percent; None when there was nothing before."""
    return round(100 * (now - before) / before) if before else None


def _bars(groups: list[Group]) -> list[tuple[Group, int]]:
    """Each group with the width of its bar: its reactions per post against the best one's."""
    best = max((g.per_post for g in groups), default=0.0)
    return [(g, round(100 * g.per_post / best) if best else 0) for g in groups]


def _plan_figures(organisation: Organisation, plan: Plan, target_minutes: int) -> dict[str, Any]:
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


# --- the plan's evaluation: the plan next to what happened ---------------------------------------


@org_view()
def plan_review_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = plan_of(organisation)
    if plan is None:
        messages.error(request, _("Fill in at least one step before evaluating the plan."))
        return redirect("plan", org_slug=organisation.slug)
    today = local_today(organisation)
    start, end = review.review_period(plan, today)
    record = review.review_record(plan, start, end)
    entered = [
        (line.index, line.indicator) for line in kpi_lines(record) if line.source == "entered"
    ]
    form = ReviewForm(request.POST or None, entered=entered)
    if not membership.has_role(EDITS_THE_PLAN):
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        require_role(membership, EDITS_THE_PLAN)
        if form.is_valid():
            review.with_entered(record, form.entered(), form.cleaned_data["notes"])
            version = plan_services.plan_review_save(plan=plan, by=membership, record=record)
            messages.success(
                request,
                _("Review saved. The next evaluation is on %(date)s.")
                % {"date": date_format(plan.next_review_on or today, "DATE_FORMAT")},
            )
            return redirect("plan_version", org_slug=organisation.slug, version_id=version.pk)
    context = {
        "membership": membership,
        "plan": plan,
        "kpis": [
            (line, form[f"actual_{line.index}"] if line.source == "entered" else None)
            for line in kpi_lines(record)
        ],
        **review_figures(record),
        "form": form,
        "may_edit": membership.has_role(EDITS_THE_PLAN),
        "states": step_states(plan.steps),
    }
    return render(request, "analytics/review.html", context, status=422 if form.errors else 200)
