"""The evaluation reminder: one e-mail per due date to those who change the plan.

A plan is claimed with a conditional UPDATE of review_reminded_for before anything is sent, so two
workers running at once never send it twice; a new next_review_on re-arms it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.accounts.models import User
from klankbord.orgs.models import Membership, Role
from klankbord.orgs.selectors import local_today
from klankbord.strategy.models import Plan

REMINDED_ROLES = (Role.OWNER, Role.MANAGER, Role.EDITOR)


def send_review_reminders() -> int:
    """Remind every plan whose evaluation date has come; returns the e-mails sent."""
    # No time zone is more than a day ahead of UTC; the exact local date is checked per plan.
    latest = timezone.now().date() + timedelta(days=1)
    due = (
        Plan.objects.filter(next_review_on__lte=latest)
        .exclude(review_reminded_for=F("next_review_on"))
        .select_related("organisation")
    )
    sent = 0
    for plan in due:
        assert plan.next_review_on is not None  # the filter above
        if plan.next_review_on > local_today(plan.organisation):
            continue
        if review_claim(plan.pk, plan.next_review_on):
            sent += _remind(plan)
    return sent


def review_claim(plan_id: int, due_on: date) -> bool:
    """Mark the reminder for this date as sent; False when another process got there first."""
    claimed = (
        Plan.objects.filter(pk=plan_id, next_review_on=due_on)
        .exclude(review_reminded_for=due_on)
        .update(review_reminded_for=due_on)
    )
    return claimed == 1


def _who_hears(plan: Plan) -> list[User]:
    members = Membership.objects.filter(
        organisation_id=plan.organisation_id, role__in=REMINDED_ROLES, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in members]


def _remind(plan: Plan) -> int:
    link = settings.SITE_URL.rstrip("/") + reverse("plan_review", args=[plan.organisation.slug])
    users = _who_hears(plan)
    for user in users:
        _mail(plan, user, link)
    return len(users)


def _mail(plan: Plan, user: User, link: str) -> None:
    """The reminder in the member's own language; sent after commit."""
    organisation = plan.organisation
    with override(user.language or settings.LANGUAGE_CODE):
        subject = _("%(org)s: time to evaluate your social media plan") % {"org": organisation.name}
        body = render_to_string(
            "strategy/email/review_reminder.txt",
            {"organisation": organisation, "plan": plan, "url": link},
        )
    message = EmailMultiAlternatives(subject, body, None, [user.email])
    transaction.on_commit(lambda: message.send(fail_silently=True))
