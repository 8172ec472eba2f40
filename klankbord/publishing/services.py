"""Everything that changes a post: compose, schedule, approve, move, delete, retry."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.services import audit_record
from klankbord.publishing import checks, queue
from klankbord.publishing.links import clean_preview
from klankbord.publishing.media_rules import inspect_image
from klankbord.publishing.models import (
    Notification,
    Post,
    PostComment,
    PostImage,
    PostTarget,
)
from klankbord.publishing.scheduler import claim_lookup
from klankbord.publishing.selectors import plan_pillars

Status = PostTarget.Status
# Targets that may still be stopped: nothing has been sent to the network for them.
STOPPABLE = [Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.CLAIMED]
# Targets whose text and time the user may still change.
EDITABLE = [Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.FAILED, Status.MISSED]
MAX_IMAGE_BYTES = 20 * 1024 * 1024
UNUSED_IMAGE_AGE = timedelta(days=1)


def may_change(membership: Membership, post: Post) -> bool:
    """Editors and up change any post; a contributor only their own."""
    return membership.has_role(Role.EDITOR) or post.author_id == membership.user_id


def _check_content(organisation: Organisation, text: str, channels: list[Channel]) -> None:
    if not text.strip():
        raise ValidationError(_("Write something first."))
    if not channels:
        raise ValidationError(_("Choose at least one channel."))
    if any(channel.organisation_id != organisation.pk for channel in channels):
        raise ValidationError(_("That channel does not belong to this organisation."))
    if any(channel.status != Channel.Status.CONNECTED for channel in channels):
        raise ValidationError(_("One of these channels is not connected. Reconnect it first."))


def check_pillar(organisation: Organisation, pillar: str, *, current: str = "") -> None:
    """A post's pillar is one of the plan's; the one it has stays valid if the plan renamed it."""
    if pillar and pillar != current and pillar not in plan_pillars(organisation):
        raise ValidationError(
            _("“%(pillar)s” is not a content pillar of your plan. Choose one of its pillars.")
            % {"pillar": pillar}
        )


@transaction.atomic
def post_create(
    *,
    organisation: Organisation,
    author: User,
    text: str,
    channels: Iterable[Channel],
    variants: Mapping[int, str] | None = None,
    images: Iterable[PostImage] = (),
    link_preview: dict[str, str] | None = None,
    pillar: str = "",
    network_options: dict[str, dict[str, str]] | None = None,
    track_clicks: bool = False,
) -> Post:
    """A new draft: one target per channel, each starting from the main text."""
    channels = list(channels)
    _check_content(organisation, text, channels)
    check_pillar(organisation, pillar)
    post = Post.objects.create(
        organisation=organisation,
        author=author,
        text=text,
        link_preview=clean_preview(link_preview),
        pillar=pillar,
        network_options=network_options or {},
        track_clicks=track_clicks,
    )
    variants = variants or {}
    PostTarget.objects.bulk_create(
        PostTarget(post=post, channel=channel, text=variants.get(channel.pk) or text)
        for channel in channels
    )
    _attach_images(post, images)
    return post


@transaction.atomic
def post_update(
    *,
    post: Post,
    by: Membership,
    text: str,
    channels: Iterable[Channel],
    variants: Mapping[int, str] | None = None,
    images: Iterable[PostImage] = (),
    link_preview: dict[str, str] | None = None,
    pillar: str | None = None,
    network_options: dict[str, dict[str, str]] | None = None,
    track_clicks: bool | None = None,
) -> Post:
    """Change a post that has not gone out yet; channels may be added or taken off.
    A pillar (or track_clicks) of None leaves the post's as it is."""
    channels = list(channels)
    _check_content(post.organisation, text, channels)
    if pillar is not None:
        check_pillar(post.organisation, pillar, current=post.pillar)
    if post.deleted_at is not None:
        raise ValidationError(_("This post was deleted."))
    locked = post.targets.exclude(status__in=[*EDITABLE, Status.CANCELLED])
    if locked.exists():
        raise ValidationError(
            _("This post is being published or was published; it can no longer change.")
        )
    post.text, post.link_preview = text, clean_preview(link_preview)
    post.pillar = post.pillar if pillar is None else pillar
    if network_options is not None:
        post.network_options = network_options
    if track_clicks is not None:
        post.track_clicks = track_clicks
    fields = ["text", "link_preview", "pillar", "network_options", "track_clicks", "updated_at"]
    post.save(update_fields=fields)
    variants = variants or {}
    wanted = {channel.pk: channel for channel in channels}
    current = {target.channel_id: target for target in post.targets.all()}
    post.targets.filter(status__in=EDITABLE).exclude(channel_id__in=wanted).delete()
    template = next(iter(current.values()), None)
    for channel_id, channel in wanted.items():
        target = current.get(channel_id) or PostTarget(
            post=post,
            channel=channel,
            status=template.status if template else Status.DRAFT,
            scheduled_at=template.scheduled_at if template else None,
            due_at=template.due_at if template else None,
        )
        if target.status == Status.CANCELLED:
            target.status = Status.DRAFT
        target.text = variants.get(channel_id) or text
        target.save()
    post.images.exclude(pk__in=[image.pk for image in images]).delete()
    _attach_images(post, images)
    if not by.has_role(Role.EDITOR):
        # A contributor's change to an approved post needs approval again.
        post.targets.filter(status=Status.SCHEDULED).update(status=Status.AWAITING_APPROVAL)
    return post


def post_set_pillar(*, post: Post, pillar: str) -> Post:
    """Name the content pillar a post belongs to; it changes nothing that went out, so a
    published post may get one too."""
    if post.deleted_at is not None:
        raise ValidationError(_("This post was deleted."))
    check_pillar(post.organisation, pillar, current=post.pillar)
    post.pillar = pillar
    post.save(update_fields=["pillar", "updated_at"])
    return post


def _attach_images(post: Post, images: Iterable[PostImage]) -> None:
    """Join the images to the post in their order, with the description they carry."""
    for position, image in enumerate(images):
        if image.organisation_id != post.organisation_id:
            raise ValidationError(_("That image does not belong to this organisation."))
        PostImage.objects.filter(pk=image.pk).update(
            post=post,
            position=position,
            alt_text=image.alt_text.strip()[:1500],
            no_alt_text=image.no_alt_text,
        )


def image_upload(
    *, organisation: Organisation, by: User, filename: str, content: bytes
) -> PostImage:
    """Store an image while a post is composed; it joins the post when the post is saved."""
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationError(_("This image is larger than 20 MB. Make it smaller first."))
    try:
        info = inspect_image(content)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return PostImage.objects.create(
        organisation=organisation,
        uploaded_by=by,
        filename=filename[-200:] or "image",
        content=content,
        mime_type=info.mime_type,
        width=info.width,
        height=info.height,
        size_bytes=info.size_bytes,
    )


def images_forget_unused(now: datetime | None = None) -> int:
    """Uploads that never joined a post (the composer was closed) are removed after a day."""
    cutoff = (now or timezone.now()) - UNUSED_IMAGE_AGE
    deleted, _by_model = PostImage.objects.filter(post__isnull=True, created_at__lt=cutoff).delete()
    return deleted


def _ready_to_send(post: Post) -> None:
    problems = checks.blocking_problems(post)
    if problems:
        raise ValidationError(problems)


def _schedule_targets(
    targets: list[PostTarget], when: Mapping[int, datetime], by: Membership
) -> list[PostTarget]:
    needs_approval = not by.has_role(Role.EDITOR)
    status = Status.AWAITING_APPROVAL if needs_approval else Status.SCHEDULED
    for target in targets:
        at = when[target.pk]
        target.status, target.scheduled_at, target.due_at = status, at, at
        target.error, target.lease_token = "", ""
    PostTarget.objects.bulk_update(
        targets, ["status", "scheduled_at", "due_at", "error", "lease_token"]
    )
    return targets


def _check_moment(at: datetime) -> None:
    if timezone.is_naive(at):
        raise ValidationError(_("The time needs a time zone."))
    if at < timezone.now() - timedelta(seconds=5):
        raise ValidationError(_("That moment has already passed. Choose a time in the future."))


@transaction.atomic
def post_schedule(*, post: Post, at: datetime, by: Membership) -> list[PostTarget]:
    """Schedule every open target of a post; a contributor's post waits for approval."""
    _check_moment(at)
    if post.deleted_at is not None:
        raise ValidationError(_("This post was deleted."))
    _ready_to_send(post)
    targets = list(post.targets.filter(status__in=EDITABLE))
    _schedule_targets(targets, {target.pk: at for target in targets}, by)
    audit_record(
        organisation=post.organisation,
        actor=by.user,
        action="post.schedule",
        target=post.text[:80],
        data={"at": at.isoformat()},
    )
    return targets


def post_publish_now(*, post: Post, by: Membership) -> list[PostTarget]:
    """Publish at the next beat (a few seconds); a contributor's post still needs approval."""
    return post_schedule(post=post, at=timezone.now(), by=by)


@transaction.atomic
def post_add_to_queue(*, post: Post, by: Membership) -> list[PostTarget]:
    """Give each target the next free queue slot of its channel."""
    if post.deleted_at is not None:
        raise ValidationError(_("This post was deleted."))
    _ready_to_send(post)
    targets = list(post.targets.select_related("channel").filter(status__in=EDITABLE))
    when = {}
    for target in targets:
        slot = queue.next_free_slot(target.channel, exclude_post=post)
        if slot is None:
            raise ValidationError(
                _("%(channel)s has no queue slots. Add them under Settings → Publishing.")
                % {"channel": target.channel.handle}
            )
        when[target.pk] = slot
    return _schedule_targets(targets, when, by)


@transaction.atomic
def post_unschedule(*, post: Post, by: Membership) -> int:
    """Back to draft: conditional, so a target a worker already started is left alone."""
    return post.targets.filter(
        status__in=[Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.CLAIMED, Status.MISSED]
    ).update(status=Status.DRAFT, lease_token="", scheduled_at=None, due_at=None)


@transaction.atomic
def target_move(*, target: PostTarget, at: datetime, by: Membership) -> PostTarget:
    """Reschedule one channel's post (the calendar's drag and drop)."""
    _check_moment(at)
    if not may_change(by, target.post):
        raise ValidationError(_("You can only move your own posts."))
    moved = PostTarget.objects.filter(
        pk=target.pk,
        status__in=[Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.MISSED],
        post__deleted_at__isnull=True,
    )
    # A contributor's move needs approval again; a draft stays a draft, with a date.
    fields: dict[str, object] = {"scheduled_at": at, "due_at": at, "error": ""}
    if target.status == Status.MISSED:
        fields["status"] = (
            Status.SCHEDULED if by.has_role(Role.EDITOR) else Status.AWAITING_APPROVAL
        )
    elif target.status == Status.SCHEDULED and not by.has_role(Role.EDITOR):
        fields["status"] = Status.AWAITING_APPROVAL
    if moved.update(**fields) != 1:
        raise ValidationError(_("This post is already being published and can no longer move."))
    target.refresh_from_db()
    return target


@transaction.atomic
def post_approve(*, post: Post, by: Membership, comment: str = "") -> int:
    if not by.has_role(Role.MANAGER):
        raise ValidationError(_("Only a manager or owner can approve."))
    return _verdict(post, by, comment, to=Status.SCHEDULED, kind=PostComment.Kind.APPROVAL)


@transaction.atomic
def post_reject(*, post: Post, by: Membership, comment: str) -> int:
    if not by.has_role(Role.MANAGER):
        raise ValidationError(_("Only a manager or owner can reject."))
    if not comment.strip():
        raise ValidationError(_("Say what should change, so the author can fix it."))
    return _verdict(post, by, comment, to=Status.DRAFT, kind=PostComment.Kind.REJECTION)


VERDICTS = {
    PostComment.Kind.APPROVAL: ("approved", "post.approve"),
    PostComment.Kind.REJECTION: ("rejected", "post.reject"),
}


def _verdict(post: Post, by: Membership, comment: str, *, to: str, kind: str) -> int:
    """Move what awaits approval on, and leave the verdict in the thread and the audit log."""
    moved = post.targets.filter(status=Status.AWAITING_APPROVAL).update(status=to)
    if moved:
        verb, action = VERDICTS[PostComment.Kind(kind)]
        PostComment.objects.create(post=post, author=by.user, kind=kind, text=comment.strip())
        notify_author(post, by.user, verb)
        audit_record(
            organisation=post.organisation, actor=by.user, action=action, target=post.text[:80]
        )
    return moved


@transaction.atomic
def post_comment(*, post: Post, by: Membership, text: str) -> PostComment:
    if not text.strip():
        raise ValidationError(_("Write a comment first."))
    comment = PostComment.objects.create(post=post, author=by.user, text=text.strip()[:5000])
    # Everyone in the thread hears of it, except the one who wrote it.
    others = {post.author_id, *post.comments.values_list("author_id", flat=True)} - {by.user_id}
    for user in User.objects.filter(pk__in=[pk for pk in others if pk]):
        if Membership.objects.filter(user=user, organisation=post.organisation).exists():
            notify(user, post, by.user, "commented")
    return comment


@transaction.atomic
def post_duplicate(*, post: Post, by: User) -> Post:
    targets = list(post.targets.select_related("channel"))
    channels = [t.channel for t in targets if t.channel.status == Channel.Status.CONNECTED]
    if not channels:
        raise ValidationError(_("None of this post's channels is still connected."))
    copy = post_create(
        organisation=post.organisation,
        author=by,
        text=post.text,
        channels=channels,
        variants={t.channel_id: t.text for t in targets},
        link_preview=post.link_preview,
        track_clicks=post.track_clicks,
    )
    # The original's pillar, even one the plan has renamed since: the copy is about the same.
    copy.pillar = post.pillar
    copy.save(update_fields=["pillar"])
    for image in post.images.all():
        image.pk, image.post, image.uploaded_by = None, copy, by
        image.save()
    return copy


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


def target_lease_release(*, target: PostTarget) -> bool:
    """End a worker's hold on a target now, as if its lease had run out: the next tick's sweep
    sends it again if nothing went out yet, or looks it up first if it may have."""
    in_flight = [Status.CLAIMED, Status.PUBLISHING, Status.UNCONFIRMED]
    released = PostTarget.objects.filter(pk=target.pk, status__in=in_flight).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    return released == 1


def target_look_up(*, target: PostTarget) -> bool:
    """Ask the network now whether an unconfirmed post is there (instead of at the next sweep)."""
    from klankbord.publishing.tasks import resolve_target

    with transaction.atomic():
        token = claim_lookup(target.pk, timezone.now(), wait_for_lease=False)
        if token:
            transaction.on_commit(lambda: resolve_target.delay(target.pk, token))
    return bool(token)


VERBS = {
    "approved": lambda who: _("%(who)s approved your post.") % {"who": who},
    "rejected": lambda who: _("%(who)s sent your post back with a comment.") % {"who": who},
    "commented": lambda who: _("%(who)s commented on a post.") % {"who": who},
}


def notify_author(post: Post, actor: User, verb: str) -> None:
    if post.author is None or post.author_id == actor.pk:
        return
    if Membership.objects.filter(user=post.author, organisation=post.organisation).exists():
        notify(post.author, post, actor, verb)


def notify(user: User, post: Post, actor: User, verb: str) -> Notification:
    """Tell a member in the app and by e-mail, in their own language."""
    with override(user.language or settings.LANGUAGE_CODE):
        message = VERBS[verb](actor.display_name)
        notification = Notification.objects.create(
            organisation=post.organisation, user=user, post=post, message=message
        )
        context = {
            "user": user,
            "message": message,
            "post": post,
            "comment": post.comments.last(),
            "url": settings.SITE_URL.rstrip("/")
            + reverse("post_detail", args=[post.organisation.slug, post.pk]),
        }
        body = render_to_string("publishing/email/notification.txt", context)
        subject = f"{post.organisation.name}: {message}"
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=True))
    return notification
