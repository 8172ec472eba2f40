from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.services import audit_record
from klankbord.publishing.models import Post, PostTarget

Status = PostTarget.Status
# Targets that may still be stopped: nothing has been sent to the network for them.
STOPPABLE = [Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.CLAIMED]


@transaction.atomic
def post_create(
    *, organisation: Organisation, author: User, text: str, channels: Iterable[Channel]
) -> Post:
    channels = list(channels)
    if not text.strip():
        raise ValidationError(_("Write something first."))
    if not channels:
        raise ValidationError(_("Choose at least one channel."))
    if any(channel.organisation_id != organisation.pk for channel in channels):
        raise ValidationError(_("That channel does not belong to this organisation."))
    post = Post.objects.create(organisation=organisation, author=author, text=text)
    PostTarget.objects.bulk_create(
        PostTarget(post=post, channel=channel, text=text) for channel in channels
    )
    return post


@transaction.atomic
def post_schedule(*, post: Post, at: datetime, by: Membership) -> list[PostTarget]:
    """Schedule every draft target of a post; a contributor's post waits for approval."""
    if timezone.is_naive(at):
        raise ValidationError(_("The time needs a time zone."))
    if at < timezone.now():
        raise ValidationError(_("That moment has already passed. Choose a time in the future."))
    if post.deleted_at is not None:
        raise ValidationError(_("This post was deleted."))
    needs_approval = not by.has_role(Role.EDITOR)
    status = Status.AWAITING_APPROVAL if needs_approval else Status.SCHEDULED
    targets = list(post.targets.filter(status__in=[Status.DRAFT, Status.SCHEDULED]))
    for target in targets:
        target.status, target.scheduled_at, target.due_at = status, at, at
        target.error = ""
    PostTarget.objects.bulk_update(targets, ["status", "scheduled_at", "due_at", "error"])
    return targets


@transaction.atomic
def post_approve(*, post: Post, by: Membership) -> int:
    if not by.has_role(Role.MANAGER):
        raise ValidationError(_("Only a manager or owner can approve."))
    return post.targets.filter(status=Status.AWAITING_APPROVAL).update(status=Status.SCHEDULED)


@transaction.atomic
def post_delete(*, post: Post, by: User) -> int:
    """Delete a post. Returns how many targets were already on their way and could not stop."""
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(deleted_at=now)
    # Conditional: a target a worker already moved to "publishing" is not touched.
    post.targets.filter(status__in=STOPPABLE).update(status=Status.CANCELLED, lease_token="")
    audit_record(
        organisation=post.organisation, actor=by, action="post.delete", target=post.text[:80]
    )
    return post.targets.filter(status=Status.PUBLISHING).count()


def target_retry(*, target: PostTarget) -> bool:
    """Put a failed or missed target back in line, now."""
    now = timezone.now()
    updated = PostTarget.objects.filter(
        pk=target.pk, status__in=[Status.FAILED, Status.MISSED], post__deleted_at__isnull=True
    ).update(status=Status.SCHEDULED, due_at=now, scheduled_at=now, error="", attempts=0)
    return updated == 1
