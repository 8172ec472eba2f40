from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from klankbord.accounts.models import User
from klankbord.orgs.models import AuditEvent, Invitation, Membership, Organisation


def local_today(organisation: Organisation) -> date:
    """Today's date where the organisation is: what its calendar, plan and figures count by."""
    return timezone.localdate(timezone=ZoneInfo(organisation.timezone))


def memberships_for_user(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__email")


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True)


def audit_events(
    organisation: Organisation,
    *,
    action: str = "",
    actor_email: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    events = organisation.audit_events.all()
    if action:
        events = events.filter(action__startswith=action)
    if actor_email:
        events = events.filter(actor_email__icontains=actor_email)
    if since:
        events = events.filter(created_at__gte=since)
    if until:
        events = events.filter(created_at__lt=until)
    return events
