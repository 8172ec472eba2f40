import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.accounts.models import User, hash_token
from klankbord.orgs.models import AuditEvent, Invitation, Membership, Organisation, Role


def audit_record(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    target: str = "",
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        target=target[:254],
        data=data or {},
        ip_address=ip_address,
    )


def audit_record_at_most_every(
    every: timedelta,
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    target: str,
    data: dict[str, Any] | None = None,
) -> None:
    """The entry, unless the same actor did the same to the same target within `every`:
    repeated looks at one thing make one line an interval, not one per page view."""
    recent = AuditEvent.objects.filter(
        organisation=organisation,
        actor=actor,
        action=action,
        target=target[:254],
        created_at__gte=timezone.now() - every,
    )
    if not recent.exists():
        audit_record(
            organisation=organisation, actor=actor, action=action, target=target, data=data
        )


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisatie"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *, name: str, owner: User, timezone_name: str = "Europe/Brussels", ip_address: str | None = None
) -> Organisation:
    org = Organisation.objects.create(name=name, slug=unique_slug(name), timezone=timezone_name)
    Membership.objects.create(organisation=org, user=owner, role=Role.OWNER)
    audit_record(
        organisation=org,
        actor=owner,
        action="organisation.create",
        target=name,
        ip_address=ip_address,
    )
    return org


def organisation_update(
    *, organisation: Organisation, by: User, ip_address: str | None = None, **fields: Any
) -> Organisation:
    changed = {
        key: [getattr(organisation, key), value]
        for key, value in fields.items()
        if getattr(organisation, key) != value
    }
    if not changed:
        return organisation
    for key, (_old, new) in changed.items():
        setattr(organisation, key, new)
    with transaction.atomic():
        organisation.save(update_fields=list(changed))
        audit_record(
            organisation=organisation,
            actor=by,
            action="organisation.update",
            target=organisation.name,
            data=changed,
            ip_address=ip_address,
        )
    return organisation


def _assert_may_manage(actor: Membership, role: str) -> None:
    # Managers run the team, but only an owner may create or touch another owner.
    if not actor.has_role(Role.MANAGER):
        raise PermissionDenied
    if role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied


def invitation_create(
    *, by: Membership, email: str, role: str, ip_address: str | None = None
) -> tuple[Invitation, str]:
    _assert_may_manage(by, role)
    org = by.organisation
    email = email.strip().lower()
    if Membership.objects.filter(organisation=org, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=org,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=by.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit_record(
            organisation=org,
            actor=by.user,
            action="member.invite",
            target=email,
            data={"role": role},
            ip_address=ip_address,
        )
    transaction.on_commit(lambda: invitation_send(invitation=invitation, token=token))
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[token])


def invitation_send(*, invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    with override(inviter.language if inviter else settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "url": invitation_url(token),
            "days": settings.INVITATION_VALID_DAYS,
        }
        subject = _("You are invited to %(org)s on Klankbord") % {
            "org": invitation.organisation.name
        }
        body = render_to_string("orgs/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_lookup(token: str) -> Invitation | None:
    """An invitation that may still be used, or None (unknown, used or expired)."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            token_hash=hash_token(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    return user.email.strip().lower() == invitation.email.strip().lower()


def invitation_accept(*, token: str, user: User, ip_address: str | None = None) -> Membership:
    now = timezone.now()
    with transaction.atomic():
        invitation = invitation_lookup(token)
        if invitation is None:
            raise ValidationError(_("This invitation is no longer valid."))
        # The link alone is not enough: only the invited address may use it.
        if not invitation_is_for(invitation, user):
            raise ValidationError(
                _("This invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        # One conditional UPDATE makes the link single use, even for two clicks at once.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=now, accepted_by=user
        )
        if claimed != 1:
            raise ValidationError(_("This invitation is no longer valid."))
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organisation=invitation.organisation, user=user, role=invitation.role
                )
        except IntegrityError:
            membership = Membership.objects.get(organisation=invitation.organisation, user=user)
        audit_record(
            organisation=invitation.organisation,
            actor=user,
            action="member.join",
            target=user.email,
            data={"role": invitation.role},
            ip_address=ip_address,
        )
    return membership


def invitation_revoke(
    *, by: Membership, invitation: Invitation, ip_address: str | None = None
) -> None:
    _assert_may_manage(by, invitation.role)
    with transaction.atomic():
        invitation.delete()
        audit_record(
            organisation=by.organisation,
            actor=by.user,
            action="member.invite_revoke",
            target=invitation.email,
            ip_address=ip_address,
        )


def _owners_left_after(membership: Membership) -> int:
    return (
        Membership.objects.filter(organisation=membership.organisation, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_change_role(
    *, by: Membership, membership: Membership, role: str, ip_address: str | None = None
) -> Membership:
    _assert_may_manage(by, role)
    _assert_may_manage(by, membership.role)
    if membership.role == Role.OWNER and role != Role.OWNER and not _owners_left_after(membership):
        raise ValidationError(_("An organisation needs at least one owner."))
    old = membership.role
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            organisation=by.organisation,
            actor=by.user,
            action="member.role_change",
            target=membership.user.email,
            data={"from": old, "to": role},
            ip_address=ip_address,
        )
    return membership


def membership_remove(
    *, by: Membership, membership: Membership, ip_address: str | None = None
) -> None:
    if membership.pk != by.pk:
        _assert_may_manage(by, membership.role)
    if membership.role == Role.OWNER and not _owners_left_after(membership):
        raise ValidationError(_("An organisation needs at least one owner."))
    with transaction.atomic():
        membership.delete()
        audit_record(
            organisation=by.organisation,
            actor=by.user,
            action="member.remove",
            target=membership.user.email,
            ip_address=ip_address,
        )
