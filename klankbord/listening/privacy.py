"""Privacy (GDPR) for what listening stores: retention, erasure, export, pseudonyms.

A pseudonym is an HMAC of the handle with the site's secret key and the organisation: the same
author keeps the same code within one organisation, and nobody can turn it back into a name.
An erased author is remembered only by that code, so they stay out without being named.
"""

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from klankbord.listening.media import media_export
from klankbord.listening.models import BlockedAuthor, ListeningSettings, Mention
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record

PSEUDONYM_PREFIX = "author-"
# A phone number typed with or without spaces, dashes or brackets (WhatsApp authors).
PHONE = re.compile(r"\+\d[\d\s().-]{5,}")
BATCH = 1000


def settings_for(organisation: Organisation) -> ListeningSettings:
    found, _created = ListeningSettings.objects.get_or_create(organisation=organisation)
    return found


def bare(handle: str) -> str:
    return handle.strip().lower().lstrip("@")


def phone_or_handle(handle: str) -> str:
    """A phone number as WhatsApp authors are stored ("+32475987654"), however it was typed."""
    if PHONE.fullmatch(handle.strip()):
        return "+" + "".join(ch for ch in handle if ch.isdigit())
    return handle


def pseudonym(organisation_id: int, handle: str) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"{organisation_id}:{bare(handle)}".encode(), hashlib.sha256)
    return PSEUDONYM_PREFIX + digest.hexdigest()[:10]


def by_author(organisation: Organisation, handle: str) -> QuerySet[Mention]:
    """Every stored mention of this author, under their handle or their pseudonym."""
    name = bare(phone_or_handle(handle))
    return Mention.objects.filter(
        Q(author_handle__iexact=name)
        | Q(author_handle__iexact=f"@{name}")
        | Q(author_handle=pseudonym(organisation.pk, name)),
        organisation=organisation,
    )


def author_export(membership: Membership, handle: str) -> dict[str, Any]:
    organisation = membership.organisation
    mentions = by_author(organisation, handle).order_by("published_at").prefetch_related("media")
    audit_record(
        organisation=organisation,
        actor=membership.user,
        action="listening.author_exported",
        target=pseudonym(organisation.pk, handle),
        data={"mentions": mentions.count()},
    )
    return {
        "author": handle,
        "organisation": organisation.name,
        "exported_at": timezone.now().isoformat(),
        "mentions": [
            {
                "network": m.network,
                "url": m.url,
                "author_handle": m.author_handle,
                "author_name": m.author_name,
                "title": m.title,
                "text": m.text,
                "published_at": m.published_at.isoformat() if m.published_at else None,
                "fetched_at": m.fetched_at.isoformat(),
                "language": m.language,
                "sentiment": m.sentiment,
                "intents": m.intents,
                "places": m.places,
                # The files of their messages (WhatsApp), with the bytes in base64.
                "media": media_export(m),
            }
            for m in mentions
        ],
    }


def author_erase(membership: Membership, handle: str) -> int:
    """Delete everything stored about an author and keep them out from now on."""
    organisation = membership.organisation
    handle = phone_or_handle(handle)
    code = pseudonym(organisation.pk, handle)
    deleted = by_author(organisation, handle).delete()[1].get("listening.Mention", 0)
    BlockedAuthor.objects.get_or_create(
        organisation=organisation, handle=code, defaults={"reason": "erased"}
    )
    audit_record(
        organisation=organisation,
        actor=membership.user,
        action="listening.author_erased",
        target=code,
        data={"mentions": deleted},
    )
    return deleted


def pseudonymise_stored(organisation: Organisation) -> int:
    """Replace the authors of stored mentions by their pseudonyms."""
    changed = 0
    pending = Mention.objects.filter(organisation=organisation).exclude(
        author_handle__startswith=PSEUDONYM_PREFIX
    )
    while batch := list(pending.only("pk", "author_handle")[:BATCH]):
        for mention in batch:
            mention.author_handle = pseudonym(organisation.pk, mention.author_handle or "?")
            mention.author_name = ""
        Mention.objects.bulk_update(batch, ["author_handle", "author_name"])
        changed += len(batch)
    return changed


def settings_saved(membership: Membership, chosen: ListeningSettings) -> None:
    if chosen.pseudonymise_authors:
        pseudonymise_stored(membership.organisation)
    audit_record(
        organisation=membership.organisation,
        actor=membership.user,
        action="listening.privacy_changed",
        data={
            "retention_days": chosen.retention_days,
            "pseudonymise_authors": chosen.pseudonymise_authors,
        },
    )


def retention_apply(now: datetime | None = None) -> int:
    """Delete mentions older than each organisation keeps them; returns how many went."""
    now = now or timezone.now()
    chosen = dict(ListeningSettings.objects.values_list("organisation_id", "retention_days"))
    default = ListeningSettings._meta.get_field("retention_days").default
    removed = 0
    organisations = Mention.objects.values_list("organisation_id", flat=True).distinct()
    for organisation_id in organisations:
        days = chosen.get(organisation_id, default)
        old = Mention.objects.filter(
            organisation_id=organisation_id, fetched_at__lt=now - timedelta(days=days)
        )
        removed += old.delete()[1].get("listening.Mention", 0)
    return removed
