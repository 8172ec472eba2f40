"""A read-only address of the plan for a consultant, an accountant or the team.

The address holds a random token; only its hash is looked up, and the token itself is kept
encrypted so the team can copy the address again. A new address or revoking stops the old one.
"""

from django.utils import timezone

from klankbord.channels.fields import address_token, address_token_hash, address_token_of
from klankbord.orgs.models import Membership
from klankbord.orgs.services import audit_record
from klankbord.strategy.models import Plan, PlanShare


def plan_share_create(*, plan: Plan, by: Membership) -> str:
    """A new address; one that was shared before stops working."""
    plan_share_revoke(plan=plan, by=by, audit=False)
    token, stored = address_token()
    PlanShare.objects.create(
        plan=plan, organisation_id=plan.organisation_id, created_by=by.user, **stored
    )
    audit_record(organisation=by.organisation, actor=by.user, action="plan.share_created")
    return token


def plan_share_revoke(*, plan: Plan, by: Membership, audit: bool = True) -> int:
    revoked = PlanShare.objects.filter(plan=plan, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked and audit:
        audit_record(organisation=by.organisation, actor=by.user, action="plan.share_revoked")
    return revoked


def active_share(plan: Plan) -> PlanShare | None:
    if plan.pk is None:
        return None
    return PlanShare.objects.filter(plan=plan, revoked_at__isnull=True).first()


def share_token(share: PlanShare) -> str:
    return address_token_of(share.token_encrypted)


def plan_for_token(token: str) -> Plan | None:
    """The plan a live address shows, noting when it was last looked at; None otherwise."""
    token_hash = address_token_hash(token)
    if token_hash is None:
        return None
    share = (
        PlanShare.objects.select_related("plan__organisation")
        .filter(token_hash=token_hash, revoked_at__isnull=True)
        .first()
    )
    if share is None:
        return None
    PlanShare.objects.filter(pk=share.pk).update(last_viewed_at=timezone.now())
    return share.plan
