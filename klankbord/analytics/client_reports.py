"""Client reports: the results of a month, a quarter or chosen dates, e-mailed on a schedule to
people outside the organisation (an agency's client), in their language, with the PDF attached.

A period goes out once the period is over, from REPORT_HOUR on its next day in the
organisation's zone. The schedule is claimed with a conditional UPDATE of last_sent_for before
anything is sent, so two workers or two beats never send it twice; when the mail server refuses
the message, the claim is given back and the next round tries again.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.analytics.chart_mail import attach_charts, mail_charts
from klankbord.analytics.export import pdf_filename, report_pdf
from klankbord.analytics.models import ClientReport
from klankbord.analytics.report import MAILED_TOP, REPORT_HOUR, MonthlyReport, period_report
from klankbord.analytics.selectors import period_of
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record

ERROR_CHARS = 500


@dataclass(frozen=True)
class Period:
    start: date
    last_day: date
    kind: str  # "month", "quarter" or "custom"


# --- which period --------------------------------------------------------------------------------


def report_day(organisation: Organisation, now: datetime) -> date:
    """The local date whose reports are due: a day's reports wait until REPORT_HOUR."""
    local = timezone.localtime(now, ZoneInfo(organisation.timezone))
    return (local - timedelta(hours=REPORT_HOUR)).date()


def last_whole(kind: str, day: date) -> Period:
    """The last whole month or quarter before the one `day` is in."""
    start, _last = period_of(kind, day)
    previous_start, previous_last = period_of(kind, start - timedelta(days=1))
    return Period(previous_start, previous_last, kind)


def due_period(report: ClientReport, now: datetime) -> Period | None:
    """The period to send now, or None: sent already, not over yet, or paused."""
    if not report.active:
        return None
    day = report_day(report.organisation, now)
    if report.period == ClientReport.Period.CUSTOM:
        if report.starts_on is None or report.ends_on is None or day <= report.ends_on:
            return None
        period = Period(report.starts_on, report.ends_on, "custom")
    else:
        period = last_whole(report.period, day)
    if report.last_sent_for is not None and report.last_sent_for >= period.start:
        return None
    return period


def latest_period(report: ClientReport, today: date) -> Period:
    """The period a test shows: the custom dates, or the last whole month or quarter."""
    if report.period == ClientReport.Period.CUSTOM and report.starts_on and report.ends_on:
        return Period(report.starts_on, report.ends_on, "custom")
    kind = report.period if report.period != ClientReport.Period.CUSTOM else "month"
    return last_whole(kind, today)


# --- saving ------------------------------------------------------------------------------------


def client_report_create(
    *, organisation: Organisation, by: Membership, data: dict[str, Any]
) -> ClientReport:
    """A new schedule. A month or quarter starts with the one running now: the first report
    goes out when it is over (send a test for an earlier one)."""
    report = ClientReport(organisation=organisation, created_by=by.user, **data)
    if report.period != ClientReport.Period.CUSTOM:
        report.last_sent_for = last_whole(
            report.period, report_day(organisation, timezone.now())
        ).start
    report.save()
    _audit(by, "report.client_created", report)
    return report


def client_report_update(
    *, report: ClientReport, by: Membership, data: dict[str, Any]
) -> ClientReport:
    # As stored: a bound form has already changed the object it was given.
    before = ClientReport.objects.values_list("period", "starts_on", "ends_on").get(pk=report.pk)
    for name, value in data.items():
        setattr(report, name, value)
    changed = list(data)
    if (report.period, report.starts_on, report.ends_on) != before:
        # Another kind of period or other dates: start again from the period running now.
        report.last_sent_for = None
        if report.period != ClientReport.Period.CUSTOM:
            day = report_day(report.organisation, timezone.now())
            report.last_sent_for = last_whole(report.period, day).start
        changed.append("last_sent_for")
    # Only what was changed: a round sending this schedule meanwhile keeps its claim.
    report.save(update_fields=changed)
    _audit(by, "report.client_changed", report)
    return report


def client_report_delete(*, report: ClientReport, by: Membership) -> None:
    _audit(by, "report.client_deleted", report)
    report.delete()


def _audit(by: Membership, action: str, report: ClientReport) -> None:
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action=action,
        target=report.name,
        data={"period": report.period, "recipients": len(report.recipients)},
    )


# --- claiming and sending ------------------------------------------------------------------------


def client_report_claim(report: ClientReport, period_start: date) -> bool:
    """Mark the period as sent; False when another process got there first, or the schedule
    was paused or deleted meanwhile."""
    claimed = (
        ClientReport.objects.filter(pk=report.pk, active=True)
        .filter(Q(last_sent_for__isnull=True) | Q(last_sent_for__lt=period_start))
        .update(last_sent_for=period_start, last_sent_at=timezone.now(), last_error="")
    )
    return claimed == 1


def _unclaim(report: ClientReport, period_start: date, error: Exception) -> None:
    """Give the period back, so the next round sends it; only if it is still ours."""
    ClientReport.objects.filter(pk=report.pk, last_sent_for=period_start).update(
        last_sent_for=report.last_sent_for,
        last_sent_at=report.last_sent_at,
        last_error=f"{type(error).__name__}: {error}"[:ERROR_CHARS],
    )


def send_client_reports(now: datetime | None = None) -> int:
    """Every due client report, once; returns the reports sent."""
    now = now or timezone.now()
    sent = 0
    reports = ClientReport.objects.filter(active=True).select_related("organisation", "created_by")
    for report in reports.order_by("pk"):
        period = due_period(report, now)
        if period is not None and client_report_send(report, period):
            sent += 1
    return sent


def client_report_send(report: ClientReport, period: Period) -> bool:
    """Claim the period, then mail it; False when it was not ours to send or the mail failed."""
    if not client_report_claim(report, period.start):
        return False
    try:
        client_report_message(report, period, report.recipients).send()
    except Exception as error:  # noqa: BLE001  # any failure to hand it over: try again later
        _unclaim(report, period.start, error)
        return False
    audit_record(
        organisation=report.organisation,
        actor=None,
        action="report.client_sent",
        target=report.name,
        data={"start": period.start.isoformat(), "recipients": len(report.recipients)},
    )
    return True


def client_report_test(*, report: ClientReport, by: Membership) -> None:
    """The report as the recipients would get it, to the member only; nothing is claimed."""
    today = report_day(report.organisation, timezone.now())
    period = latest_period(report, today)
    client_report_message(report, period, [by.user.email], sender=by.user.email).send()


def client_report_message(
    report: ClientReport, period: Period, to: list[str], sender: str = ""
) -> EmailMultiAlternatives:
    """The e-mail in the recipients' language, with the charts inside and the PDF attached."""
    with override(report.language):
        built = period_report(report.organisation, period.start, period.last_day, period.kind)
        context = _mail_context(built, report)
        subject = _("%(org)s: social media report for %(period)s") % {
            "org": built.organisation.name,
            "period": built.period,
        }
        text = render_to_string("analytics/email/client_report.txt", context)
        html = render_to_string("analytics/email/client_report.html", context)
        pdf = report_pdf(built, language=report.language.split("-")[0])
    reply_to = sender or (report.created_by.email if report.created_by else "")
    message = ReportMessage(subject, text, None, to, reply_to=[reply_to] if reply_to else None)
    message.attach_alternative(html, "text/html")
    attach_charts(message, context["charts"])
    message.pdf = (pdf_filename(built), pdf)
    return message


class ReportMessage(EmailMultiAlternatives):
    """Text and HTML with the charts inside (multipart/related), and the PDF beside them as an
    attachment (multipart/mixed), so mail programs show it as a file to open."""

    pdf: tuple[str, bytes] | None = None

    def _create_message(self, msg: Any) -> Any:
        body = super()._create_message(msg)  # type: ignore[misc]  # Django has it, stubs not
        if self.pdf is None:
            return body
        encoding = self.encoding or settings.DEFAULT_CHARSET
        mixed = SafeMIMEMultipart(_subtype="mixed", encoding=encoding)
        mixed.attach(body)
        attachment = self._create_attachment(*self.pdf, "application/pdf")  # type: ignore[attr-defined]
        mixed.attach(attachment)
        return mixed


def _mail_context(built: MonthlyReport, report: ClientReport) -> dict[str, Any]:
    return {
        "report": built,
        "organisation": built.organisation,
        "results": built.results,
        "top": built.results.top[:MAILED_TOP],
        "kpis": built.kpi_lines(),
        "charts": mail_charts(built),
        "schedule": report,
        "site_url": settings.SITE_URL,
    }
