"""Reading the Measure pillar: the plan's KPIs against what Klankbord measured, the rhythm and
the response time actually kept, and what the plan costs per month.

Dates are the organisation's local calendar dates, both ends included.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from klankbord.analytics import metrics
from klankbord.analytics.metrics import METRICS, Metric
from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.channels.selectors import channels_of
from klankbord.lib.dates import local_day_bounds
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import rules, texts
from klankbord.strategy.selectors import plan_of

STATUSES = ("achieved", "on_track", "behind", "manual", "no_target")


def utc_range(organisation: Organisation, start: date, end: date) -> tuple[datetime, datetime]:
    """Local days start..end (inclusive) as [from, until) moments; DST days keep their length."""
    zone = organisation.timezone
    begin, _end = local_day_bounds(datetime(start.year, start.month, start.day), zone)
    _start, until = local_day_bounds(datetime(end.year, end.month, end.day), zone)
    return begin, until


def period_of(period: str, on: date) -> tuple[date, date]:
    """The calendar month or quarter that contains `on`: first and last day."""
    first_month = on.month if period != "quarter" else 3 * ((on.month - 1) // 3) + 1
    start = date(on.year, first_month, 1)
    following = first_month + (3 if period == "quarter" else 1)
    if following > 12:
        return start, date(on.year + 1, following - 12, 1) - timedelta(days=1)
    return start, date(on.year, following, 1) - timedelta(days=1)


@dataclass(frozen=True)
class KpiProgress:
    kpi: dict[str, Any]  # the plan's KPI row as stored
    metric: Metric | None  # None: entered by hand at the review
    target: float | None
    actual: float | None
    period_start: date
    period_end: date
    status: str  # one of STATUSES

    @property
    def percent(self) -> int | None:
        """How far the actual is towards the target, capped at 100, for a progress bar."""
        if self.actual is None or not self.target or self.metric is None:
            return None
        if not self.metric.higher_is_better:
            done = self.target / self.actual if self.actual else 1.0
        else:
            done = self.actual / self.target
        return max(0, min(100, round(100 * done)))


def kpi_progress(organisation: Organisation, *, on: date) -> list[KpiProgress]:
    plan = plan_of(organisation)
    if plan is None:
        return []
    return [_progress(organisation, dict(kpi), on) for kpi in rules.kpis_of(plan.steps)]


def _progress(organisation: Organisation, kpi: dict[str, Any], on: date) -> KpiProgress:
    start, end = period_of(kpi.get("period") or "month", on)
    metric = METRICS.get(kpi.get("metric") or "")
    target = _number(kpi.get("target"))
    actual = None
    if metric is not None:
        actual = metric.measure(organisation, *utc_range(organisation, start, end))
    elapsed = ((on - start).days + 1) / ((end - start).days + 1)
    return KpiProgress(
        kpi, metric, target, actual, start, end, _status(metric, target, actual, elapsed)
    )


def _number(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _status(
    metric: Metric | None, target: float | None, actual: float | None, elapsed: float
) -> str:
    if target is None:
        return "no_target"
    if metric is None:
        return "manual"
    if actual is None:
        # Nothing to measure yet: judged only once the period has run its course.
        return "behind" if elapsed >= 1 else "on_track"
    if not metric.higher_is_better:
        return "achieved" if actual <= target else "behind"
    if actual >= target:
        return "achieved"
    # A count grows through the period; a percentage or a time is compared as it stands.
    pace = target * elapsed if metric.unit == "count" else target
    return "on_track" if actual >= pace else "behind"


def rhythm_actuals(organisation: Organisation, start: date, end: date) -> dict[str, float]:
    """Posts per week published per network (the plan's network keys) over start..end."""
    weeks = ((end - start).days + 1) / 7
    counts = metrics.posts_per_network(organisation, *utc_range(organisation, start, end))
    return {network: round(count / weeks, 1) for network, count in counts.items()}


@dataclass(frozen=True)
class ResponseFigures:
    answered: int
    in_time: int
    median_minutes: float | None


def response_actuals(organisation: Organisation, start: date, end: date) -> ResponseFigures:
    since, until = utc_range(organisation, start, end)
    answered, in_time = metrics.answers(organisation, since, until)
    median = metrics.first_response_minutes(organisation, since, until)
    return ResponseFigures(answered=answered, in_time=in_time, median_minutes=median)


@dataclass(frozen=True)
class ChannelAnswers:
    channel: Channel | None  # None: posts found by listening, not through a channel of ours
    answers: metrics.Answers

    @property
    def network_label(self) -> str:
        return str(connector_class(self.channel.network).label) if self.channel else ""

    @property
    def in_time_percent(self) -> int | None:
        answered, in_time = self.answers.answered, self.answers.in_time
        return round(100 * in_time / answered) if answered else None


def answers_per_channel(organisation: Organisation, start: date, end: date) -> list[ChannelAnswers]:
    """Per channel, the busiest first: conversations, answers, in time, first response."""
    found = metrics.answers_per_channel(organisation, *utc_range(organisation, start, end))
    channels = channels_of(organisation, include_disconnected=True).in_bulk(
        [channel_id for channel_id in found if channel_id is not None]
    )
    rows = [
        ChannelAnswers(channels[channel_id] if channel_id is not None else None, answers)
        for channel_id, answers in found.items()
        if channel_id is None or channel_id in channels
    ]
    return sorted(rows, key=lambda row: (row.channel is None, -row.answers.conversations))


def monthly_cost(organisation: Organisation) -> Decimal | None:
    """The plan's budget per month (time, ads, tools, outside help), None without one."""
    plan = plan_of(organisation)
    if plan is None or not rules.is_started(plan.steps, "budget"):
        return None
    return Decimal(str(rules.monthly_budget(plan.steps).total))


# --- the Measure page --------------------------------------------------------------------------

RHYTHM_DAYS = 28  # four whole weeks: every weekday counts as often


@dataclass(frozen=True)
class RhythmRow:
    network: str
    label: str
    planned: float | None  # posts per week in the plan
    published: float


def rhythm_rows(
    organisation: Organisation, steps: rules.Steps, start: date, end: date
) -> list[RhythmRow]:
    """Planned against published posts per week over start..end, per network; networks
    published on without a rhythm in the plan come last."""
    planned = rules.posts_per_week(steps)
    published = rhythm_actuals(organisation, start, end)
    networks = list(planned) + sorted(set(published) - set(planned))
    return [
        RhythmRow(n, str(texts.NETWORKS.get(n, n)), planned.get(n), published.get(n, 0.0))
        for n in networks
    ]


@dataclass(frozen=True)
class CostFigures:
    monthly: Decimal  # the plan's budget per month
    so_far: Decimal  # the part of it this month has used up
    posts: int
    leads: int

    @property
    def per_post(self) -> Decimal | None:
        return (self.so_far / self.posts).quantize(CENT) if self.posts else None

    @property
    def per_lead(self) -> Decimal | None:
        return (self.so_far / self.leads).quantize(CENT) if self.leads else None


CENT = Decimal("0.01")


def cost_figures(organisation: Organisation, today: date) -> CostFigures | None:
    """What the plan costs and what this month bought with it so far."""
    monthly = monthly_cost(organisation)
    if monthly is None:
        return None
    start, end = period_of("month", today)
    since, until = utc_range(organisation, start, today)
    # Pro rata: on the 10th, a third of the month's time and money has been spent.
    elapsed = Decimal((today - start).days + 1) / Decimal((end - start).days + 1)
    return CostFigures(
        monthly=monthly,
        so_far=(monthly * elapsed).quantize(CENT),
        posts=int(metrics.posts_published(organisation, since, until)),
        leads=int(metrics.leads(organisation, since, until)),
    )


@dataclass(frozen=True)
class KpiSummary:
    """The Measure card on the dashboard."""

    counts: dict[str, int]  # status -> KPIs, only the statuses that occur
    next_review_on: date | None
    has_plan: bool


def kpi_summary(organisation: Organisation) -> KpiSummary:
    plan = plan_of(organisation)
    if plan is None:
        return KpiSummary(counts={}, next_review_on=None, has_plan=False)
    found = kpi_progress(organisation, on=local_today(organisation))
    counts = {status: sum(p.status == status for p in found) for status in STATUSES}
    return KpiSummary(
        counts={status: n for status, n in counts.items() if n},
        next_review_on=plan.next_review_on,
        has_plan=True,
    )
