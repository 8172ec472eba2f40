"""Reading posts: lists, the calendar, approvals and the regularity monitor."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import Capability
from klankbord.orgs.models import Organisation
from klankbord.publishing import holidays
from klankbord.publishing.models import Post, PostTarget, PublishingSettings
from klankbord.publishing.tracking import click_annotations
from klankbord.strategy.rules import pillars_of, silence_days
from klankbord.strategy.selectors import plan_of
from klankbord.strategy.selectors import posts_per_week as plan_rhythm

Status = PostTarget.Status
HORIZON_DAYS = 28
CSS_STATUS = {
    Status.DRAFT: "draft",
    Status.AWAITING_APPROVAL: "waiting",
    Status.SCHEDULED: "scheduled",
    Status.CLAIMED: "scheduled",
    Status.PUBLISHING: "scheduled",
    Status.PUBLISHED: "published",
    Status.FAILED: "failed",
    Status.UNCONFIRMED: "unconfirmed",
    Status.MISSED: "failed",
    Status.CANCELLED: "draft",
}


def publishing_settings(organisation: Organisation) -> PublishingSettings:
    found, _created = PublishingSettings.objects.get_or_create(
        organisation=organisation,
        defaults={"holiday_regions": default_regions(organisation)},
    )
    return found


def default_regions(organisation: Organisation) -> list[str]:
    country = "NL" if organisation.timezone == "Europe/Amsterdam" else "BE"
    return holidays.default_regions(country)


def publishable_channels(organisation: Organisation) -> list[Channel]:
    channels = organisation.channels.filter(status=Channel.Status.CONNECTED)
    return [c for c in channels if Capability.PUBLISH in connector_class(c.network).capabilities]


def plan_pillars(organisation: Organisation) -> list[str]:
    """The names of the plan's content pillars, in the plan's order; none without a plan."""
    plan = plan_of(organisation)
    names = [str(p.get("name") or "").strip() for p in pillars_of(plan.steps)] if plan else []
    return list(dict.fromkeys(name for name in names if name))


def posts_of(organisation: Organisation) -> QuerySet[Post]:
    return (
        Post.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=PostTarget.objects.select_related("channel").annotate(
                    **click_annotations("pk")
                ),
            )
        )
    )


def awaiting_approval(organisation: Organisation) -> QuerySet[Post]:
    return posts_of(organisation).filter(targets__status=Status.AWAITING_APPROVAL).distinct()


def upcoming(organisation: Organisation) -> QuerySet[PostTarget]:
    return (
        PostTarget.objects.filter(
            post__organisation=organisation,
            post__deleted_at__isnull=True,
            status__in=[Status.SCHEDULED, Status.AWAITING_APPROVAL],
            scheduled_at__gte=timezone.now(),
        )
        .select_related("channel")
        .order_by("scheduled_at")
    )


def needs_attention(organisation: Organisation) -> QuerySet[PostTarget]:
    """Failed, missed and unconfirmed posts: each needs a person's decision."""
    return PostTarget.objects.filter(
        post__organisation=organisation,
        post__deleted_at__isnull=True,
        status__in=[Status.FAILED, Status.MISSED, Status.UNCONFIRMED],
    )


def get_post(organisation: Organisation, post_id: int) -> Post:
    """A post of this organisation, or Post.DoesNotExist (the view turns it into a 404)."""
    return posts_of(organisation).get(pk=post_id)


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    items: list[PostTarget] = field(default_factory=list)
    marks: list[holidays.DayMark] = field(default_factory=list)


def month_grid(year: int, month: int) -> list[date]:
    """Monday-first weeks that cover the whole month."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    following = date(year + month // 12, month % 12 + 1, 1)
    end = following + timedelta(days=(7 - following.weekday()) % 7)
    return [start + timedelta(days=n) for n in range((end - start).days)]


def calendar_days(
    organisation: Organisation,
    days: list[date],
    *,
    channel_ids: list[int] | None = None,
    statuses: list[str] | None = None,
    month: int | None = None,
    language: str = "nl",
) -> list[CalendarDay]:
    zone = ZoneInfo(organisation.timezone)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    targets = (
        PostTarget.objects.filter(
            post__organisation=organisation,
            post__deleted_at__isnull=True,
            scheduled_at__gte=start,
            scheduled_at__lt=end,
        )
        .exclude(status=Status.CANCELLED)
        .select_related("channel", "post")
        .order_by("scheduled_at", "pk")
    )
    if channel_ids:
        targets = targets.filter(channel_id__in=channel_ids)
    if statuses:
        targets = targets.filter(status__in=statuses)
    by_day: dict[date, list[PostTarget]] = defaultdict(list)
    for target in targets:
        assert target.scheduled_at is not None
        by_day[target.scheduled_at.astimezone(zone).date()].append(target)
    regions = publishing_settings(organisation).holiday_regions
    marks = holidays.day_marks(days[0], days[-1], regions, language=language) if regions else {}
    today = timezone.now().astimezone(zone).date()
    return [
        CalendarDay(
            day=day,
            in_month=month is None or day.month == month,
            is_today=day == today,
            items=by_day.get(day, []),
            marks=marks.get(day, []),
        )
        for day in days
    ]


@dataclass(frozen=True)
class RhythmWarning:
    kind: str  # silence, clash, duplicate
    channel: Channel
    message: str


def _local(moment: datetime, organisation: Organisation) -> str:
    return date_format(moment.astimezone(ZoneInfo(organisation.timezone)), "DATETIME_FORMAT")


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def rhythm_warnings(organisation: Organisation, now: datetime | None = None) -> list[RhythmWarning]:
    """Channels about to fall silent, posts that clash, the same text planned twice.

    A channel falls silent after the plan's rhythm for its network allows (three posts a week:
    three days), or after the organisation's default when the plan sets none.
    """
    now = now or timezone.now()
    options = publishing_settings(organisation)
    planned = plan_rhythm(organisation)
    warnings: list[RhythmWarning] = []
    for channel in publishable_channels(organisation):
        per_week = planned.get(channel.network)
        days = silence_days(per_week) if per_week else options.max_silence_days
        silence = timedelta(days=days)
        horizon = now + timedelta(days=max(HORIZON_DAYS, days * 2))
        targets = list(
            PostTarget.objects.filter(
                channel=channel,
                status__in=PostTarget.PLANNED,
                post__deleted_at__isnull=True,
                scheduled_at__gte=now - silence,
                scheduled_at__lt=horizon,
            ).order_by("scheduled_at")
        )
        warnings.extend(_silence(channel, targets, now, silence, horizon, per_week))
        upcoming = [t for t in targets if t.scheduled_at and t.scheduled_at >= now]
        warnings.extend(_clashes(organisation, channel, upcoming, options.clash_minutes))
        warnings.extend(_duplicates(channel, targets, now))
    return warnings


def _silence(
    channel: Channel,
    targets: list[PostTarget],
    now: datetime,
    silence: timedelta,
    horizon: datetime,
    per_week: float | None = None,
) -> list[RhythmWarning]:
    moments = [t.scheduled_at for t in targets if t.scheduled_at]
    previous = max([m for m in moments if m <= now], default=now)
    for moment in [m for m in moments if m > now] + [horizon]:
        gap = moment - previous
        if gap > silence:
            values = {
                "channel": channel.handle,
                "date": date_format(previous.date(), "DATE_FORMAT"),
                "days": gap.days,
            }
            if moment == horizon:
                message = _after_message(values, per_week)
            else:
                message = _gap_message(values, per_week)
            return [RhythmWarning("silence", channel, message)]
        previous = moment
    return []


def _gap_message(values: dict[str, object], per_week: float | None) -> str:
    if not per_week:
        return _("%(channel)s: %(days)s days with nothing planned.") % values
    return ngettext(
        "%(channel)s: %(days)s days with nothing planned; your plan asks for %(n)s post a week.",
        "%(channel)s: %(days)s days with nothing planned; your plan asks for %(n)s posts a week.",
        _count(per_week),
    ) % {**values, "n": _number(per_week)}


def _after_message(values: dict[str, object], per_week: float | None) -> str:
    if not per_week:
        return _("%(channel)s: nothing planned after %(date)s.") % values
    return ngettext(
        "%(channel)s: nothing planned after %(date)s; your plan asks for %(n)s post a week.",
        "%(channel)s: nothing planned after %(date)s; your plan asks for %(n)s posts a week.",
        _count(per_week),
    ) % {**values, "n": _number(per_week)}


def _count(per_week: float) -> int:
    # "1 post", "0.5 posts", "3 posts": only exactly one is singular.
    return 1 if per_week == 1 else 2


def _number(value: float) -> str:
    return number_format(value, decimal_pos=0 if value == int(value) else 2)


def _clashes(
    organisation: Organisation, channel: Channel, targets: list[PostTarget], minutes: int
) -> list[RhythmWarning]:
    warnings = []
    for first, second in pairwise(targets):
        assert first.scheduled_at and second.scheduled_at
        if second.scheduled_at - first.scheduled_at < timedelta(minutes=minutes):
            message = _("%(channel)s: two posts within %(minutes)s minutes around %(moment)s.") % {
                "channel": channel.handle,
                "minutes": minutes,
                "moment": _local(second.scheduled_at, organisation),
            }
            warnings.append(RhythmWarning("clash", channel, message))
    return warnings


def _duplicates(channel: Channel, targets: list[PostTarget], now: datetime) -> list[RhythmWarning]:
    """One warning per text that an upcoming post repeats; what both already published is past
    changing."""
    seen: dict[str, PostTarget] = {}
    warned: set[str] = set()
    warnings = []
    for target in targets:
        key = _normalised(target.text)
        earlier = seen.get(key)
        upcoming = target.scheduled_at is not None and target.scheduled_at >= now
        if earlier and earlier.post_id != target.post_id and upcoming and key not in warned:
            message = _("%(channel)s: the same text is planned twice (“%(text)s”).") % {
                "channel": channel.handle,
                "text": target.text[:50],
            }
            warnings.append(RhythmWarning("duplicate", channel, message))
            warned.add(key)
        seen[key] = target
    return warnings
