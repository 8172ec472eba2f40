"""Queue slots: the weekly moments at which a channel publishes what is put in its queue."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.lib.dates import NonexistentTime, aware_from_local
from klankbord.publishing.models import Post, PostTarget, QueueSlot

Status = PostTarget.Status
HORIZON_WEEKS = 12


def slot_moments(channel: Channel, start: datetime, end: datetime) -> list[datetime]:
    """Every slot of a channel between two moments, as aware datetimes (DST-safe)."""
    zone = channel.organisation.timezone
    slots = list(QueueSlot.objects.filter(channel=channel))
    if not slots:
        return []
    local_start = start.astimezone(ZoneInfo(zone)).date()
    moments = []
    for offset in range((end - start).days + 2):
        day = local_start + timedelta(days=offset)
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            moment = _local_moment(day, slot.time, zone)
            if moment is not None and start <= moment < end:
                moments.append(moment)
    return sorted(moments)


def _local_moment(day: date, at: time, zone: str) -> datetime | None:
    try:
        return aware_from_local(datetime.combine(day, at), zone)
    except NonexistentTime:
        # The clock skips this slot once a year; that week it simply has one slot less.
        return None


def next_free_slot(
    channel: Channel, *, exclude_post: Post | None = None, now: datetime | None = None
) -> datetime | None:
    now = now or timezone.now()
    end = now + timedelta(weeks=HORIZON_WEEKS)
    taken_qs = PostTarget.objects.filter(
        channel=channel, status__in=PostTarget.PLANNED, scheduled_at__gte=now, scheduled_at__lt=end
    )
    if exclude_post is not None:
        taken_qs = taken_qs.exclude(post=exclude_post)
    moments = taken_qs.values_list("scheduled_at", flat=True)
    taken = {moment.replace(second=0, microsecond=0) for moment in moments if moment}
    for moment in slot_moments(channel, now + timedelta(minutes=1), end):
        if moment not in taken:
            return moment
    return None
