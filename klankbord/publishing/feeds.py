"""The iCalendar feed: the content calendar in Outlook or Google Calendar, at a secret address."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from klankbord.channels.fields import address_token, address_token_hash, address_token_of
from klankbord.orgs.models import Membership
from klankbord.publishing.models import CalendarFeed, PostTarget

Status = PostTarget.Status
# Calendars show what is planned and what went out or needs a decision; not drafts.
SHOWN = (*PostTarget.PLANNED, Status.FAILED, Status.MISSED)
PAST_DAYS, FUTURE_DAYS = 60, 365
EVENT_MINUTES = 15


def feed_create(*, membership: Membership) -> str:
    """A new address for this member; any older one stops working."""
    feed_revoke(membership=membership)
    token, stored = address_token()
    CalendarFeed.objects.create(
        organisation=membership.organisation, user=membership.user, **stored
    )
    return token


def feed_revoke(*, membership: Membership) -> int:
    return CalendarFeed.objects.filter(
        organisation=membership.organisation, user=membership.user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def feed_token(membership: Membership) -> str:
    feed = CalendarFeed.objects.filter(
        organisation=membership.organisation, user=membership.user, revoked_at__isnull=True
    ).first()
    return address_token_of(feed.token_encrypted) if feed else ""


def feed_url_for(request: HttpRequest, membership: Membership) -> str:
    token = feed_token(membership)
    return request.build_absolute_uri(reverse("ical", args=[token])) if token else ""


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed for a token, only while its owner still belongs to the organisation."""
    token_hash = address_token_hash(token)
    if token_hash is None:
        return None
    feed = (
        CalendarFeed.objects.select_related("organisation", "user")
        .filter(token_hash=token_hash, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if not Membership.objects.filter(organisation=feed.organisation, user=feed.user).exists():
        return None
    return feed


def render_ical(feed: CalendarFeed, *, base_url: str = "") -> bytes:
    org = feed.organisation
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Klankbord//Content calendar//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{org.name} — Klankbord")
    calendar.add("x-wr-timezone", org.timezone)
    targets = (
        PostTarget.objects.filter(
            post__organisation=org,
            post__deleted_at__isnull=True,
            status__in=SHOWN,
            scheduled_at__gte=now - timedelta(days=PAST_DAYS),
            scheduled_at__lte=now + timedelta(days=FUTURE_DAYS),
        )
        .select_related("channel", "post")
        .order_by("scheduled_at")
    )
    site = (base_url or settings.SITE_URL).rstrip("/")
    for target in targets:
        assert target.scheduled_at is not None
        event = Event()
        event.add("uid", f"{target.idempotency_key}@klankbord")
        event.add("dtstamp", target.updated_at)
        event.add("dtstart", target.scheduled_at)
        event.add("dtend", target.scheduled_at + timedelta(minutes=EVENT_MINUTES))
        event.add("summary", f"[{target.channel.handle}] {target.text[:60]}")
        event.add("description", f"{target.get_status_display()}\n\n{target.text}")
        event.add("status", "CONFIRMED" if target.status == Status.PUBLISHED else "TENTATIVE")
        event.add("url", site + reverse("post_detail", args=[org.slug, target.post_id]))
        calendar.add_component(event)
    return calendar.to_ical()
