"""Reading time and money: entries, the running timer, suggestions from what Klankbord saw, and
the return of a period for Measure and the API.

Dates are the organisation's local calendar dates, both ends included.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from klankbord.analytics import metrics
from klankbord.analytics.models import PostResult
from klankbord.analytics.results import ResultsSummary
from klankbord.analytics.selectors import utc_range
from klankbord.inbox.models import Reply
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.publishing.models import ClickDay, Post, ShortLink
from klankbord.strategy.models import Plan
from klankbord.strategy.rules import WEEKS_PER_MONTH
from klankbord.timekeeping import returns
from klankbord.timekeeping.models import (
    MAX_MINUTES,
    Activity,
    AdSpend,
    CoveredWork,
    ReturnSettings,
    RunningTimer,
    TimeEntry,
)

RECORDS = Role.CONTRIBUTOR  # clients read figures; everyone who works records time
SEES_ALL = Role.MANAGER  # sees and corrects everyone's entries, and sets the money
SUGGESTION_DAYS = 14


def running_timer(membership: Membership) -> RunningTimer | None:
    return RunningTimer.objects.filter(
        organisation_id=membership.organisation_id, member_id=membership.user_id
    ).first()


def entries_for(membership: Membership, start: date, end: date) -> QuerySet[TimeEntry]:
    """The entries of start..end the member may see: her own, or everyone's for managers."""
    found = TimeEntry.objects.filter(
        organisation_id=membership.organisation_id, day__gte=start, day__lte=end
    ).select_related("member")
    if not membership.has_role(SEES_ALL):
        found = found.filter(member_id=membership.user_id)
    return found


def entry_for(membership: Membership, entry_id: int) -> TimeEntry | None:
    """One entry the member may change; None for someone else's or another organisation's."""
    return entries_for(membership, date.min, date.max).filter(pk=entry_id).first()


def minutes_per_activity(entries: QuerySet[TimeEntry]) -> dict[str, int]:
    rows = entries.order_by().values_list("activity").annotate(total=Sum("minutes"))
    found = dict(rows)
    return {key: found[key] for key in Activity.values if found.get(key)}


def return_settings(organisation: Organisation) -> ReturnSettings:
    """The organisation's settings, or the defaults (not stored until someone saves them)."""
    found = ReturnSettings.objects.filter(organisation=organisation).first()
    return found or ReturnSettings(organisation=organisation)


def ad_spends(organisation: Organisation) -> QuerySet[AdSpend]:
    return AdSpend.objects.filter(organisation=organisation).select_related("created_by")


# --- suggestions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """Time Klankbord thinks a member spent on one day, from the posts or replies it saw."""

    kind: str  # CoveredWork.Kind
    day: date
    ids: tuple[int, ...]
    minutes: int

    @property
    def activity(self) -> str:
        return Activity.WRITING if self.kind == CoveredWork.Kind.POST else Activity.ANSWERING

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def ids_text(self) -> str:
        return ",".join(str(pk) for pk in self.ids)


def _not_covered(organisation: Organisation, kind: str) -> Q:
    covered = CoveredWork.objects.filter(organisation=organisation, kind=kind)
    return ~Q(Exists(covered.filter(object_id=OuterRef("pk"))))


def uncovered_posts(membership: Membership, since: datetime, until: datetime) -> QuerySet[Post]:
    """Posts the member wrote in the period that no suggestion has used yet."""
    organisation = membership.organisation
    return Post.objects.filter(
        _not_covered(organisation, CoveredWork.Kind.POST),
        organisation=organisation,
        author_id=membership.user_id,
        deleted_at__isnull=True,
        created_at__gte=since,
        created_at__lt=until,
    )


def uncovered_replies(membership: Membership, since: datetime, until: datetime) -> QuerySet[Reply]:
    """Answers the member sent in the period that no suggestion has used yet."""
    organisation = membership.organisation
    return Reply.objects.filter(
        _not_covered(organisation, CoveredWork.Kind.REPLY),
        item__organisation=organisation,
        author_id=membership.user_id,
        status=Reply.Status.SENT,
        sent_at__gte=since,
        sent_at__lt=until,
    )


def suggestions(membership: Membership, start: date, end: date) -> list[Suggestion]:
    """Per local day, the posts written and the answers sent that are not yet in an entry."""
    organisation = membership.organisation
    settings = return_settings(organisation)
    since, until = utc_range(organisation, start, end)
    posts = uncovered_posts(membership, since, until).values_list("pk", "created_at")
    replies = uncovered_replies(membership, since, until).values_list("pk", "sent_at")
    zone = ZoneInfo(organisation.timezone)
    found = [
        *_per_day(CoveredWork.Kind.POST, list(posts), zone, settings.minutes_per_post),
        *_per_day(CoveredWork.Kind.REPLY, list(replies), zone, settings.minutes_per_reply),
    ]
    return sorted(found, key=lambda s: (s.day, s.kind), reverse=True)


def _per_day(
    kind: str, rows: Sequence[tuple[int, datetime | None]], zone: ZoneInfo, minutes_each: int
) -> list[Suggestion]:
    days: dict[date, list[int]] = defaultdict(list)
    for pk, moment in rows:
        if moment is not None:
            days[moment.astimezone(zone).date()].append(pk)
    return [
        Suggestion(kind, day, tuple(sorted(ids)), min(MAX_MINUTES, max(1, len(ids) * minutes_each)))
        for day, ids in days.items()
    ]


# --- the return of a period --------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def hourly_cost(plan: Plan | None) -> Decimal | None:
    """The budget's cost of an hour, or else the rate of the plan's first step."""
    if plan is None:
        return None
    steps = plan.steps
    found = _decimal(steps["budget"].get("hourly_cost"))
    if found is not None:
        return found
    goals = steps["goals"]
    rate = "consultant_rate" if goals.get("mode") == "consultant" else "internal_rate"
    return _decimal(goals.get(rate))


@dataclass(frozen=True)
class PlannedMonth:
    """The plan's budget per month; None where the plan does not say."""

    hours: Decimal | None
    time: Decimal | None
    ads: Decimal | None
    tools: Decimal | None
    outside_help: Decimal | None


def planned_month(plan: Plan | None) -> PlannedMonth:
    budget = plan.steps["budget"] if plan else {}
    goals = plan.steps["goals"] if plan else {}
    per_week = _decimal(budget.get("hours_per_week"))
    if per_week is None:
        per_week = _decimal(goals.get("hours_per_week"))
    hours = per_week * Decimal(str(WEEKS_PER_MONTH)) if per_week is not None else None
    rate = hourly_cost(plan)
    return PlannedMonth(
        hours=hours,
        time=hours * rate if hours is not None and rate is not None else None,
        ads=_decimal(budget.get("ad_spend")),
        tools=_decimal(budget.get("tools_cost")),
        outside_help=_decimal(budget.get("outside_help")),
    )


@dataclass(frozen=True)
class Budget:
    """The plan's budget for the period against what was really spent on time and ads."""

    planned_hours: Decimal | None
    planned_time: Decimal | None
    planned_ads: Decimal | None
    spent_hours: Decimal
    spent_time: Decimal | None
    spent_ads: Decimal | None

    @property
    def _compared(self) -> list[tuple[Decimal, Decimal]]:
        """Planned against spent, only for the parts known on both sides: an unknown ad spend
        must not look like money saved."""
        pairs = [(self.planned_time, self.spent_time), (self.planned_ads, self.spent_ads)]
        return [
            (planned, spent)
            for planned, spent in pairs
            if planned is not None and spent is not None
        ]

    @property
    def partial(self) -> bool:
        return 0 < len(self._compared) < 2

    @property
    def planned(self) -> Decimal | None:
        return returns.add_known(*(planned for planned, _spent in self._compared))

    @property
    def spent(self) -> Decimal | None:
        return returns.add_known(*(spent for _planned, spent in self._compared))

    @property
    def over(self) -> Decimal | None:
        """More spent than planned (negative: less); None when either side is unknown."""
        return returns.difference(self.spent, self.planned)


@dataclass(frozen=True)
class ReturnFigures:
    start: date
    end: date
    minutes: int
    hourly_cost: Decimal | None
    time_cost: Decimal | None
    ads: Decimal | None  # None: no ad spend recorded for these days
    tools: Decimal | None  # the plan's, pro rata
    outside_help: Decimal | None
    posts: int  # published posts with counts from the networks
    reactions: int | None  # None: no post of the period was counted
    clicks: int | None  # None: no tracked links yet
    leads: int
    value_per_lead: Decimal | None
    value_per_click: Decimal | None
    budget: Budget
    missing: list[str] = field(default_factory=list)  # parts of the cost that are not known

    @property
    def hours(self) -> Decimal:
        return returns.euro(Decimal(self.minutes) / returns.MINUTES_PER_HOUR)

    @property
    def cost(self) -> Decimal | None:
        return returns.add_known(self.time_cost, self.ads, self.tools, self.outside_help)

    @property
    def value(self) -> Decimal | None:
        return returns.value_of(
            leads=self.leads,
            clicks=self.clicks,
            per_lead=self.value_per_lead,
            per_click=self.value_per_click,
        )

    @property
    def result(self) -> Decimal | None:
        """The return: what came back minus what it cost."""
        return returns.difference(self.value, self.cost)

    @property
    def shortfall(self) -> Decimal | None:
        """How much less came back than it cost, as a positive amount."""
        return -self.result if self.result is not None and self.result < 0 else None

    @property
    def per_reaction(self) -> Decimal | None:
        return returns.per(self.cost, self.reactions)

    @property
    def per_click(self) -> Decimal | None:
        return returns.per(self.cost, self.clicks)

    @property
    def per_lead(self) -> Decimal | None:
        return returns.per(self.cost, self.leads)


def minutes_recorded(organisation: Organisation, start: date, end: date) -> int:
    found = TimeEntry.objects.filter(
        organisation=organisation, day__gte=start, day__lte=end
    ).aggregate(total=Sum("minutes"))
    return int(found["total"] or 0)


def ads_in(organisation: Organisation, start: date, end: date) -> Decimal | None:
    rows = AdSpend.objects.filter(organisation=organisation, start__lte=end, end__gte=start)
    spends = [returns.Spend(s.start, s.end, s.amount) for s in rows.only("start", "end", "amount")]
    return returns.spend_in(spends, start, end)


def reactions_in(organisation: Organisation, since: datetime, until: datetime) -> tuple[int, int]:
    """Posts published in the period with counts from the networks, and their reactions."""
    found = (
        PostResult.objects.counted()
        .filter(
            organisation=organisation,
            published_at__gte=since,
            published_at__lt=until,
            target__post__deleted_at__isnull=True,
        )
        .aggregate(posts=Count("pk"), reactions=Sum("engagement"))
    )
    return found["posts"], found["reactions"] or 0


def clicks_in(organisation: Organisation, start: date, end: date) -> int | None:
    """Clicks on tracked links on the days start..end; None when no link was ever tracked."""
    if not ShortLink.objects.filter(organisation=organisation).exists():
        return None
    # The organisation's row of each day of the period, not every link's rows of those days:
    # two years of clicks stay unread (see benchmarks/analytics.py).
    found = ClickDay.objects.filter(
        organisation=organisation, day__gte=start, day__lte=end
    ).aggregate(clicks=Sum("count"))
    return int(found["clicks"] or 0)


def return_figures(
    organisation: Organisation,
    start: date,
    end: date,
    *,
    plan: Plan | None,
    reactions: tuple[int, int] | None = None,
) -> ReturnFigures:
    """Cost of start..end (time at the hourly cost, ads, the plan's tools and outside help pro
    rata) against its reactions, clicks and leads and what the owner says those are worth.

    `reactions` (posts counted, their reactions) when the caller already counted them."""
    since, until = utc_range(organisation, start, end)
    settings = return_settings(organisation)
    rate = hourly_cost(plan)
    minutes = minutes_recorded(organisation, start, end)
    month = planned_month(plan)
    ads = ads_in(organisation, start, end)
    posts, reacted = reactions or reactions_in(organisation, since, until)
    parts = {
        "time": returns.time_cost(minutes, rate),
        "ads": ads,
        "tools": returns.pro_rata(month.tools, start, end),
        "outside_help": returns.pro_rata(month.outside_help, start, end),
    }
    share = returns.month_share(start, end)
    return ReturnFigures(
        start=start,
        end=end,
        minutes=minutes,
        hourly_cost=rate,
        time_cost=parts["time"],
        ads=ads,
        tools=parts["tools"],
        outside_help=parts["outside_help"],
        posts=posts,
        reactions=reacted if posts else None,
        clicks=clicks_in(organisation, start, end),
        leads=int(metrics.leads(organisation, since, until)),
        value_per_lead=settings.value_per_lead,
        value_per_click=settings.value_per_click,
        budget=Budget(
            planned_hours=returns.euro(month.hours * share) if month.hours is not None else None,
            planned_time=returns.pro_rata(month.time, start, end),
            planned_ads=returns.pro_rata(month.ads, start, end),
            spent_hours=returns.euro(Decimal(minutes) / returns.MINUTES_PER_HOUR),
            spent_time=parts["time"],
            spent_ads=ads,
        ),
        missing=[key for key, value in parts.items() if value is None],
    )


def time_return_context(
    organisation: Organisation, summary: ResultsSummary, *, plan: Plan | None
) -> dict[str, Any]:
    """The Measure page's "Time and return" section for the period the page shows; its
    reactions are those the page already counted."""
    counted = (summary.posts, summary.engagement)
    figures = return_figures(organisation, summary.start, summary.end, plan=plan, reactions=counted)
    return {"time_return": figures}
