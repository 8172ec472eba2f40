"""Read-only report addresses: the results of a period for someone without an account.

The address holds a random token; only its hash is looked up, and the token itself is kept
encrypted so the team can copy the address again. Revoking stops it at once. Who made or
stopped an address goes in the audit log, and so does its use, once an hour at most.
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from klankbord.analytics.client_reports import Period, last_whole
from klankbord.analytics.models import ReportLink
from klankbord.channels.fields import address_token, address_token_hash, address_token_of
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record, audit_record_at_most_every

VIEW_AUDIT_EVERY = timedelta(hours=1)  # one entry per address an hour, not one per page view


def report_link_create(
    *, organisation: Organisation, by: Membership, data: dict[str, Any]
) -> tuple[ReportLink, str]:
    """A new address and its token (shown to the member; only its hash is looked up)."""
    token, stored = address_token()
    link = ReportLink.objects.create(
        organisation=organisation, created_by=by.user, **data, **stored
    )
    _audit(by, "report.link_created", link)
    return link, token


def report_link_revoke(*, link: ReportLink, by: Membership) -> bool:
    revoked = ReportLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        _audit(by, "report.link_revoked", link)
    return revoked == 1


def _audit(by: Membership, action: str, link: ReportLink) -> None:
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action=action,
        target=link.name or f"#{link.pk}",
        data={"period": link.period},
    )


def live_links(organisation: Organisation) -> list[ReportLink]:
    found = ReportLink.objects.filter(organisation=organisation, revoked_at__isnull=True)
    return list(found.order_by("-created_at", "-pk"))


def link_token(link: ReportLink) -> str:
    return address_token_of(link.token_encrypted)


def link_for_token(token: str) -> ReportLink | None:
    """The live address of this token, counting the visit; None for a revoked or unknown one."""
    token_hash = address_token_hash(token)
    if token_hash is None:
        return None
    link = (
        ReportLink.objects.select_related("organisation")
        .filter(token_hash=token_hash, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        return None
    now = timezone.now()
    ReportLink.objects.filter(pk=link.pk).update(last_viewed_at=now, views=F("views") + 1)
    _audit_view(link)
    return link


def _audit_view(link: ReportLink) -> None:
    """Noted in the log without anything about the visitor: no address, no browser."""
    audit_record_at_most_every(
        VIEW_AUDIT_EVERY,
        organisation=link.organisation,
        actor=None,
        action="report.link_viewed",
        target=f"#{link.pk}",
        data={"period": link.period},
    )


def link_period(link: ReportLink, today: date) -> Period:
    """The period the address shows today: the chosen dates, or the last whole month or
    quarter (which moves on by itself)."""
    if link.period == ReportLink.Period.CUSTOM and link.starts_on and link.ends_on:
        return Period(link.starts_on, link.ends_on, "custom")
    kind = "quarter" if link.period == ReportLink.Period.LAST_QUARTER else "month"
    return last_whole(kind, today)
