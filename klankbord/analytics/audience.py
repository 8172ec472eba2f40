"""Followers per channel, counted once a day, so Measure can show how an audience grows.

The networks only say how many followers an account has now; a history exists only because
Klankbord writes the number down every day.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from klankbord.analytics.collect import metrics_networks
from klankbord.analytics.models import AudienceCount
from klankbord.analytics.texts import channel_label
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError
from klankbord.channels.services import connector_for
from klankbord.orgs.models import Organisation

logger = logging.getLogger(__name__)


def count_audiences(now: datetime | None = None) -> int:
    """Write down today's followers of every connected channel not counted today yet."""
    now = now or timezone.now()
    counted = 0
    for channel in _uncounted_channels(now):
        counted += _count(channel, _local_day(channel, now))
    return counted


def _uncounted_channels(now: datetime) -> list[Channel]:
    # The networks that count for a post also say how many followers an account has.
    connected = Channel.objects.filter(
        status=Channel.Status.CONNECTED, network__in=metrics_networks()
    ).select_related("organisation")
    return [
        channel
        for channel in connected
        if not AudienceCount.objects.filter(channel=channel, day=_local_day(channel, now)).exists()
    ]


def _local_day(channel: Channel, now: datetime) -> date:
    return timezone.localdate(now, timezone=ZoneInfo(channel.organisation.timezone))


def _count(channel: Channel, day: date) -> int:
    try:
        followers = connector_for(channel).profile().followers
    except ConnectorError as error:
        # Tried again within the hour; a broken channel is reported by the channel check.
        logger.info("followers of channel %s not counted: %s", channel.pk, error.message)
        return 0
    if followers is None:
        return 0
    # Two workers on the same channel: the unique day keeps the first count.
    AudienceCount.objects.bulk_create(
        [
            AudienceCount(
                organisation_id=channel.organisation_id,
                channel=channel,
                day=day,
                followers=followers,
            )
        ],
        ignore_conflicts=True,
    )
    return 1


# How far back the count a period starts from is looked for.
LOOK_BACK = timedelta(days=366)


@dataclass(frozen=True)
class Audience:
    channel: Channel
    label: str  # the network and the account, as Measure names a channel
    followers: int  # the last count on or before the period's last day
    # Against the last count before the period, or else the first one in it; None with one count.
    gained: int | None


def audiences(
    organisation: Organisation, start: date, end: date, *, disconnected: bool = False
) -> list[Audience]:
    """Per channel counted in or before the period: its followers at the end and the change.

    A disconnected channel is left out unless asked for: its counts stopped, but the followers
    it gained before still count for a KPI.
    """
    counts = AudienceCount.objects.filter(
        organisation=organisation, day__gte=start - LOOK_BACK, day__lte=end
    )
    if not disconnected:
        counts = counts.exclude(channel__status=Channel.Status.DISCONNECTED)
    # Per channel, in the database: the days of its last count, of its last one before the
    # period and of its first one in it (two years of daily counts stay there).
    days = (
        counts.values("channel_id")
        .annotate(
            first=Min("day"),
            last=Max("day"),
            before=Max("day", filter=Q(day__lt=start)),
            opening=Min("day", filter=Q(day__gte=start)),
        )
        .order_by()
    )
    wanted = {
        row["channel_id"]: (row["before"] or row["opening"], row["last"], row["first"])
        for row in days
    }
    followers = _followers_on(counts, wanted)
    channels = Channel.objects.in_bulk(list(wanted))
    found = []
    # In the order the channels were first counted, as before.
    for key, (baseline, last, _first) in sorted(wanted.items(), key=lambda i: (i[1][2], i[0])):
        channel, now = channels[key], followers[key, last]
        gained = None if baseline == last else now - followers[key, baseline]
        found.append(Audience(channel, channel_label(channel), now, gained))
    return found


def _followers_on(
    counts: QuerySet[AudienceCount], wanted: dict[int, tuple[date, date, date]]
) -> dict[tuple[int, date], int]:
    """The followers of each channel on its baseline and last day."""
    if not wanted:
        return {}
    pairs = Q()
    for key, (baseline, last, _first) in wanted.items():
        pairs |= Q(channel_id=key, day__in=[baseline, last])
    return {
        (channel_id, day): followers
        for channel_id, day, followers in counts.filter(pairs).values_list(
            "channel_id", "day", "followers"
        )
    }


def total_gained(found: list[Audience]) -> int | None:
    """New followers over these channels; None until one of them has two counts."""
    gained = [audience.gained for audience in found if audience.gained is not None]
    return sum(gained) if gained else None


def followers_gained(organisation: Organisation, start: date, end: date) -> int | None:
    """New followers over all channels in the period, a disconnected one included."""
    return total_gained(audiences(organisation, start, end, disconnected=True))
