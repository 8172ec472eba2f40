from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from klankbord.accounts.types import HtmxHttpRequest
from klankbord.lib.spreadsheets import csv_bytes, xlsx_bytes
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership
from klankbord.orgs.selectors import local_today
from klankbord.strategy.selectors import plan_of
from klankbord.timekeeping import exports, selectors, services
from klankbord.timekeeping.forms import (
    AdSpendForm,
    EntryForm,
    PeriodForm,
    QuickEntryForm,
    ReturnSettingsForm,
    SuggestionForm,
    TimerStartForm,
)
from klankbord.timekeeping.models import Activity, TimeEntry
from klankbord.timekeeping.selectors import RECORDS, SEES_ALL
from klankbord.timekeeping.timer import timer_context

PERIOD_DAYS = 30
QUICK_MINUTES = (15, 30, 60)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _period(request: HttpRequest, membership: Membership) -> tuple[date, date]:
    today = local_today(membership.organisation)
    return PeriodForm(request.GET).period((today - timedelta(days=PERIOD_DAYS - 1), today))


def _to_time_page(membership: Membership) -> HttpResponse:
    return redirect("time", org_slug=membership.organisation.slug)


@org_view(RECORDS)
def time_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    today = local_today(membership.organisation)
    form = EntryForm(request.POST or None, today=today, initial={"day": today})
    if request.method == "POST" and form.is_valid():
        services.entry_create(membership=membership, **form.cleaned_data)
        messages.success(request, _("Time recorded."))
        return _to_time_page(membership)
    return _time_page(request, membership, form)


def _time_page(request: HttpRequest, membership: Membership, form: EntryForm) -> HttpResponse:
    start, end = _period(request, membership)
    entries = selectors.entries_for(membership, start, end)
    per_activity = selectors.minutes_per_activity(entries)
    context: dict[str, Any] = {
        "membership": membership,
        "form": form,
        "start": start,
        "end": end,
        "period_form": PeriodForm(initial={"van": start, "tot": end}),
        "entries": entries,
        "totals": [(Activity(key).label, minutes) for key, minutes in per_activity.items()],
        "total_minutes": sum(per_activity.values()),
        "activities": Activity.choices,
        "quick_minutes": QUICK_MINUTES,
        "suggestions": selectors.suggestions(
            membership, end - timedelta(days=selectors.SUGGESTION_DAYS - 1), end
        ),
        "suggestion_days": selectors.SUGGESTION_DAYS,
        "settings": selectors.return_settings(membership.organisation),
        "sees_all": membership.has_role(SEES_ALL),
        "query": request.GET.urlencode(),
    }
    return render(request, "timekeeping/time.html", context, status=422 if form.errors else 200)


@org_view(RECORDS)
@require_POST
def quick_entry_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = QuickEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an activity and a time."))
        return _to_time_page(membership)
    services.entry_create(
        membership=membership,
        activity=form.cleaned_data["activity"],
        day=local_today(membership.organisation),
        minutes=form.cleaned_data["minutes"],
    )
    messages.success(request, _("Time recorded."))
    return _to_time_page(membership)


@org_view(RECORDS)
def entry_edit_view(request: HttpRequest, membership: Membership, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for(membership, entry_id)
    if entry is None:
        raise Http404
    today = local_today(membership.organisation)
    initial = {"activity": entry.activity, "day": entry.day, "minutes": entry.minutes}
    form = EntryForm(request.POST or None, today=today, initial={**initial, "note": entry.note})
    if request.method == "POST" and form.is_valid():
        services.entry_update(entry=entry, **form.cleaned_data)
        messages.success(request, _("Entry changed."))
        return _to_time_page(membership)
    context = {"membership": membership, "entry": entry, "form": form}
    return render(request, "timekeeping/entry.html", context, status=422 if form.errors else 200)


@org_view(RECORDS)
@require_POST
def entry_delete_view(request: HttpRequest, membership: Membership, entry_id: int) -> HttpResponse:
    if not services.entry_delete(membership=membership, entry_id=entry_id):
        raise Http404
    messages.success(request, _("Entry removed."))
    return _to_time_page(membership)


@org_view(RECORDS)
@require_POST
def suggestion_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Accept a suggestion into an entry (with the minutes as edited), or dismiss it."""
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _to_time_page(membership)
    data = form.cleaned_data
    try:
        if request.POST.get("decision") == "dismiss":
            services.suggestion_dismiss(membership=membership, kind=data["kind"], ids=data["ids"])
            messages.success(request, _("Suggestion dismissed: it will not come back."))
        elif not data["minutes"]:
            messages.error(request, _("Enter the time you spent, or dismiss the suggestion."))
        else:
            services.suggestion_accept(membership=membership, **data)
            messages.success(request, _("Time recorded."))
    except services.TimeError as error:
        messages.error(request, error.message)
    return _to_time_page(membership)


# --- the timer -------------------------------------------------------------------------------


def _next_url(request: HttpRequest, membership: Membership) -> str:
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return (
        next_url
        if safe and next_url.startswith("/")
        else reverse("time", args=[membership.organisation.slug])
    )


def _timer_answer(
    request: HtmxHttpRequest, membership: Membership, error: str = ""
) -> HttpResponse:
    """The header's timer again for htmx; otherwise back to the page the form was on."""
    next_url = _next_url(request, membership)
    if request.htmx:
        context = timer_context(membership, selectors.running_timer(membership), next_url)
        return render(
            request, "timekeeping/partials/header_timer.html", {**context, "error": error}
        )
    if error:
        messages.error(request, error)
    return redirect(next_url)


@org_view(RECORDS)
@require_POST
def timer_start_view(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    form = TimerStartForm(request.POST)
    if not form.is_valid():
        return _timer_answer(request, membership, _("Choose what you are working on."))
    try:
        services.timer_start(membership=membership, activity=form.cleaned_data["activity"])
    except services.TimeError as error:
        return _timer_answer(request, membership, error.message)
    return _timer_answer(request, membership)


@org_view(RECORDS)
@require_POST
def timer_stop_view(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    entry = services.timer_stop(membership=membership)
    if entry is not None and not request.htmx:
        recorded = ngettext(
            "%(count)s minute recorded.", "%(count)s minutes recorded.", entry.minutes
        )
        messages.success(request, recorded % {"count": entry.minutes})
    return _timer_answer(request, membership)


# --- money: ad spend and what results are worth ------------------------------------------------


@org_view(SEES_ALL)
def costs_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    settings = selectors.return_settings(membership.organisation)
    form = ReturnSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        services.return_settings_save(membership=membership, settings=form.save(commit=False))
        messages.success(request, _("Values saved."))
        return redirect("time_costs", org_slug=membership.organisation.slug)
    return _costs_page(request, membership, form, AdSpendForm())


def _costs_page(
    request: HttpRequest, membership: Membership, form: ReturnSettingsForm, spend_form: AdSpendForm
) -> HttpResponse:
    organisation = membership.organisation
    context = {
        "membership": membership,
        "form": form,
        "spend_form": spend_form,
        "spends": selectors.ad_spends(organisation),
        "plan": plan_of(organisation),
        "hourly_cost": selectors.hourly_cost(plan_of(organisation)),
    }
    invalid = form.errors or spend_form.errors
    return render(request, "timekeeping/costs.html", context, status=422 if invalid else 200)


@org_view(SEES_ALL)
@require_POST
def ad_spend_add_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    spend_form = AdSpendForm(request.POST)
    if not spend_form.is_valid():
        settings = selectors.return_settings(membership.organisation)
        return _costs_page(request, membership, ReturnSettingsForm(instance=settings), spend_form)
    services.ad_spend_create(membership=membership, **spend_form.cleaned_data)
    messages.success(request, _("Ad spend recorded."))
    return redirect("time_costs", org_slug=membership.organisation.slug)


@org_view(SEES_ALL)
@require_POST
def ad_spend_delete_view(
    request: HttpRequest, membership: Membership, spend_id: int
) -> HttpResponse:
    if not services.ad_spend_delete(membership=membership, spend_id=spend_id):
        raise Http404
    messages.success(request, _("Ad spend removed."))
    return redirect("time_costs", org_slug=membership.organisation.slug)


# --- download ----------------------------------------------------------------------------------


@org_view(RECORDS)
def time_export_view(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    start, end = _period(request, membership)
    entries: list[TimeEntry] = list(selectors.entries_for(membership, start, end))
    headers, rows = exports.entry_table(entries)
    if fmt == "csv":
        content = csv_bytes(headers, rows)
    else:
        content = xlsx_bytes(_("Time spent"), headers, rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"klankbord-{membership.organisation.slug}-time-{start}-{end}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
