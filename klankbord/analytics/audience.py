"""Followers per channel, counted once a day, so Measure can show how an audience grows.

The networks only say how many followers an account has now; a history exists only because
Klankbord writes the number down every day.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
    baseline: dict[int, AudienceCount] = {}
    last: dict[int, AudienceCount] = {}
    for count in counts.select_related("channel").order_by("day"):
        if count.day < start or count.channel_id not in baseline:
            baseline[count.channel_id] = count
        last[count.channel_id] = count
    return [
        Audience(
            channel=count.channel,
            label=channel_label(count.channel),
            followers=count.followers,
            gained=None if baseline[key] is count else count.followers - baseline[key].followers,
        )
        for key, count in last.items()
    ]


def total_gained(found: list[Audience]) -> int | None:
    """New followers over these channels; None until one of them has two counts."""
    gained = [audience.gained for audience in found if audience.gained is not None]
    return sum(gained) if gained else None


def followers_gained(organisation: Organisation, start: date, end: date) -> int | None:
    """New followers over all channels in the period, a disconnected one included."""
    return total_gained(audiences(organisation, start, end, disconnected=True))
