"""Writes to the plan: one step at a time, and versions of the whole."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.orgs.services import audit_record
from klankbord.orgs.signals import measured_settings_changed
from klankbord.strategy import evaluation
from klankbord.strategy.models import Plan, PlanVersion, StaffPolicy
from klankbord.strategy.policy import policy_draft
from klankbord.strategy.vocabulary import STEPS

EDITS_THE_PLAN = Role.EDITOR  # contributors and clients read it
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
        measured_settings_changed.send(sender=Plan, organisation_id=organisation.pk)
        # Only those who may change the inbox settings change its target.
        if key == "rhythm" and data.get("response_minutes") and by.has_role(SETS_INBOX_TARGET):
            _inbox_target_follow(organisation, data["response_minutes"], by)
        audit_record(organisation=organisation, actor=by.user, action="plan.step_saved", target=key)
        plan.refresh_from_db()
        _review_date_set(plan)
    plan.refresh_from_db()
    return plan


def _review_date_set(plan: Plan) -> None:
    """A plan gets an evaluation date from its first save on, so the reminder has one to keep;
    a KPI to evaluate earlier brings it forward."""
    today = local_today(plan.organisation)
    first = evaluation.first_review_on(plan.steps, plan.review_every_months, today)
    if plan.next_review_on is None:
        Plan.objects.filter(pk=plan.pk, next_review_on__isnull=True).update(next_review_on=first)
    elif first < plan.next_review_on:
        Plan.objects.filter(pk=plan.pk, next_review_on=plan.next_review_on).update(
            next_review_on=first
        )


def plan_review_schedule(*, plan: Plan, every_months: int, next_on: date, by: Membership) -> Plan:
    """How often the plan is evaluated and when next; a new date re-arms the reminder."""
    Plan.objects.filter(pk=plan.pk).update(review_every_months=every_months, next_review_on=next_on)
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action="plan.review_scheduled",
        data={"every_months": every_months, "next_on": next_on.isoformat()},
    )
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
    *,
    plan: Plan,
    by: Membership,
    note: str = "",
    kind: str = PlanVersion.Kind.MANUAL,
    review: dict[str, Any] | None = None,
) -> PlanVersion:
    """A snapshot of the whole plan, numbered 1, 2, 3 … per plan; a review keeps its figures."""
    with transaction.atomic():
        # Lock the plan so two people saving at once get two numbers.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        number = locked.version + 1
        data = locked.snapshot()
        if data["steps"]["rhythm"]:
            target = inbox_settings(by.organisation).target_minutes
            data["steps"]["rhythm"]["response_minutes"] = target
        if review is not None:
            data["review"] = review
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


def plan_review_save(*, plan: Plan, by: Membership, record: dict[str, Any]) -> PlanVersion:
    """Keep the review with the plan as it stood, and plan the next one a rhythm ahead."""
    with transaction.atomic():
        version = plan_version_save(
            plan=plan,
            by=by,
            note=record.get("notes", ""),
            kind=PlanVersion.Kind.REVIEW,
            review=record,
        )
        today = local_today(by.organisation)
        next_on = evaluation.add_months(today, plan.review_every_months)
        Plan.objects.filter(pk=plan.pk).update(next_review_on=next_on)
        audit_record(
            organisation=by.organisation,
            actor=by.user,
            action="plan.reviewed",
            target=f"v{version.number}",
            data={"next_on": next_on.isoformat()},
        )
    plan.next_review_on = next_on
    return version


def staff_policy_generate(
    *, organisation: Organisation, language: str, choices: dict[str, Any], by: Membership
) -> StaffPolicy:
    """A new draft from the plan and the choices; it replaces the text in that language."""
    plan = Plan.objects.filter(organisation=organisation).first()
    text = policy_draft(
        organisation=organisation,
        plan_steps=plan.steps if plan else {},
        choices=choices,
        language=language,
    )
    now = timezone.now()
    policy, _created = StaffPolicy.objects.update_or_create(
        organisation=organisation,
        language=language,
        defaults={
            "choices": choices,
            "text": text,
            "generated_at": now,
            "updated_at": now,
            "updated_by": by.user,
        },
    )
    audit_record(
        organisation=organisation,
        actor=by.user,
        action="plan.staff_policy_generated",
        target=language,
        data={"choices": choices},
    )
    return policy


def staff_policy_save(*, policy: StaffPolicy, text: str, by: Membership) -> StaffPolicy:
    """The text as edited by hand; saving it unchanged does not count as an edit."""
    if policy.pk and text == policy.text:
        return policy
    policy.text = text
    policy.updated_at = timezone.now()
    policy.updated_by = by.user
    policy.save()
    audit_record(
        organisation=policy.organisation,
        actor=by.user,
        action="plan.staff_policy_edited",
        target=policy.language,
    )
    return policy
