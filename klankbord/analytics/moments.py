"""When the audience is active: the hours of the week in which people wrote to and about the
business, from the mentions and messages of the last weeks, in the organisation's local time."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from klankbord.analytics.slots import UtcSlot, utc_moment, whole_hours
from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation

WEEKS = 8
LATEST = 5000  # the latest few thousand show the pattern; more only costs time
ENOUGH = 30  # below this an hour's count is chance, not a habit


@dataclass(frozen=True)
class Moment:
    weekday: int  # 0 is Monday
    hour: int  # local, 0-23
    count: int


@dataclass(frozen=True)
class ActiveMoments:
    busiest: list[Moment]  # busiest first
    counted: int
    weeks: int


def active_moments(
    organisation: Organisation, *, now: datetime | None = None, top: int = 3
) -> ActiveMoments | None:
    """The busiest hours of the week, or None while there is too little to tell."""
    until = now or timezone.now()
    since = until - timedelta(weeks=WEEKS)
    # Counted per UTC hour (minute in a half-hour zone), each hour placed in local time once.
    minutes = not whole_hours(organisation.timezone, since.date(), until.date())
    slots = list(
        Mention.objects.filter(
            organisation=organisation, published_at__gte=since, published_at__lt=until
        )
        .order_by("-published_at")
        .annotate(slot=UtcSlot("published_at", minutes=minutes))
        .values_list("slot", flat=True)[:LATEST]
    )
    if len(slots) < ENOUGH:
        return None
    zone = ZoneInfo(organisation.timezone)
    counts: Counter[tuple[int, int]] = Counter()
    for slot, count in Counter(slots).items():
        moment = utc_moment(slot).astimezone(zone)
        counts[(moment.weekday(), moment.hour)] += count
    # Ties go to the earlier hour of the week, so the answer does not change between reloads.
    ranked = sorted(counts.items(), key=lambda found: (-found[1], found[0]))
    busiest = [Moment(weekday, hour, count) for (weekday, hour), count in ranked[:top]]
    return ActiveMoments(busiest=busiest, counted=len(slots), weeks=WEEKS)
