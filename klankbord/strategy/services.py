"""Writes to the plan: one step at a time, and versions of the whole."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.services import audit_record
from klankbord.strategy.models import Plan, PlanVersion
from klankbord.strategy.vocabulary import STEPS

SETS_INBOX_TARGET = Role.MANAGER  # as on the inbox settings page


def plan_step_save(
    *, organisation: Organisation, key: str, data: dict[str, Any], by: Membership
) -> Plan:
    """Store one step's answers; the other steps stay as they are, even if a colleague just
    saved one of them."""
    if key not in STEPS:
        raise ValueError(f"unknown plan step {key!r}")
    with transaction.atomic():
        plan, _created = Plan.objects.get_or_create(organisation=organisation)
        Plan.objects.filter(pk=plan.pk).update(
            **{key: data}, updated_at=timezone.now(), updated_by=by.user
        )
        # Only those who may change the inbox settings change its target.
        if key == "rhythm" and data.get("response_minutes") and by.has_role(SETS_INBOX_TARGET):
            _inbox_target_follow(organisation, data["response_minutes"], by)
        audit_record(organisation=organisation, actor=by.user, action="plan.step_saved", target=key)
    plan.refresh_from_db()
    return plan


def _inbox_target_follow(organisation: Organisation, minutes: int, by: Membership) -> None:
    """The plan's response time is the inbox's target: one number, set in either place."""
    chosen = inbox_settings(organisation)
    if chosen.target_minutes == minutes:
        return
    chosen.target_minutes = minutes
    chosen.save(update_fields=["target_minutes"])
    audit_record(
        organisation=organisation,
        actor=by.user,
        action="inbox.settings_changed",
        data={"target_minutes": minutes, "from": "plan"},
    )


def plan_version_save(
    *, plan: Plan, by: Membership, note: str = "", kind: str = PlanVersion.Kind.MANUAL
) -> PlanVersion:
    """A snapshot of the whole plan, numbered 1, 2, 3 … per plan."""
    with transaction.atomic():
        # Lock the plan so two people saving at once get two numbers.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        number = locked.version + 1
        data = locked.snapshot()
        if data["steps"]["rhythm"]:
            target = inbox_settings(by.organisation).target_minutes
            data["steps"]["rhythm"]["response_minutes"] = target
        version = PlanVersion.objects.create(
            plan=locked,
            organisation_id=locked.organisation_id,
            number=number,
            kind=kind,
            data=data,
            note=note.strip()[:500],
            created_by=by.user,
        )
        Plan.objects.filter(pk=locked.pk).update(version=number)
        audit_record(
            organisation=by.organisation,
            actor=by.user,
            action="plan.version_saved",
            target=f"v{number}",
            data={"kind": kind},
        )
    plan.version = number
    return version
