"""Client reports and read-only report addresses: managed by owners and managers, read by anyone
with a live address."""

import html
import re
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from klankbord.analytics import client_reports, report_links
from klankbord.analytics.chart_sets import Chart, report_charts
from klankbord.analytics.export import pdf_filename, report_blocks, report_pdf, report_title
from klankbord.analytics.forms import ClientReportForm, ReportLinkForm
from klankbord.analytics.models import ClientReport, ReportLink
from klankbord.analytics.report import MonthlyReport, period_report
from klankbord.lib import pdf
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role
from klankbord.orgs.selectors import local_today

MANAGES_REPORTS = Role.MANAGER
BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def _schedule(membership: Membership, client_report_id: int) -> ClientReport:
    return get_object_or_404(
        ClientReport, pk=client_report_id, organisation=membership.organisation
    )


def _list_url(membership: Membership) -> str:
    return reverse("client_reports", args=[membership.organisation.slug])


@org_view(MANAGES_REPORTS)
def client_reports_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    links = [
        (link, request.build_absolute_uri(reverse("report_shared", args=[_token(link)])))
        for link in report_links.live_links(organisation)
    ]
    context = {
        "membership": membership,
        "schedules": ClientReport.objects.filter(organisation=organisation),
        "links": links,
        "link_form": ReportLinkForm(),
    }
    return render(request, "analytics/client_reports.html", context)


def _token(link: ReportLink) -> str:
    return report_links.link_token(link)


@org_view(MANAGES_REPORTS)
def client_report_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ClientReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        report = client_reports.client_report_create(
            organisation=membership.organisation, by=membership, data=data
        )
        messages.success(request, _("Client report %(name)s saved.") % {"name": report.name})
        return redirect(_list_url(membership))
    return _form_page(request, membership, form, None)


@org_view(MANAGES_REPORTS)
def client_report_edit_view(
    request: HttpRequest, membership: Membership, client_report_id: int
) -> HttpResponse:
    report = _schedule(membership, client_report_id)
    form = ClientReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        client_reports.client_report_update(report=report, by=membership, data=data)
        messages.success(request, _("Client report %(name)s saved.") % {"name": report.name})
        return redirect(_list_url(membership))
    return _form_page(request, membership, form, report)


def _form_page(
    request: HttpRequest,
    membership: Membership,
    form: ClientReportForm,
    report: ClientReport | None,
) -> HttpResponse:
    context = {"membership": membership, "form": form, "schedule": report}
    status = 422 if form.errors else 200
    return render(request, "analytics/client_report_form.html", context, status=status)


@org_view(MANAGES_REPORTS)
@require_POST
def client_report_delete_view(
    request: HttpRequest, membership: Membership, client_report_id: int
) -> HttpResponse:
    report = _schedule(membership, client_report_id)
    client_reports.client_report_delete(report=report, by=membership)
    messages.success(request, _("Client report %(name)s deleted.") % {"name": report.name})
    return redirect(_list_url(membership))


@org_view(MANAGES_REPORTS)
@require_POST
def client_report_test_view(
    request: HttpRequest, membership: Membership, client_report_id: int
) -> HttpResponse:
    report = _schedule(membership, client_report_id)
    try:
        client_reports.client_report_test(report=report, by=membership)
    except Exception:  # noqa: BLE001  # the mail server's reason means nothing to the member
        messages.error(request, _("The test could not be sent. Try again later."))
    else:
        messages.success(
            request,
            _("A test went to %(address)s, as the recipients would get it.")
            % {"address": membership.user.email},
        )
    return redirect(_list_url(membership))


@org_view(MANAGES_REPORTS)
@require_POST
def report_link_create_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ReportLinkForm(request.POST, today=local_today(membership.organisation))
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
        return redirect(_list_url(membership) + "#report-links")
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    report_links.report_link_create(organisation=membership.organisation, by=membership, data=data)
    messages.success(request, _("New report address made. Copy it below."))
    return redirect(_list_url(membership) + "#report-links")


@org_view(MANAGES_REPORTS)
@require_POST
def report_link_revoke_view(
    request: HttpRequest, membership: Membership, report_link_id: int
) -> HttpResponse:
    link = get_object_or_404(ReportLink, pk=report_link_id, organisation=membership.organisation)
    report_links.report_link_revoke(link=link, by=membership)
    messages.success(request, _("The report address no longer works."))
    return redirect(_list_url(membership) + "#report-links")


# --- the page behind a report address ------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the report as the page shows it: the PDF's blocks, as HTML."""

    kind: str  # heading, paragraph, bullets, table, note
    text: SafeString | str = ""
    level: int = 1
    items: tuple[SafeString, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[tuple[str, str], ...], ...] = ()  # (its column's name, the cell)


def bold(text: str) -> SafeString:
    """A report text with its **bold** marks as <strong>; everything else escaped."""
    escaped = html.escape(text, quote=False)
    return mark_safe(BOLD.sub(r"<strong>\1</strong>", escaped))  # noqa: S308  # escaped above


def page_parts(report: MonthlyReport) -> list[Part]:
    """Exactly what the PDF shows, without its drawings: the page draws the charts itself."""
    parts = []
    for block in report_blocks(report, with_charts=False):
        if isinstance(block, pdf.Heading):
            parts.append(Part("heading", block.text, level=block.level))
        elif isinstance(block, pdf.Paragraph):
            parts.append(Part("paragraph", bold(block.text)))
        elif isinstance(block, pdf.Bullets):
            parts.append(Part("bullets", items=tuple(bold(item) for item in block.items)))
        elif isinstance(block, pdf.Table):
            # A figure next to its name needs no other label on a phone.
            names = block.header if len(block.header) > 2 else [""] * len(block.header)
            rows = tuple(tuple(zip(names, row, strict=False)) for row in block.rows)
            parts.append(Part("table", header=tuple(block.header), rows=rows))
        elif isinstance(block, pdf.Note):
            parts.append(Part("note", block.text))
    return parts


def _live_link(token: str) -> ReportLink:
    # A revoked address and one that never existed answer the same.
    link = report_links.link_for_token(token)
    if link is None:
        raise Http404
    return link


def _built(link: ReportLink) -> MonthlyReport:
    period = report_links.link_period(link, local_today(link.organisation))
    return period_report(link.organisation, period.start, period.last_day, period.kind)


def _private(response: HttpResponse, language: str) -> HttpResponse:
    """A report address must not leak through search engines, links clicked or caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def report_shared_view(request: HttpRequest, token: str) -> HttpResponse:
    link = _live_link(token)
    organisation = link.organisation
    with override(link.language), timezone.override(organisation.timezone):
        report = _built(link)
        context = {
            "token": token,
            "organisation": organisation,
            "report": report,
            "title": report_title(report),
            "parts": page_parts(report),
            "charts": _charts(report),
        }
        response = render(request, "analytics/report_shared.html", context)
    return _private(response, link.language)


def _charts(report: MonthlyReport) -> list[Chart]:
    return report_charts(
        report.organisation,
        report.start,
        report.end,
        has_plan=report.has_plan,
        target_minutes=report.response_target,
    )


def report_shared_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    link = _live_link(token)
    with override(link.language), timezone.override(link.organisation.timezone):
        report = _built(link)
        content = report_pdf(report, language=link.language.split("-")[0])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(report)}"'
    return _private(response, link.language)
