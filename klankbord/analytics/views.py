from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klankbord.analytics import results, review
from klankbord.analytics.export import pdf_filename, report_pdf
from klankbord.analytics.figures import counted_since, measure_figures
from klankbord.analytics.report import month_from, report_for
from klankbord.orgs.access import org_view, require_role
from klankbord.orgs.models import Membership, Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy import services as plan_services
from klankbord.strategy.forms import ReviewForm
from klankbord.strategy.review import kpi_lines, review_figures
from klankbord.strategy.selectors import plan_of, step_states
from klankbord.strategy.services import EDITS_THE_PLAN
from klankbord.timekeeping.selectors import SEES_ALL


@org_view(Role.CLIENT)
def measure_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    days = _period_days(request.GET.get("dagen", ""))
    # ?vers=1 counts now instead of showing the figures kept from a few minutes ago.
    found = measure_figures(organisation, days, fresh=request.GET.get("vers") == "1")
    context: dict[str, Any] = {
        "membership": membership,
        "plan": plan_of(organisation),
        **found.values,
        "counted_at": found.counted_at,
        "recounting": found.recounting,
        "may_connect": membership.has_role(Role.MANAGER),
        "may_compose": membership.has_role(Role.CONTRIBUTOR),
        "may_edit_money": membership.has_role(SEES_ALL),
        "may_add_monitor": membership.has_role(Role.EDITOR),
    }
    return render(request, "analytics/measure.html", context)


@org_view(Role.CLIENT)
def measure_counted_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Asked every few seconds while older figures are shown: reload the page once the
    background has counted them again (204 until then)."""
    days = _period_days(request.GET.get("dagen", ""))
    shown = parse_datetime(request.GET.get("sinds", ""))
    if shown is None:
        return HttpResponse(status=400)
    if not counted_since(membership.organisation, days, shown):
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


def _period_days(value: str) -> int:
    """The chosen period; anything but one of the offered lengths shows the first quietly."""
    return int(value) if value in {str(days) for days in results.PERIOD_DAYS} else 30


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
