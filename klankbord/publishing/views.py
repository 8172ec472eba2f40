import re
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from django_htmx.http import trigger_client_event

from klankbord.accounts.types import HtmxHttpRequest
from klankbord.assistant.services import text_used_record
from klankbord.channels.models import Channel
from klankbord.channels.services import allow_loopback
from klankbord.core.imports import import_job_create
from klankbord.core.models import ImportJob
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.publishing import checks, counting, feeds, selectors, services, tracking
from klankbord.publishing.forms import (
    BulkForm,
    CommentForm,
    ComposeForm,
    MoveForm,
    PillarForm,
    PublishingSettingsForm,
    RejectForm,
    SlotForm,
    local_moment,
)
from klankbord.publishing.links import LinkPreviewError, fetch_preview, first_link
from klankbord.publishing.models import Post, PostImage, PostTarget, QueueSlot, ShortLink
from klankbord.publishing.public_images import image_for_token

Status = PostTarget.Status
HASHTAG = re.compile(r"(?<!\w)#(\w{2,60})")
PREVIEW_FIELDS = ["url", "title", "description", "site"]
MAX_PREFILL = 2000  # a text brought in by a link: a start, not a whole post


def _post_or_404(membership: Membership, post_id: int) -> Post:
    try:
        return selectors.get_post(membership.organisation, post_id)
    except Post.DoesNotExist as error:
        raise Http404 from error


def _post_to_change(membership: Membership, post_id: int) -> Post:
    """The post, when this member may change it: its author, or an editor and up."""
    post = _post_or_404(membership, post_id)
    if not services.may_change(membership, post):
        raise PermissionDenied
    return post


def _pillar_form(membership: Membership, post: Post, data: QueryDict | None = None) -> PillarForm:
    return PillarForm(
        data, pillars=selectors.plan_pillars(membership.organisation), current_pillar=post.pillar
    )


def _target_or_404(membership: Membership, target_id: int) -> PostTarget:
    target = (
        PostTarget.objects.select_related("post", "channel")
        .filter(pk=target_id, post__organisation=membership.organisation)
        .first()
    )
    if target is None:
        raise Http404
    return target


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- the list ---------------------------------------------------------------------------------


@org_view(Role.CLIENT)
def posts_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    status = request.GET.get("status", "")
    posts = selectors.posts_of(org)
    if status in Status.values:
        posts = posts.filter(targets__status=status).distinct()
    context = {
        "membership": membership,
        "posts": posts[:100],
        "status": status,
        "statuses": Status.choices,
        "awaiting": selectors.awaiting_approval(org).count(),
        "warnings": selectors.rhythm_warnings(org),
        "notifications": membership.user.notifications.filter(
            organisation=org, read_at__isnull=True
        )[:10],
    }
    return render(request, "publishing/posts.html", context)


@org_view(Role.CLIENT)
@require_POST
def notifications_read_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    membership.user.notifications.filter(
        organisation=membership.organisation, read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect("publish", org_slug=membership.organisation.slug)


# --- the composer -----------------------------------------------------------------------------


def _images_from(
    request: HttpRequest, membership: Membership, post: Post | None
) -> list[PostImage]:
    """The images named in the form, in order, if they belong here; their alt text applied."""
    ids = [int(pk) for pk in request.POST.getlist("images") if pk.isdigit()]
    scope = Q(post__isnull=True, uploaded_by=membership.user)
    if post is not None:
        scope |= Q(post=post)
    found = {
        image.pk: image
        for image in PostImage.objects.filter(
            scope, organisation=membership.organisation, pk__in=ids
        )
    }
    images = [found[pk] for pk in ids if pk in found]
    for image in images:
        image.alt_text = request.POST.get(f"alt_{image.pk}", "").strip()[:1500]
        image.no_alt_text = request.POST.get(f"noalt_{image.pk}") == "on"
    return images


def _variants_from(data: QueryDict, text: str) -> dict[int, str]:
    variants = {}
    for key in data:
        value = data.get(key, "")
        if key.startswith("variant_") and key[8:].isdigit() and value.strip() and value != text:
            variants[int(key[8:])] = value
    return variants


def _preview_from(data: QueryDict) -> dict[str, str]:
    preview = {name: data.get(f"link_{name}", "").strip()[:500] for name in PREVIEW_FIELDS}
    return preview if preview["url"] else {}


def _hashtags_used(membership: Membership) -> list[str]:
    """The organisation's most used hashtags, for the composer's helper."""
    counter: Counter[str] = Counter()
    texts = Post.objects.filter(organisation=membership.organisation).values_list("text", flat=True)
    for text in texts.order_by("-created_at")[:300]:
        counter.update(tag.lower() for tag in HASHTAG.findall(text))
    return [tag for tag, _n in counter.most_common(12)]


def _composer(
    request: HttpRequest,
    membership: Membership,
    form: ComposeForm,
    *,
    post: Post | None = None,
    images: list[PostImage] | None = None,
    variants: dict[int, str] | None = None,
    preview: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    channels = selectors.publishable_channels(membership.organisation)
    context = {
        "membership": membership,
        "form": form,
        "post": post,
        "channels": channels,
        "images": images or [],
        "variants": variants or {},
        "preview": preview or {},
        "hashtags": _hashtags_used(membership),
        "queue_ready": QueueSlot.objects.filter(channel__in=channels).exists(),
        "needs_approval": not membership.has_role(Role.EDITOR),
        "has_google": any(channel.network == "google" for channel in channels),
        "site_is_public": tracking.site_is_public(),
    }
    return render(request, "publishing/compose.html", context, status=status)


def _compose_form(
    request: HttpRequest, membership: Membership, post: Post | None = None, **kwargs: object
) -> ComposeForm:
    return ComposeForm(
        request.POST if request.method == "POST" else None,
        channels=selectors.publishable_channels(membership.organisation),
        zone=membership.organisation.timezone,
        pillars=selectors.plan_pillars(membership.organisation),
        current_pillar=post.pillar if post else "",
        **kwargs,
    )


def _save_and_act(
    request: HttpRequest, membership: Membership, form: ComposeForm, post: Post | None
) -> HttpResponse:
    data = form.cleaned_data
    text = data["text"]
    images = _images_from(request, membership, post)
    variants = _variants_from(request.POST, text)
    preview = _preview_from(request.POST)
    fields = {
        "text": text,
        "channels": list(data["channels"]),
        "variants": variants,
        "images": images,
        "link_preview": preview,
        "pillar": data.get("pillar") or "",
        "network_options": data.get("network_options") or {},
        "track_clicks": bool(data.get("track_clicks")),
    }
    try:
        # A refused action keeps nothing: no stray draft, the user corrects and submits again.
        with transaction.atomic():
            if post is None:
                saved = services.post_create(
                    organisation=membership.organisation, author=membership.user, **fields
                )
            else:
                saved = services.post_update(post=post, by=membership, **fields)
            _act(saved, membership, data)
            if request.POST.get("assistant_used") == "1":
                text_used_record(membership=membership, target=f"post {saved.pk}", kind="post")
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _composer(
            request,
            membership,
            form,
            post=post,
            images=images,
            variants=variants,
            preview=preview,
            status=422,
        )
    return redirect("post_detail", org_slug=membership.organisation.slug, post_id=saved.pk)


def _act(post: Post, membership: Membership, data: dict[str, object]) -> None:
    """Draft, schedule, publish now or queue — each validates the post first."""
    action = data.get("action")
    if action == "schedule":
        services.post_schedule(post=post, at=data["at"], by=membership)  # type: ignore[arg-type]
    elif action == "now":
        services.post_publish_now(post=post, by=membership)
    elif action == "queue":
        services.post_add_to_queue(post=post, by=membership)


@org_view(Role.CONTRIBUTOR)
def compose_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    initial = {}
    if "date" in request.GET:
        initial = {"date": request.GET["date"], "time": request.GET.get("time", "10:00")}
    if request.GET.get("text"):
        # A start brought from elsewhere, e.g. the WhatsApp chat link; the author finishes it.
        initial["text"] = request.GET["text"][:MAX_PREFILL]
    form = _compose_form(request, membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save_and_act(request, membership, form, None)
    if request.method == "POST":
        return _composer(
            request,
            membership,
            form,
            images=_images_from(request, membership, None),
            variants=_variants_from(request.POST, request.POST.get("text", "")),
            preview=_preview_from(request.POST),
            status=422,
        )
    return _composer(request, membership, form)


@org_view(Role.CONTRIBUTOR)
def post_edit_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_to_change(membership, post_id)
    targets = list(post.targets.all())
    first = next((t for t in targets if t.scheduled_at), None)
    initial: dict[str, object] = {
        "text": post.text,
        "channels": [t.channel_id for t in targets],
        "pillar": post.pillar,
        "track_clicks": post.track_clicks,
        **ComposeForm.google_initial(post.network_options),
    }
    if first and first.scheduled_at:
        local = first.scheduled_at.astimezone(ZoneInfo(membership.organisation.timezone))
        initial.update(date=local.date(), time=local.time().replace(second=0, microsecond=0))
    form = _compose_form(request, membership, post, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save_and_act(request, membership, form, post)
    variants = {t.channel_id: t.text for t in targets if t.text != post.text}
    return _composer(
        request,
        membership,
        form,
        post=post,
        images=list(post.images.all()),
        variants=variants,
        preview=post.link_preview,
        status=422 if request.method == "POST" else 200,
    )


@org_view(Role.CONTRIBUTOR)
@require_POST
def count_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The live counters: the composer posts its text here as the user types."""
    text = request.POST.get("text", "")
    chosen = set(request.POST.getlist("channels"))
    channels = [
        c for c in selectors.publishable_channels(membership.organisation) if str(c.pk) in chosen
    ]
    post_id = request.POST.get("post", "")
    post = None
    if post_id.isdigit():
        post = Post.objects.filter(organisation=membership.organisation, pk=int(post_id)).first()
    images = _images_from(request, membership, post)
    rows = []
    for channel in channels:
        variant = request.POST.get(f"variant_{channel.pk}", "")
        chosen_text = variant if variant.strip() else text
        if request.POST.get("track_clicks"):
            # Counted as it goes out: the short link's length, not the long link's.
            chosen_text = tracking.counted_text(chosen_text)
        rows.append(checks.check_channel(channel, chosen_text, images, with_quota=True))
    others = [(net, label, counting.count(text, net)) for net, label in checks.ALSO_COUNTED.items()]
    context = {
        "rows": rows,
        "others": others,
        "missing_alt": checks.missing_alt_text(images),
        "text": text,
    }
    return render(request, "publishing/partials/counters.html", context)


@org_view(Role.CONTRIBUTOR)
@require_POST
def image_upload_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    uploads = request.FILES.getlist("upload")
    if not uploads:
        return HttpResponse(_("Choose an image first."), status=422)
    images, errors = [], []
    for upload in uploads[:10]:
        try:
            images.append(
                services.image_upload(
                    organisation=membership.organisation,
                    by=membership.user,
                    filename=upload.name or "image",
                    content=upload.read(),
                )
            )
        except ValidationError as error:
            errors.append(f"{upload.name}: {_error_text(error)}")
    context = {"membership": membership, "images": images, "errors": errors}
    return render(request, "publishing/partials/images.html", context)


@org_view(Role.CLIENT)
def image_view(request: HttpRequest, membership: Membership, image_id: int) -> HttpResponse:
    image = PostImage.objects.filter(pk=image_id, organisation=membership.organisation).first()
    if image is None:
        raise Http404
    response = HttpResponse(bytes(image.content), content_type=image.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def public_image_view(request: HttpRequest, token: str) -> HttpResponse:
    """An image of a post, fetched by a network (Instagram, Threads) with a signed address."""
    image = image_for_token(token)
    if image is None:
        raise Http404
    response = HttpResponse(bytes(image.content), content_type=image.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
def short_link_view(request: HttpRequest, code: str) -> HttpResponse:
    """A tracked link in a post: counts the click (not a robot's, nor a HEAD or a prefetch) and
    sends the visitor on to the address stored for this code, and nowhere else."""
    link = ShortLink.objects.filter(code=code).select_related("organisation").first()
    if link is None or not tracking.web_address(link.destination):
        raise Http404
    prefetch = "prefetch" in (
        request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or ""
    )
    if (
        request.method == "GET"
        and not prefetch
        and not tracking.is_bot(request.headers.get("User-Agent", ""))
    ):
        tracking.click_record(link=link, day=local_today(link.organisation))
    response = HttpResponseRedirect(link.destination)
    # Every click must reach us: no browser or proxy may answer it from a cache.
    response["Cache-Control"] = "no-store"
    return response


@org_view(Role.CONTRIBUTOR)
@require_POST
def link_preview_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    url = first_link(request.POST.get("text", ""))
    context: dict[str, object] = {"preview": {}, "error": ""}
    if not url:
        context["error"] = _("There is no link in the text.")
    else:
        try:
            context["preview"] = fetch_preview(url, allow_loopback=allow_loopback())
        except LinkPreviewError as error:
            context["error"] = str(error)
    return render(request, "publishing/partials/link_preview.html", context)


# --- one post ---------------------------------------------------------------------------------


@org_view(Role.CLIENT)
def post_detail_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_or_404(membership, post_id)
    targets = list(post.targets.select_related("channel", "result"))
    clicks = tracking.clicks_per_target([target.pk for target in targets])
    for target in targets:
        target.clicks = clicks.get(target.pk)  # type: ignore[attr-defined]
    may_change = services.may_change(membership, post)
    context = {
        "membership": membership,
        "post": post,
        "targets": targets,
        "images": list(post.images.all()),
        "comments": post.comments.select_related("author"),
        "comment_form": CommentForm(),
        "reject_form": RejectForm(),
        "may_edit": may_change
        and all(t.status in services.EDITABLE or t.status == Status.CANCELLED for t in targets),
        "awaiting": any(t.status == Status.AWAITING_APPROVAL for t in targets),
        "may_approve": membership.has_role(Role.MANAGER),
        "zone": membership.organisation.timezone,
    }
    if may_change and not context["may_edit"]:
        # Gone out already: only its pillar can still be named, for Measure.
        pillar_form = _pillar_form(membership, post)
        context["pillar_form"] = pillar_form if "pillar" in pillar_form.fields else None
    return render(request, "publishing/detail.html", context)


@org_view(Role.CONTRIBUTOR)
@require_POST
def post_pillar_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_to_change(membership, post_id)
    form = _pillar_form(membership, post, request.POST)
    if not form.is_valid() or "pillar" not in form.cleaned_data:
        messages.error(request, _("Choose one of your plan's content pillars."))
        return _back_to_post(membership, post)
    try:
        services.post_set_pillar(post=post, pillar=form.cleaned_data["pillar"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_post(membership, post)
    messages.success(request, _("The content pillar is saved."))
    return _back_to_post(membership, post)


def _back_to_post(membership: Membership, post: Post) -> HttpResponse:
    return redirect("post_detail", org_slug=membership.organisation.slug, post_id=post.pk)


@org_view(Role.MANAGER)
@require_POST
def post_approve_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_or_404(membership, post_id)
    try:
        approved = services.post_approve(
            post=post, by=membership, comment=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_post(membership, post)
    if approved:
        messages.success(request, _("Approved. The post is scheduled."))
    else:
        messages.info(request, _("Nothing was waiting for approval."))
    return _back_to_post(membership, post)


@org_view(Role.MANAGER)
@require_POST
def post_reject_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_or_404(membership, post_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change, so the author can fix it."))
        return _back_to_post(membership, post)
    services.post_reject(post=post, by=membership, comment=form.cleaned_data["text"])
    messages.success(request, _("Sent back to the author with your comment."))
    return _back_to_post(membership, post)


@org_view(Role.CONTRIBUTOR)
@require_POST
def post_comment_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_or_404(membership, post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.post_comment(post=post, by=membership, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("Write a comment first."))
    return _back_to_post(membership, post)


@org_view(Role.CONTRIBUTOR)
@require_POST
def post_duplicate_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_or_404(membership, post_id)
    try:
        copy = services.post_duplicate(post=post, by=membership.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_post(membership, post)
    messages.success(request, _("A copy was saved as a draft."))
    return redirect("post_edit", org_slug=membership.organisation.slug, post_id=copy.pk)


@org_view(Role.CONTRIBUTOR)
@require_POST
def post_unschedule_view(
    request: HttpRequest, membership: Membership, post_id: int
) -> HttpResponse:
    post = _post_to_change(membership, post_id)
    services.post_unschedule(post=post, by=membership)
    messages.success(request, _("The post is a draft again; nothing will go out."))
    return _back_to_post(membership, post)


@org_view(Role.CONTRIBUTOR)
@require_POST
def post_delete_view(request: HttpRequest, membership: Membership, post_id: int) -> HttpResponse:
    post = _post_to_change(membership, post_id)
    on_the_way = services.post_delete(post=post, by=membership.user)
    if on_the_way:
        messages.warning(
            request,
            ngettext(
                "Deleted. It was already being published on %(n)s channel; check it.",
                "Deleted. It was already being published on %(n)s channels; check those.",
                on_the_way,
            )
            % {"n": on_the_way},
        )
    else:
        messages.success(request, _("Deleted. Nothing of it will be published."))
    return redirect("publish", org_slug=membership.organisation.slug)


@org_view(Role.EDITOR)
@require_POST
def target_retry_view(request: HttpRequest, membership: Membership, target_id: int) -> HttpResponse:
    target = _target_or_404(membership, target_id)
    if services.target_retry(target=target):
        messages.success(request, _("It goes out again within a few seconds."))
    else:
        messages.error(request, _("This post can no longer be retried."))
    return _back_to_post(membership, target.post)


@org_view(Role.EDITOR)
@require_POST
def target_look_up_view(
    request: HttpRequest, membership: Membership, target_id: int
) -> HttpResponse:
    target = _target_or_404(membership, target_id)
    if services.target_look_up(target=target):
        messages.success(request, _("We are asking the network now. Reload in a moment."))
    else:
        messages.info(request, _("Nothing to look up: the status is already clear."))
    return _back_to_post(membership, target.post)


@org_view(Role.CONTRIBUTOR)
@require_POST
def target_move_view(request: HttpRequest, membership: Membership, target_id: int) -> HttpResponse:
    """The calendar's drop: same time of day on another day, or another hour in the week view."""
    target = _target_or_404(membership, target_id)
    form = MoveForm(request.POST)
    if not form.is_valid() or target.scheduled_at is None:
        return HttpResponse(_("This post cannot be moved there."), status=422)
    zone = membership.organisation.timezone
    local = target.scheduled_at.astimezone(ZoneInfo(zone))
    hour = form.cleaned_data["hour"]
    at_time = local.time().replace(hour=hour) if hour is not None else local.time()
    try:
        moment = local_moment(form.cleaned_data["date"], at_time, zone)
        services.target_move(target=target, at=moment, by=membership)
    except ValidationError as error:
        return HttpResponse(_error_text(error), status=422)
    return trigger_client_event(HttpResponse(_("Moved.")), "calendar-changed")


# --- calendar ---------------------------------------------------------------------------------


def _parse_day(value: str, fallback: date) -> date:
    """A day from the address bar; nonsense or a far-off year shows today instead."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return fallback
    return day if 1900 <= day.year <= 2999 else fallback


MOVABLE = [Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED, Status.MISSED]
FIRST_HOUR, LAST_HOUR = 7, 22


def _week_rows(days: list[selectors.CalendarDay], zone: str) -> list[dict[str, object]]:
    """The week view's grid: one row per hour; early and late posts go to the first/last row."""
    tz = ZoneInfo(zone)
    rows: list[dict[str, object]] = []
    for hour in range(FIRST_HOUR, LAST_HOUR + 1):
        cells = []
        for day in days:
            items = [
                item
                for item in day.items
                if item.scheduled_at
                and min(max(item.scheduled_at.astimezone(tz).hour, FIRST_HOUR), LAST_HOUR) == hour
            ]
            cells.append({"day": day.day, "items": items})
        rows.append({"hour": hour, "cells": cells})
    return rows


@org_view(Role.CLIENT)
def calendar_view(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    today = local_today(org)
    view = "week" if request.GET.get("view") == "week" else "month"
    anchor = _parse_day(request.GET.get("date", ""), today)
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        days = [start + timedelta(days=n) for n in range(7)]
        previous, following = start - timedelta(days=7), start + timedelta(days=7)
        month = None
    else:
        anchor = anchor.replace(day=1)
        days = selectors.month_grid(anchor.year, anchor.month)
        previous = (anchor - timedelta(days=1)).replace(day=1)
        following = (anchor + timedelta(days=32)).replace(day=1)
        month = anchor.month
    channel_ids = [int(pk) for pk in request.GET.getlist("channel") if pk.isdigit()]
    statuses = [s for s in request.GET.getlist("status") if s in Status.values]
    calendar = selectors.calendar_days(
        org,
        days,
        channel_ids=channel_ids,
        statuses=statuses,
        month=month,
        language=(get_language() or "nl")[:2],
    )
    context = {
        "membership": membership,
        "view": view,
        "anchor": anchor,
        "days": calendar,
        "weeks": [calendar[n : n + 7] for n in range(0, len(calendar), 7)],
        "previous": previous,
        "following": following,
        "status_choices": Status.choices,
        "zone": org.timezone,
        "may_move": membership.has_role(Role.CONTRIBUTOR),
        "week_rows": _week_rows(calendar, org.timezone) if view == "week" else [],
        "movable": MOVABLE,
    }
    # After a drop only the grid is reloaded; the rest of the page stays as it is.
    if request.htmx and request.htmx.target == "calendar":
        return render(request, "publishing/partials/calendar_body.html", context)
    context.update(
        channels=Channel.objects.filter(organisation=org).exclude(
            status=Channel.Status.DISCONNECTED
        ),
        channel_ids=channel_ids,
        statuses=statuses,
        filter_count=len(channel_ids) + len(statuses),
        warnings=selectors.rhythm_warnings(org),
        feed_url=feeds.feed_url_for(request, membership),
    )
    template = "publishing/calendar.html"
    return render(request, template, context)


@org_view(Role.CLIENT)
@require_POST
def feed_create_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    feeds.feed_create(membership=membership)
    messages.success(
        request, _("Your calendar address is ready. Paste it in Outlook or Google Calendar.")
    )
    return redirect(reverse("calendar", args=[membership.organisation.slug]) + "#feed")


@org_view(Role.CLIENT)
@require_POST
def feed_revoke_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    feeds.feed_revoke(membership=membership)
    messages.success(request, _("The old calendar address no longer works."))
    return redirect(reverse("calendar", args=[membership.organisation.slug]) + "#feed")


def ical_view(request: HttpRequest, token: str) -> HttpResponse:
    feed = feeds.feed_for_token(token)
    if feed is None:
        raise Http404
    body = feeds.render_ical(feed, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- settings ---------------------------------------------------------------------------------


@org_view(Role.MANAGER)
def publishing_settings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    options = selectors.publishing_settings(org)
    form = PublishingSettingsForm(request.POST or None, instance=options)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("publishing_settings", org_slug=org.slug)
    channels = selectors.publishable_channels(org)
    context = {
        "membership": membership,
        "form": form,
        "channels": channels,
        "slots": {c.pk: list(QueueSlot.objects.filter(channel=c)) for c in channels},
        "slot_form": SlotForm(),
    }
    return render(request, "publishing/settings.html", context, status=422 if form.errors else 200)


def _channel_or_404(membership: Membership, channel_id: int) -> Channel:
    channel = Channel.objects.filter(pk=channel_id, organisation=membership.organisation).first()
    if channel is None:
        raise Http404
    return channel


@org_view(Role.MANAGER)
@require_POST
def slot_add_view(request: HttpRequest, membership: Membership, channel_id: int) -> HttpResponse:
    channel = _channel_or_404(membership, channel_id)
    form = SlotForm(request.POST)
    if form.is_valid():
        QueueSlot.objects.get_or_create(channel=channel, **form.cleaned_data)
        messages.success(request, _("Slot added."))
    else:
        messages.error(request, _("Choose a day and a time."))
    return redirect("publishing_settings", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def slot_delete_view(request: HttpRequest, membership: Membership, slot_id: int) -> HttpResponse:
    QueueSlot.objects.filter(pk=slot_id, channel__organisation=membership.organisation).delete()
    messages.success(request, _("Slot removed."))
    return redirect("publishing_settings", org_slug=membership.organisation.slug)


# --- bulk ---------------------------------------------------------------------------------------


@org_view(Role.CONTRIBUTOR)
def bulk_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Schedule many posts from a CSV file: a worker reads it, the job's page shows the result."""
    form = BulkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            membership=membership, kind=ImportJob.Kind.POSTS, upload=form.cleaned_data["file"]
        )
        return redirect("import_job", org_slug=membership.organisation.slug, job_id=job.pk)
    context = {
        "membership": membership,
        "form": form,
        "needs_approval": not membership.has_role(Role.EDITOR),
        "example": _bulk_example(membership.organisation),
    }
    return render(request, "publishing/bulk.html", context, status=422 if form.errors else 200)


def _bulk_example(organisation: Organisation) -> list[tuple[str, str, str]]:
    """Two example lines that work as they are: days ahead, a connected channel, the plan's
    own pillars (date, channel, pillar)."""
    today = local_today(organisation)
    channels = selectors.publishable_channels(organisation)
    pillars = [*selectors.plan_pillars(organisation), "", ""]
    return [
        (
            (today + timedelta(days=3)).isoformat(),
            channels[0].network if channels else "",
            pillars[0],
        ),
        ((today + timedelta(days=10)).isoformat(), "", pillars[1]),
    ]
