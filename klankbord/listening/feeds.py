"""Feeds out: a monitor's mentions as Atom and JSON Feed at a secret address.

Readers, Zapier or a team chat can follow a monitor without an account. The address holds a
random token; only its hash is looked up, and a new address or revoking stops the old one.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import feedgenerator, timezone

from klankbord.channels.fields import address_token, address_token_hash, address_token_of
from klankbord.lib.links import safe_url
from klankbord.listening.models import Mention, Monitor, MonitorFeed
from klankbord.orgs.models import Membership
from klankbord.orgs.services import audit_record

ITEMS = 50


def feed_create(membership: Membership, monitor: Monitor) -> str:
    feed_revoke(membership, monitor, audit=False)
    token, stored = address_token()
    MonitorFeed.objects.create(monitor=monitor, created_by=membership.user, **stored)
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action="listening.feed_created",
        target=monitor.name,
    )
    return token


def feed_revoke(membership: Membership, monitor: Monitor, audit: bool = True) -> int:
    revoked = MonitorFeed.objects.filter(monitor=monitor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked and audit:
        audit_record(
            organisation=membership.organisation,
            actor=membership.user,
            action="listening.feed_revoked",
            target=monitor.name,
        )
    return revoked


def feed_urls(request: HttpRequest, monitor: Monitor) -> dict[str, str]:
    feed = MonitorFeed.objects.filter(monitor=monitor, revoked_at__isnull=True).first()
    if feed is None:
        return {}
    token = address_token_of(feed.token_encrypted)
    return {
        "atom": request.build_absolute_uri(reverse("monitor_feed_atom", args=[token])),
        "json": request.build_absolute_uri(reverse("monitor_feed_json", args=[token])),
    }


def monitor_for_token(token: str) -> Monitor | None:
    token_hash = address_token_hash(token)
    if token_hash is None:
        return None
    feed = (
        MonitorFeed.objects.select_related("monitor__organisation")
        .filter(token_hash=token_hash, revoked_at__isnull=True)
        .first()
    )
    return feed.monitor if feed else None


def latest(monitor: Monitor) -> list[Mention]:
    return list(Mention.objects.filter(monitors=monitor).order_by("-fetched_at")[:ITEMS])


def atom(monitor: Monitor, link: str) -> str:
    feed = feedgenerator.Atom1Feed(
        title=f"{monitor.organisation.name}: {monitor.name}",
        link=link,
        description=monitor.query,
        language="nl",
    )
    for mention in latest(monitor):
        feed.add_item(
            title=mention.title or f"{mention.author_name or mention.author_handle}",
            link=safe_url(mention.url) or link,
            description=mention.text,
            unique_id=f"klankbord:{monitor.organisation.slug}:{mention.key}",
            pubdate=mention.published_at or mention.fetched_at,
            author_name=mention.author_name or mention.author_handle or None,
            categories=[mention.sentiment, *mention.intents],
        )
    return feed.writeString("utf-8")


def json_feed(monitor: Monitor, link: str) -> dict[str, Any]:
    """JSON Feed 1.1 (jsonfeed.org), with Klankbord's reading under `_klankbord`."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{monitor.organisation.name}: {monitor.name}",
        "home_page_url": link,
        "items": [
            {
                "id": mention.key,
                "url": safe_url(mention.url) or None,
                "title": mention.title or None,
                "content_text": mention.text,
                "date_published": (mention.published_at or mention.fetched_at).isoformat(),
                "authors": [{"name": mention.author_name or mention.author_handle}],
                "_klankbord": {
                    "network": mention.network,
                    "language": mention.language,
                    "sentiment": mention.sentiment,
                    "sentiment_score": mention.sentiment_score,
                    "intents": mention.intents,
                    "places": mention.places,
                },
            }
            for mention in latest(monitor)
        ],
    }
