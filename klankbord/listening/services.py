"""Monitors and sources: what an organisation listens for, and where."""

from collections.abc import Sequence

from django.db import connection, transaction

from klankbord.channels.models import Channel
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record
from klankbord.orgs.signals import measured_settings_changed

# Connected accounts whose mentions are read without being asked.
MENTION_NETWORKS = (
    "mastodon",
    "bluesky",
    "facebook",
    "instagram",
    "threads",
    "linkedin",
    "google",
    # WhatsApp messages come by webhook only; the source is where they are stored.
    "whatsapp",
    "sandbox",
)
# Networks whose connector reads the replies to a published post.
REPLY_NETWORKS = ("mastodon", "bluesky")


def mention_relabel(*, mention: Mention, sentiment: str, intents: Sequence[str]) -> None:
    """A member's reading of a mention, shown at once; Klankbord is no longer unsure of it."""
    changes = {
        "sentiment": sentiment,
        "intents": list(intents),
        "reading_confidence": 1.0,
        "uncertain": False,
    }
    Mention.objects.filter(pk=mention.pk, organisation_id=mention.organisation_id).update(**changes)
    for name, value in changes.items():
        setattr(mention, name, value)


@transaction.atomic
def sources_sync(organisation: Organisation) -> None:
    """One source per connected account's mentions and per feed; switched off when it goes."""
    connected = Channel.objects.filter(organisation=organisation, status=Channel.Status.CONNECTED)
    for channel in connected:
        if channel.network in MENTION_NETWORKS:
            _ensure(organisation, channel, Source.Kind.MENTIONS, f"{channel.handle}")
        if channel.network in REPLY_NETWORKS:
            _ensure(organisation, channel, Source.Kind.COMMENTS, f"{channel.handle} (reacties)")
        elif channel.network == "rss":
            _ensure(organisation, channel, Source.Kind.FEED, channel.display_name or channel.handle)
    Source.objects.filter(organisation=organisation, channel__isnull=False).exclude(
        channel__in=connected
    ).update(active=False)


def _ensure(organisation: Organisation, channel: Channel, kind: str, name: str) -> None:
    source, created = Source.objects.get_or_create(
        organisation=organisation, channel=channel, kind=kind, defaults={"name": name[:200]}
    )
    if not created and not source.active:
        Source.objects.filter(pk=source.pk).update(active=True)


def search_source_add(membership: Membership, channel: Channel, term: str) -> Source:
    source, _created = Source.objects.get_or_create(
        organisation=membership.organisation,
        channel=channel,
        kind=Source.Kind.SEARCH,
        term=term.strip(),
        defaults={"name": f"{term.strip()} ({channel.network})"[:200]},
    )
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action="listening.source_added",
        target=source.name,
    )
    return source


def monitor_saved(membership: Membership, monitor: Monitor, created: bool) -> None:
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action="listening.monitor_created" if created else "listening.monitor_changed",
        target=monitor.name,
        data={"query": monitor.query},
    )


def monitor_listening_set(membership: Membership, monitor: Monitor, *, active: bool) -> bool:
    """Pause a monitor (it finds no new mentions; those it found stay) or resume it.

    A conditional update: only a change is made and audited, so a second click, or two people
    at once, change nothing more. Returns whether this call changed it.
    """
    changed = Monitor.objects.filter(
        pk=monitor.pk, organisation=membership.organisation, active=not active
    ).update(active=active)
    monitor.active = active
    if changed:
        measured_settings_changed.send(sender=Monitor, organisation_id=monitor.organisation_id)
        audit_record(
            organisation=membership.organisation,
            actor=membership.user,
            action="listening.monitor_resumed" if active else "listening.monitor_paused",
            target=monitor.name,
        )
    return bool(changed)


def refresh_statistics() -> None:
    """Let SQLite's planner know the table sizes (PostgreSQL's autovacuum does this itself).

    Without statistics SQLite walks all of an organisation's mentions for a filtered monitor
    page (about 250 ms at 100,000 mentions); with them it starts from the monitor (under 10 ms).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
