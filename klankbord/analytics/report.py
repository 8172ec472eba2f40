"""The monthly results report: one calendar month of figures, as PDF and as an e-mail.

On the first of the month, from REPORT_HOUR in the organisation's zone, each subscribed member gets
last month's report once. A member is claimed with a conditional UPDATE of last_sent_for before
anything is sent, so two workers running at once never send it twice.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from klankbord.analytics import metrics, selectors, texts
from klankbord.analytics.audience import Audience, audiences, total_gained
from klankbord.analytics.chart_mail import attach_charts, mail_charts
from klankbord.analytics.locations import LocationFigures, location_figures
from klankbord.analytics.models import ReportSubscription
from klankbord.analytics.results import ResultsSummary, TopPost, results_summary
from klankbord.analytics.selectors import CostFigures, KpiProgress, ResponseFigures, RhythmRow
from klankbord.analytics.voice import ShareOfVoice, Side, share_of_voice
from klankbord.inbox.models import Item
from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.publishing.models import PostTarget
from klankbord.strategy.selectors import plan_of

REPORT_HOUR = 7  # local time of the organisation, as the daily digest
SHOWN_MONTHS = 12
MAILED_TOP = 3
# Who gets the report without having chosen: those who answer for the results.
SUBSCRIBED_BY_DEFAULT = (Role.OWNER, Role.MANAGER)
MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class KpiLine:
    indicator: str
    target: str  # with its unit, "—" without one
    actual: str  # with its unit; empty when entered by hand at the review
    status: str
    status_key: str  # one of selectors.STATUSES


@dataclass(frozen=True)
class MonthlyReport:
    organisation: Organisation
    start: date  # the first day of the month
    end: date  # the last day counted: the month's last day, or today in the current month
    last_day: date
    has_plan: bool
    published: int  # posts that went out, one per channel
    results: ResultsSummary
    kpis: list[KpiProgress]
    rhythm: list[RhythmRow]
    response: ResponseFigures
    response_target: int  # working minutes
    mentions: int
    cost: CostFigures | None
    audiences: list[Audience]
    # Google Business Profile locations, then all together when there are several.
    locations: list[LocationFigures] = field(default_factory=list)
    kind: str = "month"  # the period: "month", "quarter" or "custom" (any dates)
    # Own against competitors; None without a competitor monitor (nothing to compare with).
    voice: ShareOfVoice | None = None

    @property
    def new_followers(self) -> int | None:
        """Followers gained over all channels; None until a channel has two counts."""
        return total_gained(self.audiences)

    @property
    def engagement_rate(self) -> float | None:
        """Reactions per 100 views over all channels' posts with views; None without views."""
        views = sum(channel.views for channel in self.results.channels)
        reactions = sum(channel.viewed_engagement for channel in self.results.channels)
        return 100 * reactions / views if views else None

    @property
    def voice_line(self) -> str:
        """Share of voice in one line for the e-mail; empty without a competitor to compare."""
        if self.voice is None:
            return ""
        sides = "; ".join(_voice_side(side) for side in self.voice.sides)
        return _("Share of voice: %(sides)s") % {"sides": sides}

    @property
    def rate_line(self) -> str:
        """The engagement rate in one line for the e-mail; said to be missing without views."""
        if not self.results.posts:
            return ""
        rate = self.engagement_rate
        if rate is None:
            return _("Engagement rate: not given, no network gave views for these posts")
        return _("Engagement rate: %(rate)s (reactions per view, on the posts with views)") % {
            "rate": texts.rate_text(rate)
        }

    @property
    def complete(self) -> bool:
        return self.end == self.last_day

    @property
    def month(self) -> str:
        """The month in words in the active language, e.g. "maart 2026"."""
        return date_format(self.start, "YEAR_MONTH_FORMAT")

    @property
    def period(self) -> str:
        """The period in words in the active language: "maart 2026", "K1 2026", or its dates."""
        if self.kind == "month":
            return self.month
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": self.start.year}
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.last_day, "DATE_FORMAT"),
        }

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.start:%Y}-q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "custom":
            return f"{self.start:%Y-%m-%d}-{self.last_day:%Y-%m-%d}"
        return f"{self.start:%Y-%m}"

    def kpi_lines(self) -> list[KpiLine]:
        return [_kpi_line(found) for found in self.kpis]


def report_for(organisation: Organisation, month_start: date) -> MonthlyReport:
    """The report of the month that starts on month_start; the current month so far."""
    return period_report(organisation, *selectors.period_of("month", month_start))


def period_report(
    organisation: Organisation, start: date, last_day: date, kind: str = "month"
) -> MonthlyReport:
    """The report of the local days start..last_day; a period not over yet so far."""
    end = min(last_day, local_today(organisation))
    plan = plan_of(organisation)
    since, until = selectors.utc_range(organisation, start, end)
    return MonthlyReport(
        organisation=organisation,
        start=start,
        end=end,
        last_day=last_day,
        has_plan=plan is not None,
        published=int(metrics.posts_published(organisation, since, until)),
        results=results_summary(organisation, start, end),
        kpis=selectors.kpi_progress(organisation, on=end),
        rhythm=selectors.rhythm_rows(organisation, plan.steps if plan else {}, start, end),
        response=selectors.response_actuals(organisation, start, end),
        response_target=inbox_settings(organisation).target_minutes,
        mentions=int(metrics.mentions(organisation, since, until)),
        # The plan's budget is per month: another period has no cost to compare yet.
        cost=selectors.cost_figures(organisation, end) if kind == "month" else None,
        audiences=audiences(organisation, start, end),
        locations=location_figures(organisation, start, end),
        kind=kind,
        voice=_compared_voice(organisation, start, end),
    )


def _voice_side(side: Side) -> str:
    share = "—" if side.share is None else texts.rate_text(side.share)
    text = ngettext(
        "%(name)s %(share)s (%(count)s mention)",
        "%(name)s %(share)s (%(count)s mentions)",
        side.mentions,
    )
    name = f"{side.label} ({side.paused_text})" if side.paused else side.label
    return text % {"name": name, "share": share, "count": side.mentions}


def _compared_voice(organisation: Organisation, start: date, end: date) -> ShareOfVoice | None:
    voice = share_of_voice(organisation, start, end)
    return voice if voice.comparable else None


def _kpi_line(found: KpiProgress) -> KpiLine:
    unit = str(texts.UNITS[found.metric.unit]) if found.metric else ""
    return KpiLine(
        indicator=str(found.kpi.get("indicator") or "—"),
        target=amount(found.target, unit),
        # A KPI without a metric is entered by hand at the review: nothing to show here.
        actual="" if found.metric is None else amount(found.actual, unit),
        status=str(texts.STATUSES[found.status]),
        status_key=found.status,
    )


def amount(value: float | Decimal | None, unit: str = "") -> str:
    """A figure in the active language's notation, with at most one decimal; "—" for none."""
    if value is None:
        return "—"
    shown = number_format(value, decimal_pos=0 if value == int(value) else 1)
    return f"{shown} {unit}".strip()


# --- which months ------------------------------------------------------------------------------


def started_month(organisation: Organisation) -> date:
    """The month the organisation started in Klankbord: no report is mailed for months before."""
    return _local_month(organisation, organisation.created_at)


def first_month(organisation: Organisation) -> date:
    """The first month with a report to read: the start in Klankbord, or an earlier post or
    message (imported, or from before the organisation was set up here)."""
    posts = PostTarget.objects.filter(post__organisation=organisation, published_at__isnull=False)
    items = Item.objects.filter(organisation=organisation)
    # One query: the first post and the first message, side by side.
    found = (
        Organisation.objects.filter(pk=organisation.pk)
        .values(
            first_post=Subquery(posts.order_by("published_at").values("published_at")[:1]),
            first_item=Subquery(items.order_by("arrived_at").values("arrived_at")[:1]),
        )
        .get()
    )
    moments = [organisation.created_at, found["first_post"], found["first_item"]]
    return _local_month(organisation, min(moment for moment in moments if moment is not None))


def _local_month(organisation: Organisation, moment: datetime) -> date:
    return timezone.localtime(moment, ZoneInfo(organisation.timezone)).date().replace(day=1)


def report_months(organisation: Organisation) -> list[date]:
    """The months offered on the Measure page, newest (this month, so far) first."""
    month = local_today(organisation).replace(day=1)
    found: list[date] = []
    first = first_month(organisation)
    while month >= first and len(found) < SHOWN_MONTHS:
        found.append(month)
        month = previous_month(month)
    return found


def previous_month(month_start: date) -> date:
    return (month_start - timedelta(days=1)).replace(day=1)


def month_from(organisation: Organisation, text: str) -> date | None:
    """The first day of a "yyyy-mm" month the organisation can have a report for, else None."""
    found = MONTH.fullmatch(text)
    if found is None or not 1 <= int(found[2]) <= 12:
        return None
    month = date(int(found[1]), int(found[2]), 1)
    this_month = local_today(organisation).replace(day=1)
    return month if first_month(organisation) <= month <= this_month else None


# --- who wants it ------------------------------------------------------------------------------


def wants_monthly_report(membership: Membership) -> bool:
    found = ReportSubscription.objects.filter(membership=membership).first()
    return found.monthly if found else membership.role in SUBSCRIBED_BY_DEFAULT


def report_subscription_save(*, membership: Membership, monthly: bool) -> ReportSubscription:
    found, _created = ReportSubscription.objects.update_or_create(
        membership=membership, defaults={"monthly": monthly}
    )
    return found


def _subscribed(organisation: Organisation) -> Q:
    return Q(organisation=organisation, user__is_active=True) & (
        Q(report_subscription__monthly=True)
        | Q(report_subscription__isnull=True, role__in=SUBSCRIBED_BY_DEFAULT)
    )


def recipients(organisation: Organisation, month_start: date) -> list[Membership]:
    """Subscribed members who have not had this month's report yet."""
    members = Membership.objects.filter(_subscribed(organisation)).exclude(
        report_subscription__last_sent_for__gte=month_start
    )
    return list(members.select_related("user", "organisation").order_by("pk"))


def report_claim(membership: Membership, month_start: date) -> bool:
    """Mark this month's report as sent to the member; False when another process got there
    first or the member turned it off meanwhile."""
    subscription, _created = ReportSubscription.objects.get_or_create(
        membership=membership,
        defaults={"monthly": membership.role in SUBSCRIBED_BY_DEFAULT},
    )
    claimed = (
        ReportSubscription.objects.filter(pk=subscription.pk, monthly=True)
        .filter(Q(last_sent_for__isnull=True) | Q(last_sent_for__lt=month_start))
        .update(last_sent_for=month_start)
    )
    return claimed == 1


# --- sending -----------------------------------------------------------------------------------


def send_monthly_reports(now: datetime | None = None) -> int:
    """Last month's report to every subscribed member whose organisation's first of the month
    has reached REPORT_HOUR; returns the e-mails sent."""
    now = now or timezone.now()
    if not _first_of_a_month_somewhere(now):
        return 0
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        local = timezone.localtime(now, ZoneInfo(organisation.timezone))
        if local.day == 1 and local.hour >= REPORT_HOUR:
            sent += _send_for(organisation, previous_month(local.date()))
    return sent


def _first_of_a_month_somewhere(now: datetime) -> bool:
    # Local clocks run from UTC-12 to UTC+14: most hours of a month need not look further.
    return any((now + timedelta(hours=hours)).day == 1 for hours in (-12, 0, 14))


def _send_for(organisation: Organisation, month_start: date) -> int:
    if month_start < started_month(organisation):
        return 0
    members = recipients(organisation, month_start)
    if not members or not _worth_sending(organisation, month_start):
        return 0
    by_language: dict[str, MonthlyReport] = {}
    sent = 0
    for membership in members:
        language = membership.user.language or settings.LANGUAGE_CODE
        with override(language):
            # Labels are translated as the report is built: one report per language.
            if language not in by_language:
                by_language[language] = report_for(organisation, month_start)
            if report_claim(membership, month_start):
                _mail(by_language[language], membership)
                sent += 1
    return sent


def _worth_sending(organisation: Organisation, month_start: date) -> bool:
    """Nothing to say for an organisation without a plan that published nothing that month."""
    if plan_of(organisation) is not None:
        return True
    since, until = selectors.utc_range(organisation, *selectors.period_of("month", month_start))
    return metrics.posts_published(organisation, since, until) > 0


def report_links(report: MonthlyReport) -> dict[str, str]:
    slug = report.organisation.slug
    base = settings.SITE_URL.rstrip("/")
    return {
        "measure_url": base + reverse("measure", args=[slug]),
        "pdf_url": base + reverse("measure_report_pdf", args=[slug, report.key]),
        "settings_url": base + reverse("listening_alerts", args=[slug]),
    }


def mail_context(report: MonthlyReport) -> dict[str, Any]:
    top: list[TopPost] = report.results.top[:MAILED_TOP]
    return {
        "report": report,
        "organisation": report.organisation,
        "results": report.results,
        "top": top,
        "kpis": report.kpi_lines(),
        **report_links(report),
    }


def _mail(report: MonthlyReport, membership: Membership) -> None:
    """The report in the member's language (the active one); sent after commit."""
    context = mail_context(report)
    context["charts"] = charts = mail_charts(report)
    subject = _("%(org)s: your social media results for %(month)s") % {
        "org": report.organisation.name,
        "month": report.month,
    }
    text = render_to_string("analytics/email/monthly_report.txt", context)
    html = render_to_string("analytics/email/monthly_report.html", context)
    message = EmailMultiAlternatives(subject, text, None, [membership.user.email])
    message.attach_alternative(html, "text/html")
    attach_charts(message, charts)
    transaction.on_commit(lambda: message.send(fail_silently=True))
