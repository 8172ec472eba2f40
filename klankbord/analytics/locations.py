"""Google Business Profile locations in Measure: views on Search and Maps, calls, directions,
website clicks per day, and the rating over time.

Google gives the daily values a few days late, so the last LOOKBACK days are read again each
time. The rating is Google's own average over every review the location ever had, written down
once a day: the reviews Klankbord keeps reach back only to the connection, and a review removed
on Google would leave our own average wrong.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from klankbord.analytics.models import LocationDay
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import AuthError, ConnectorError
from klankbord.channels.networks.google import GoogleConnector
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.orgs.models import Organisation

logger = logging.getLogger(__name__)

LOOKBACK = timedelta(days=10)
COUNTS = ("views_search", "views_maps", "calls", "directions", "website_clicks")


def collect_locations(now: datetime | None = None) -> int:
    """Read every connected location's recent days and today's rating; returns days written."""
    now = now or timezone.now()
    written = 0
    for channel in Channel.objects.filter(
        network="google", status=Channel.Status.CONNECTED
    ).select_related("organisation"):
        written += collect_location(channel, now)
    return written


def collect_location(channel: Channel, now: datetime) -> int:
    today = timezone.localdate(now, timezone=ZoneInfo(channel.organisation.timezone))
    connector = connector_for(channel)
    assert isinstance(connector, GoogleConnector)
    try:
        days = connector.performance(today - LOOKBACK, today)
        rating, reviews = connector.rating()
    except ConnectorError as error:
        if isinstance(error, AuthError):
            channel_mark_broken(channel=channel, reason=error.message)
        # Tried again at the next run; the days already written stay.
        logger.info("location %s not read: %s", channel.pk, error.message)
        return 0
    for day, values in days.items():
        _write(channel, day, {name: value for name, value in values.items() if value is not None})
    _write(channel, today, {"rating": rating, "reviews": reviews})
    return len(days)


def _write(channel: Channel, day: date, values: dict[str, float | int | None]) -> None:
    """Known values only: a day Google gave before is not emptied by a later answer."""
    LocationDay.objects.update_or_create(
        channel=channel,
        day=day,
        defaults=values,
        create_defaults={"organisation_id": channel.organisation_id, **values},
    )


@dataclass(frozen=True)
class LocationFigures:
    name: str
    # Sums over the period's days Google gave; None: no day known.
    views_search: int | None
    views_maps: int | None
    calls: int | None
    directions: int | None
    website_clicks: int | None
    rating: float | None  # the last written in the period
    reviews: int | None
    new_reviews: int | None  # more reviews at the end of the period than before it


def location_figures(organisation: Organisation, start: date, end: date) -> list[LocationFigures]:
    """Per location, then all locations together (when there are several)."""
    channels = Channel.objects.filter(organisation=organisation, network="google").order_by(
        "display_name"
    )
    read = [_figures(channel, start, end) for channel in channels]
    found = [figures for figures in read if figures is not None]
    if len(found) > 1:
        found.append(_together(found))
    return found


def _figures(channel: Channel, start: date, end: date) -> LocationFigures | None:
    days = list(LocationDay.objects.filter(channel=channel, day__gte=start, day__lte=end))
    if not days:
        return None
    sums = {name: _sum([getattr(day, name) for day in days]) for name in COUNTS}
    rated = sorted((day for day in days if day.reviews is not None), key=lambda day: day.day)
    before = (
        LocationDay.objects.filter(channel=channel, day__lt=start, reviews__isnull=False)
        .order_by("-day")
        .first()
    )
    first = before or (rated[0] if rated else None)
    last = rated[-1] if rated else None
    new_reviews = (
        last.reviews - first.reviews  # type: ignore[operator]
        if first is not None and last is not None and first.reviews is not None
        else None
    )
    return LocationFigures(
        name=channel.display_name or channel.handle,
        rating=last.rating if last else None,
        reviews=last.reviews if last else None,
        new_reviews=max(0, new_reviews) if new_reviews is not None else None,
        **sums,
    )


def _together(found: list[LocationFigures]) -> LocationFigures:
    reviews = _sum([figures.reviews for figures in found])
    weighted = [
        (figures.rating, figures.reviews) for figures in found if figures.rating and figures.reviews
    ]
    total = sum(count for _rating, count in weighted)
    return LocationFigures(
        name="",  # the template names the row
        rating=round(sum(r * c for r, c in weighted) / total, 1) if total else None,
        reviews=reviews,
        new_reviews=_sum([figures.new_reviews for figures in found]),
        **{name: _sum([getattr(figures, name) for figures in found]) for name in COUNTS},
    )


def _sum(values: list[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None
