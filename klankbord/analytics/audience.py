"""Followers per channel, counted once a day, so Measure can show how an audience grows.

The networks only say how many followers an account has now; a history exists only because
Klankbord writes the number down every day.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from klankbord.analytics.metrics import LOOK_BACK
from klankbord.analytics.models import AudienceCount
from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import Capability, ConnectorError
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
    connected = Channel.objects.filter(status=Channel.Status.CONNECTED).select_related(
        "organisation"
    )
    return [
        channel
        for channel in connected
        if _has_metrics(channel.network)
        and not AudienceCount.objects.filter(channel=channel, day=_local_day(channel, now)).exists()
    ]


def _local_day(channel: Channel, now: datetime) -> date:
    return timezone.localdate(now, timezone=ZoneInfo(channel.organisation.timezone))


def _has_metrics(network: str) -> bool:
    try:
        return Capability.METRICS in connector_class(network).capabilities
    except KeyError:  # a network this version no longer knows
        return False


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


@dataclass(frozen=True)
class Audience:
    channel: Channel
    followers: int  # the last count on or before the period's last day
    # Against the last count before the period, or else the first one in it; None with one count.
    gained: int | None


def audiences(organisation: Organisation, start: date, end: date) -> list[Audience]:
    """Per channel counted in or before the period: its followers at the end and the change."""
    counts = (
        AudienceCount.objects.filter(
            organisation=organisation, day__gte=start - LOOK_BACK, day__lte=end
        )
        .exclude(channel__status=Channel.Status.DISCONNECTED)
        .select_related("channel")
        .order_by("day")
    )
    baseline: dict[int, AudienceCount] = {}
    last: dict[int, AudienceCount] = {}
    for count in counts:
        if count.day < start or count.channel_id not in baseline:
            baseline[count.channel_id] = count
        last[count.channel_id] = count
    return [
        Audience(
            channel=count.channel,
            followers=count.followers,
            gained=None if baseline[key] is count else count.followers - baseline[key].followers,
        )
        for key, count in last.items()
    ]
