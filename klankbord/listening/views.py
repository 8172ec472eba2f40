from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from klankbord.analytics.forms import ReportSubscriptionForm
from klankbord.analytics.report import report_subscription_save, wants_monthly_report
from klankbord.core.imports import import_job_create
from klankbord.core.models import ImportJob
from klankbord.lib.paging import CappedPaginator
from klankbord.listening import feeds, privacy, selectors, services
from klankbord.listening.alerts import rule_for
from klankbord.listening.forms import (
    AlertRuleForm,
    AuthorForm,
    ImportForm,
    MonitorForm,
    PrivacyForm,
    SearchSourceForm,
    WebhookForm,
)
from klankbord.listening.models import Monitor, Webhook
from klankbord.listening.query import QueryError, parse
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role
from klankbord.understanding.models import Intent, Sentiment

PAGE_SIZE = 50


@org_view()
def listen_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    context = {
        "membership": membership,
        "monitors": selectors.monitors_of(organisation),
        "latest": selectors.mentions_of(organisation, selectors.MentionFilters())[:20],
        "may_edit": membership.has_role(Role.EDITOR),
        "terms": (),
    }
    return render(request, "listening/listen.html", context)


def _monitor_or_404(membership: Membership, monitor_id: int) -> Monitor:
    monitor = Monitor.objects.filter(pk=monitor_id, organisation=membership.organisation).first()
    if monitor is None:
        raise Http404
    return monitor


@org_view(Role.EDITOR)
def monitor_edit_view(
    request: HttpRequest, membership: Membership, monitor_id: int | None = None
) -> HttpResponse:
    organisation = membership.organisation
    monitor = _monitor_or_404(membership, monitor_id) if monitor_id else None
    form = MonitorForm(
        request.POST or None,
        instance=monitor,
        organisation=organisation,
        kind=request.GET.get("soort", ""),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation = organisation
        saved.created_by = saved.created_by or membership.user
        saved.save()
        form.save_m2m()
        services.monitor_saved(membership, saved, created=monitor is None)
        rule_for(membership)  # whoever sets up listening hears the urgent items by default
        messages.success(request, _("Monitor saved. New mentions appear as the sources are read."))
        return redirect("monitor", org_slug=organisation.slug, monitor_id=saved.pk)
    context = {"membership": membership, "form": form, "monitor": monitor}
    return render(
        request, "listening/monitor_form.html", context, status=422 if form.errors else 200
    )


@org_view(Role.EDITOR)
@require_POST
def query_preview_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What a query would match among stored mentions, or where it goes wrong."""
    text = request.POST.get("query", "").strip()
    context: dict[str, Any] = {"membership": membership, "query": text}
    try:
        query = parse(text)
    except QueryError as error:
        context["error"] = error.message
        context["before"], context["at"] = text[: error.position], text[error.position :]
    else:
        context["matches"], context["total"] = selectors.preview(membership.organisation, query)
        context["terms"] = query.terms()
    return render(request, "listening/partials/preview.html", context)


@org_view(Role.EDITOR)
@require_POST
def monitor_delete_view(
    request: HttpRequest, membership: Membership, monitor_id: int
) -> HttpResponse:
    monitor = _monitor_or_404(membership, monitor_id)
    monitor.delete()
    messages.success(
        request, _("Monitor removed. Its mentions stay under other monitors and in the inbox.")
    )
    return redirect("listen", org_slug=membership.organisation.slug)


@org_view(Role.EDITOR)
@require_POST
def monitor_pause_view(
    request: HttpRequest, membership: Membership, monitor_id: int
) -> HttpResponse:
    return _monitor_listening(request, membership, monitor_id, active=False)


@org_view(Role.EDITOR)
@require_POST
def monitor_resume_view(
    request: HttpRequest, membership: Membership, monitor_id: int
) -> HttpResponse:
    return _monitor_listening(request, membership, monitor_id, active=True)


def _monitor_listening(
    request: HttpRequest, membership: Membership, monitor_id: int, *, active: bool
) -> HttpResponse:
    monitor = _monitor_or_404(membership, monitor_id)
    changed = services.monitor_listening_set(membership, monitor, active=active)
    if active:
        text = (
            _("%(name)s listens again: new mentions appear as the sources are read.")
            if changed
            else _("%(name)s was already listening.")
        )
    else:
        text = (
            _(
                "%(name)s is paused: it finds no new mentions until you resume it. "
                "The mentions it found stay."
            )
            if changed
            else _("%(name)s was already paused.")
        )
    messages.success(request, text % {"name": monitor.name})
    slug = membership.organisation.slug
    if request.POST.get("from") == "list":
        return redirect("listen", org_slug=slug)
    return redirect("monitor", org_slug=slug, monitor_id=monitor.pk)


def _filters(request: HttpRequest, monitor: Monitor | None) -> selectors.MentionFilters:
    get = request.GET
    return selectors.MentionFilters(
        monitor=monitor,
        sentiment=get.get("sentiment", "") if get.get("sentiment") in Sentiment.values else "",
        intent=get.get("intent", "") if get.get("intent") in Intent.values else "",
        source_id=int(get["source"]) if get.get("source", "").isdigit() else None,
        language=get.get("language", "")[:5],
        since=_date(get.get("since")),
        until=_date(get.get("until")),
        place=get.get("place", "")[:100],
        search=get.get("q", "")[:200],
    )


def _terms(query: str) -> tuple[str, ...]:
    try:
        return parse(query).terms()
    except QueryError:
        return ()


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@org_view()
def monitor_view(request: HttpRequest, membership: Membership, monitor_id: int) -> HttpResponse:
    monitor = _monitor_or_404(membership, monitor_id)
    filters = _filters(request, monitor)
    found = selectors.mentions_of(membership.organisation, filters)
    counted = selectors.mentions_of(membership.organisation, filters, to_count=True)
    page = CappedPaginator(found, PAGE_SIZE, counted=counted).get_page(request.GET.get("page"))
    days = selectors.trend(selectors.monitor_mentions(monitor))
    context = {
        "membership": membership,
        "monitor": monitor,
        "page": page,
        "filters": filters,
        "trend": days,
        "trend_max": max([day["total"] for day in days] + [1]),
        "sources": selectors.sources_of(membership.organisation),
        "sentiments": Sentiment.choices,
        "intents": Intent.choices,
        "may_edit": membership.has_role(Role.EDITOR),
        "feed_urls": feeds.feed_urls(request, monitor),
        "terms": _terms(monitor.query),
    }
    return render(request, "listening/monitor.html", context)


@org_view(Role.EDITOR)
def sources_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    search_form = SearchSourceForm(
        request.POST if request.POST.get("action") == "search" else None, organisation=organisation
    )
    import_form = ImportForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES or None,
    )
    if (
        request.method == "POST"
        and request.POST.get("action") == "search"
        and search_form.is_valid()
    ):
        services.search_source_add(
            membership, search_form.cleaned_data["channel"], search_form.cleaned_data["term"]
        )
        messages.success(request, _("Source added. It is read every five minutes."))
        return redirect("listening_sources", org_slug=organisation.slug)
    if (
        request.method == "POST"
        and request.POST.get("action") == "import"
        and import_form.is_valid()
    ):
        # A worker reads the file; the page it leads to shows the progress.
        job = import_job_create(
            membership=membership,
            kind=ImportJob.Kind.MENTIONS,
            upload=import_form.cleaned_data["file"],
        )
        return redirect("import_job", org_slug=organisation.slug, job_id=job.pk)
    context = {
        "membership": membership,
        "sources": selectors.sources_of(organisation),
        "drops": selectors.drops_of(organisation),
        "search_form": search_form,
        "import_form": import_form,
    }
    return render(
        request,
        "listening/sources.html",
        context,
        status=422 if search_form.errors or import_form.errors else 200,
    )


@org_view()
def alerts_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    rule = rule_for(membership)
    form = AlertRuleForm(
        request.POST if request.POST.get("action") == "rule" else None,
        instance=rule,
        organisation=organisation,
    )
    report_form = ReportSubscriptionForm(
        request.POST if request.POST.get("action") == "rule" else None,
        initial={"monthly": wants_monthly_report(membership)},
        prefix="report",
    )
    may_manage = membership.has_role(Role.MANAGER)
    webhook_form = WebhookForm(request.POST if request.POST.get("action") == "webhook" else None)
    if (
        request.method == "POST"
        and request.POST.get("action") == "rule"
        and form.is_valid()
        and report_form.is_valid()
    ):
        form.save()
        report_subscription_save(membership=membership, monthly=report_form.cleaned_data["monthly"])
        messages.success(request, _("Your alert settings are saved."))
        return redirect("listening_alerts", org_slug=organisation.slug)
    if request.method == "POST" and request.POST.get("action") == "webhook":
        if not may_manage:
            raise PermissionDenied
        if webhook_form.is_valid():
            Webhook.objects.create(organisation=organisation, **webhook_form.cleaned_data)
            messages.success(request, _("Webhook added."))
            return redirect("listening_alerts", org_slug=organisation.slug)
    context = {
        "membership": membership,
        "form": form,
        "report_form": report_form,
        "webhook_form": webhook_form,
        "webhooks": Webhook.objects.filter(organisation=organisation),
        "may_manage": may_manage,
    }
    status = 422 if form.errors or webhook_form.errors else 200
    return render(request, "listening/alerts.html", context, status=status)


@org_view(Role.MANAGER)
@require_POST
def webhook_delete_view(
    request: HttpRequest, membership: Membership, webhook_id: int
) -> HttpResponse:
    deleted, _rows = Webhook.objects.filter(
        organisation=membership.organisation, pk=webhook_id
    ).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Webhook removed."))
    return redirect("listening_alerts", org_slug=membership.organisation.slug)


@org_view(Role.EDITOR)
@require_POST
def monitor_feed_view(
    request: HttpRequest, membership: Membership, monitor_id: int
) -> HttpResponse:
    monitor = _monitor_or_404(membership, monitor_id)
    if request.POST.get("action") == "revoke":
        feeds.feed_revoke(membership, monitor)
        messages.success(request, _("The feed address no longer works."))
    else:
        feeds.feed_create(membership, monitor)
        messages.success(request, _("New feed address made; an older one no longer works."))
    return redirect("monitor", org_slug=membership.organisation.slug, monitor_id=monitor.pk)


def _public_monitor(token: str) -> Monitor:
    monitor = feeds.monitor_for_token(token)
    if monitor is None:
        raise Http404
    return monitor


def monitor_feed_atom_view(request: HttpRequest, token: str) -> HttpResponse:
    monitor = _public_monitor(token)
    link = request.build_absolute_uri("/")
    return HttpResponse(
        feeds.atom(monitor, link), content_type="application/atom+xml; charset=utf-8"
    )


def monitor_feed_json_view(request: HttpRequest, token: str) -> JsonResponse:
    monitor = _public_monitor(token)
    link = request.build_absolute_uri("/")
    return JsonResponse(feeds.json_feed(monitor, link), content_type="application/feed+json")


@org_view(Role.MANAGER)
def privacy_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    action = request.POST.get("action")
    form = PrivacyForm(
        request.POST if action == "settings" else None, instance=privacy.settings_for(organisation)
    )
    author_form = AuthorForm(request.POST if action in ("erase", "export") else None)
    if action == "settings" and form.is_valid():
        privacy.settings_saved(membership, form.save())
        messages.success(request, _("Privacy settings saved."))
        return redirect("listening_privacy", org_slug=organisation.slug)
    if action == "export" and author_form.is_valid():
        exported = privacy.author_export(membership, author_form.cleaned_data["handle"])
        response = JsonResponse(exported, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="klankbord-author-export.json"'
        return response
    if action == "erase" and author_form.is_valid():
        deleted = privacy.author_erase(membership, author_form.cleaned_data["handle"])
        messages.success(
            request,
            ngettext(
                "%(count)s mention deleted; this author's mentions are no longer stored.",
                "%(count)s mentions deleted; this author's mentions are no longer stored.",
                deleted,
            )
            % {"count": deleted},
        )
        return redirect("listening_privacy", org_slug=organisation.slug)
    context = {"membership": membership, "form": form, "author_form": author_form}
    status = 422 if form.errors or author_form.errors else 200
    return render(request, "listening/privacy.html", context, status=status)
