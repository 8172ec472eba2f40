from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from klankbord.accounts.models import User
from klankbord.accounts.types import HtmxHttpRequest
from klankbord.assistant.services import text_used_record
from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class, whatsapp_media
from klankbord.channels.networks.base import ConnectorError
from klankbord.inbox import (
    attachments,
    message_templates,
    moderation,
    replying,
    selectors,
    services,
)
from klankbord.inbox.forms import InboxSettingsForm, NoteForm, ReplyForm, SavedReplyForm
from klankbord.inbox.models import Item, Reply, ReplyMedia, SavedReply
from klankbord.lib import cells
from klankbord.lib.paging import CappedPaginator
from klankbord.listening.models import Monitor
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role
from klankbord.publishing import checks
from klankbord.publishing.counting import TextCount
from klankbord.understanding.models import Intent, Sentiment
from klankbord.understanding.services import correction_add

PAGE_SIZE = 50
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)
WORKS_THE_INBOX = Role.CONTRIBUTOR  # assign, change status, notes; a client only reads
REPLIES = Role.EDITOR  # answers go out in the organisation's name
# How often an open list or conversation asks for what changed (new items, a reply read).
REFRESH_SECONDS = 15


def _item_or_404(membership: Membership, item_id: int) -> Item:
    item = (
        Item.objects.filter(pk=item_id, organisation=membership.organisation)
        .select_related("mention", "mention__source", "mention__source__channel", "assignee")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    # Days like 0001-01-01 or 9999-12-31 overflow once turned into a moment in a time zone.
    return day if day and FIRST_DAY <= day <= LAST_DAY else None


def _filters(request: HttpRequest) -> selectors.ItemFilters:
    get = request.GET
    return selectors.ItemFilters(
        status=get.get("status", selectors.OPEN),
        assignee=get.get("assignee", ""),
        channel_id=_int(get.get("channel")),
        monitor_id=_int(get.get("monitor")),
        sentiment=get.get("sentiment", "") if get.get("sentiment") in Sentiment.values else "",
        intent=get.get("intent", "") if get.get("intent") in Intent.values else "",
        language=get.get("language", "")[:5],
        since=_day(get.get("since")),
        until=_day(get.get("until")),
        search=get.get("q", "")[:200],
        leads=get.get("leads") == "1",
    )


def _members(membership: Membership) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation=membership.organisation).order_by("email")
    )


@org_view()
def inbox_view(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    filters = _filters(request)
    found = selectors.items_of(organisation, filters, membership.user_id)
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "membership": membership,
        "page": page,
        "filters": filters,
        # On a phone the filters fold away, unless some are in use.
        "filters_active": filters != selectors.ItemFilters(),
        "open_count": selectors.open_count(organisation),
        "now": timezone.now(),
        "statuses": Item.Status.choices,
        "members": _members(membership),
        "channels": Channel.objects.filter(organisation=organisation),
        "monitors": Monitor.objects.filter(organisation=organisation),
        "sentiments": Sentiment.choices,
        "intents": Intent.choices,
        "may_work": membership.has_role(WORKS_THE_INBOX),
        "refresh_seconds": REFRESH_SECONDS,
    }
    if request.htmx:
        return render(request, "inbox/partials/poll.html", context)
    return render(request, "inbox/inbox.html", context)


@org_view(WORKS_THE_INBOX)
@require_POST
def inbox_bulk_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
    items = list(Item.objects.filter(organisation=membership.organisation, pk__in=ids))
    action = request.POST.get("action", "")
    value = request.POST.get("assignee" if action == "assign" else "label", "")
    if action == "assign" and value and not _is_member(membership, value):
        raise Http404
    if not items:
        messages.error(request, _("Choose one or more items first."))
    elif action not in ("assign", "close", "label") or (action == "label" and not value.strip()):
        messages.error(request, _("Choose what to do with the chosen items."))
    else:
        done = services.items_bulk(items=items, action=action, by=membership, value=value)
        changed = ngettext("%(count)s item changed.", "%(count)s items changed.", done)
        messages.success(request, changed % {"count": done})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = f"/o/{membership.organisation.slug}/inbox/"
    return redirect(next_url)


def _is_member(membership: Membership, user_id: str) -> bool:
    return (
        user_id.isdigit()
        and Membership.objects.filter(
            organisation=membership.organisation, user_id=int(user_id)
        ).exists()
    )


@org_view()
def item_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    services.item_read(item=item, by=membership)
    other_viewer = services.viewing(item=item, by=membership.user)
    channel = selectors.channel_of(item)
    text = item.draft or _greeting(item)
    replies = list(
        item.replies.select_related("author", "channel", "media").defer("media__content")
    )
    context = {
        "membership": membership,
        "item": item,
        "mention": item.mention,
        "channel": channel,
        "overdue": selectors.is_overdue(item),
        "answered_when_closed": item.first_response_at is not None
        and selectors.answered_when_closed(item, services.opening_hours(membership.organisation)),
        "earlier": selectors.earlier_items(item),
        "thread": selectors.thread_of(item),
        "mention_media": item.mention.media.defer("content"),
        "may_attach": channel is not None and channel.network in attachments.FILE_NETWORKS,
        "image_limit": whatsapp_media.megabytes(whatsapp_media.outgoing_limit("image")),
        "document_limit": whatsapp_media.megabytes(whatsapp_media.outgoing_limit("document")),
        "replies": replies,
        # Refreshed while a reply may still change: sending, or not yet read on WhatsApp.
        "replies_live": any(_may_change(reply) for reply in replies),
        "refresh_seconds": REFRESH_SECONDS,
        "notes": item.notes.select_related("author"),
        "other_viewer": other_viewer,
        "reply_form": ReplyForm(initial={"text": text}),
        "note_form": NoteForm(prefix="note"),
        "counter": _counter(item, channel, text),
        # An answer to a direct message is private anyway; a public post may get a private one.
        "may_choose_private": channel is not None
        and channel.network in replying.PRIVATE_NETWORKS
        and item.mention.kind != "message"
        # Messenger's window: only a message is answered privately there, or a comment once
        # through Meta's Private Replies.
        and (
            connector_class(channel.network).private_window is None
            or connector_class(channel.network).private_comment_window is not None
        ),
        "saved_replies": services.saved_replies_for(item),
        "statuses": Item.Status.choices,
        "members": _members(membership),
        "sentiments": Sentiment.choices,
        "intents": Intent.choices,
        "may_work": membership.has_role(WORKS_THE_INBOX),
        "may_reply": membership.has_role(REPLIES),
        "waiting_reply": item.replies.filter(status=Reply.Status.UNCONFIRMED).first(),
        "may_hide": moderation.hideable_channel(item) is not None,
        "edits_replies": channel is not None and connector_class(channel.network).edits_replies,
        "hidden": moderation.is_hidden(item),
        # WhatsApp: approved message templates, the only answer once the 24-hour window closed.
        "whatsapp_templates": message_templates.template_offer(item, channel)
        if membership.has_role(REPLIES)
        else None,
    }
    return render(request, "inbox/item.html", context)


def _may_change(reply: Reply) -> bool:
    if reply.status in replying.PENDING:
        return True
    network = reply.channel.network if reply.channel else ""
    receipts = bool(network) and connector_class(network).reports_receipts
    return reply.status == Reply.Status.SENT and receipts and reply.read_at is None


def _greeting(item: Item) -> str:
    # Mastodon only tells the author about a reply that mentions them.
    handle = item.mention.author_handle
    if item.mention.network == "mastodon" and handle:
        return f"{handle} "
    return ""


def _back(item: Item, next_url: str = "", request: HttpRequest | None = None) -> HttpResponse:
    """To the item, or to the list the action came from (keys on the list)."""
    if (
        next_url
        and request is not None
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(next_url)
    return redirect("inbox_item", org_slug=item.organisation.slug, item_id=item.pk)


@org_view(WORKS_THE_INBOX)
@require_POST
def item_action_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    action = request.POST.get("action", "")
    if action == "assign":
        value = request.POST.get("assignee", "")
        if value == "me":
            value = str(membership.user_id)
        if value and not _is_member(membership, value):
            raise Http404
        assignee = User.objects.filter(pk=int(value)).first() if value else None
        services.item_assign(item=item, assignee=assignee, by=membership)
    elif action == "status" and request.POST.get("status") in Item.Status.values:
        services.item_set_status(item=item, status=request.POST["status"], by=membership)
    elif action == "lead":
        services.item_set_lead(item=item, is_lead=request.POST.get("lead") == "1", by=membership)
    elif action == "labels":
        labels = request.POST.get("labels", "").split(",")
        services.item_set_labels(item=item, labels=labels, by=membership)
    else:
        messages.error(request, _("That action is not known."))
    return _back(item, request.POST.get("next", ""), request)


@org_view(WORKS_THE_INBOX)
@require_POST
def item_reading_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """One-click correction of a label: stored for learning and shown on the item at once."""
    item = _item_or_404(membership, item_id)
    mention = item.mention
    sentiment = request.POST.get("sentiment", "")
    intents = list(mention.intents)
    toggled = request.POST.get("intent", "")
    if (sentiment and sentiment not in Sentiment.values) or (
        toggled and toggled not in Intent.values
    ):
        messages.error(request, _("That label is not known."))
        return _back(item)
    if toggled:
        intents = (
            [i for i in intents if i != toggled] if toggled in intents else [*intents, toggled]
        )
    try:
        correction_add(
            membership,
            f"{mention.title}\n{mention.text}".strip(),
            sentiment=sentiment or mention.sentiment,
            intents=intents,
            source="inbox",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(item)
    services.item_relabel(item=item, sentiment=sentiment or mention.sentiment, intents=intents)
    messages.success(request, _("Thank you: Klankbord learns from this correction."))
    return _back(item)


@org_view(WORKS_THE_INBOX)
@require_POST
def item_note_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        services.note_add(item=item, by=membership, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("Write a note first."))
    return _back(item)


@org_view(REPLIES)
@require_POST
def item_reply_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        if request.POST.get("text", "").strip():  # a refused file must not lose the words
            services.item_save_draft(item=item, text=request.POST["text"])
        problems = [str(problem) for errors in form.errors.values() for problem in errors]
        messages.error(request, " ".join(problems) or _("Write a reply first."))
        return _back(item)
    try:
        reply = replying.reply_send(
            item=item,
            by=membership,
            text=form.cleaned_data["text"],
            private=form.cleaned_data["private"],
            file=form.cleaned_data["file"],
        )
    except replying.ReplyRefused as refused:
        services.item_save_draft(item=item, text=form.cleaned_data["text"])
        messages.error(request, refused.message)
        return _back(item)
    if request.POST.get("assistant_used") == "1":
        text_used_record(membership=membership, target=f"reply {reply.pk}", kind="reply")
    if reply.status == Reply.Status.SENT:
        messages.success(request, _("Reply sent."))
    elif reply.status == Reply.Status.UNCONFIRMED:
        messages.warning(request, _("The network did not confirm the reply. Look it up first."))
    else:
        messages.error(request, _("The reply was not sent: %(reason)s") % {"reason": reply.error})
    return _back(item)


@org_view(REPLIES)
@require_POST
def item_template_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Answer a WhatsApp conversation with an approved message template."""
    item = _item_or_404(membership, item_id)
    try:
        reply = message_templates.template_reply_send(
            item=item,
            by=membership,
            key=request.POST.get("template", ""),
            header_values=_numbered(request, "header"),
            body_values=_numbered(request, "body"),
        )
    except replying.ReplyRefused as refused:
        messages.error(request, refused.message)
        return _back(item)
    if reply.status == Reply.Status.SENT:
        messages.success(request, _("Template sent."))
    elif reply.status == Reply.Status.UNCONFIRMED:
        messages.warning(request, _("The network did not confirm the reply. Look it up first."))
    else:
        messages.error(request, _("The reply was not sent: %(reason)s") % {"reason": reply.error})
    return _back(item)


def _numbered(request: HttpRequest, part: str) -> list[str]:
    """The values of fields "body-0", "body-1"… in order, as many as were sent (at most 50)."""
    values: list[str] = []
    while f"{part}-{len(values)}" in request.POST and len(values) < 50:
        values.append(request.POST[f"{part}-{len(values)}"])
    return values


@org_view(REPLIES)
@require_POST
def item_templates_refresh_view(
    request: HttpRequest, membership: Membership, item_id: int
) -> HttpResponse:
    """Ask Meta again for the approved templates, instead of waiting for the cache."""
    item = _item_or_404(membership, item_id)
    channel = selectors.channel_of(item)
    if channel is None or channel.network != "whatsapp":
        raise Http404
    try:
        message_templates.templates_of(channel, refresh=True)
    except ConnectorError as error:
        messages.error(
            request,
            _("Klankbord could not read your message templates: %(error)s")
            % {"error": error.message},
        )
        return _back(item)
    messages.success(request, _("The message templates are up to date."))
    return _back(item)


@org_view(REPLIES)
@require_POST
def item_hide_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    hidden = request.POST.get("hidden") == "1"
    try:
        moderation.item_set_hidden(item=item, hidden=hidden, by=membership)
    except moderation.HideRefused as refused:
        messages.error(request, refused.message)
        return _back(item)
    if hidden:
        messages.success(
            request, _("The comment is hidden: only its author and their friends see it.")
        )
    else:
        messages.success(request, _("The comment is visible to everyone again."))
    return _back(item)


@org_view(REPLIES)
@require_POST
def reply_delete_view(
    request: HttpRequest, membership: Membership, item_id: int, reply_id: int
) -> HttpResponse:
    """Take a sent reply back where the network allows it (a Google review's answer)."""
    item = _item_or_404(membership, item_id)
    reply = item.replies.filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    try:
        replying.reply_delete(reply=reply, by=membership)
    except replying.ReplyRefused as refused:
        messages.error(request, refused.message)
        return _back(item)
    messages.success(request, _("The reply is deleted on the network."))
    return _back(item)


@org_view(REPLIES)
@require_POST
def reply_look_up_view(
    request: HttpRequest, membership: Membership, item_id: int, reply_id: int
) -> HttpResponse:
    item = _item_or_404(membership, item_id)
    reply = item.replies.filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    reply = replying.reply_look_up(reply=reply)
    if reply.status == Reply.Status.SENT:
        messages.success(request, _("The reply was sent after all."))
    elif reply.status == Reply.Status.FAILED:
        messages.info(request, _("The reply was not sent. You can send it again."))
    else:
        messages.warning(request, _("The network still does not say. Try again in a minute."))
    return _back(item)


@org_view()
@require_POST
def item_count_view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """The reply's counter, updated as the user types."""
    item = _item_or_404(membership, item_id)
    channel = selectors.channel_of(item)
    text = request.POST.get("text", "")
    counter = _counter(item, channel, text, private=request.POST.get("private") == "on")
    return render(request, "inbox/partials/counter.html", {"counter": counter})


def _counter(
    item: Item, channel: Channel | None, text: str, private: bool = False
) -> TextCount | None:
    """The reply counted as it would go out; an answer to a direct message stays private."""
    if channel is None:
        return None
    private = private or item.mention.kind == "message"
    return checks.count_for(channel, text, private=private, reply=True)


@org_view(Role.MANAGER)
def inbox_settings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    chosen = services.inbox_settings(organisation)
    is_settings = request.method == "POST" and request.POST.get("action") == "settings"
    is_saved_reply = request.method == "POST" and request.POST.get("action") == "saved_reply"
    form = InboxSettingsForm(request.POST if is_settings else None, instance=chosen)
    saved_form = SavedReplyForm(request.POST if is_saved_reply else None)
    if is_settings and form.is_valid():
        services.inbox_settings_save(form=form, by=membership)
        messages.success(request, _("Inbox settings saved."))
        return redirect("inbox_settings", org_slug=organisation.slug)
    if is_saved_reply and saved_form.is_valid():
        saved_form.instance.organisation = organisation
        saved_form.save()
        messages.success(request, _("Saved reply added."))
        return redirect("inbox_settings", org_slug=organisation.slug)
    context = {
        "membership": membership,
        "form": form,
        "saved_form": saved_form,
        "saved_replies": SavedReply.objects.filter(organisation=organisation),
    }
    return render(request, "inbox/settings.html", context)


def _saved_reply_or_404(membership: Membership, saved_reply_id: int) -> SavedReply:
    saved = SavedReply.objects.filter(
        organisation=membership.organisation, pk=saved_reply_id
    ).first()
    if saved is None:
        raise Http404
    return saved


@org_view(Role.MANAGER)
def saved_reply_edit_view(
    request: HttpRequest, membership: Membership, saved_reply_id: int
) -> HttpResponse:
    saved = _saved_reply_or_404(membership, saved_reply_id)
    form = SavedReplyForm(request.POST if request.method == "POST" else None, instance=saved)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved reply changed."))
        return redirect("inbox_settings", org_slug=membership.organisation.slug)
    context = {"membership": membership, "saved": saved, "form": form}
    return render(request, "inbox/saved_reply.html", context)


@org_view(Role.MANAGER)
@require_POST
def saved_reply_delete_view(
    request: HttpRequest, membership: Membership, saved_reply_id: int
) -> HttpResponse:
    deleted, _rows = SavedReply.objects.filter(
        organisation=membership.organisation, pk=saved_reply_id
    ).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Saved reply removed."))
    return redirect("inbox_settings", org_slug=membership.organisation.slug)


@org_view(WORKS_THE_INBOX)
def leads_export_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Leads as CSV, for a CRM import or a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="klankbord-leads.csv"'
    writer = cells.csv_writer(response)
    writer.writerow(services.LEAD_COLUMNS)
    writer.writerows(services.lead_rows(membership.organisation))
    return response


@org_view()
def mention_media_view(request: HttpRequest, membership: Membership, media_id: int) -> HttpResponse:
    """The file of a message (a WhatsApp photo, voice note or document), for members only."""
    found = attachments.mention_media_or_404(membership.organisation_id, media_id)
    return attachments.file_response(found)


@org_view()
def reply_media_view(
    request: HttpRequest, membership: Membership, item_id: int, reply_id: int
) -> HttpResponse:
    """The file an answer carried."""
    item = _item_or_404(membership, item_id)
    found = ReplyMedia.objects.filter(reply_id=reply_id, reply__item=item).first()
    if found is None:
        raise Http404
    return attachments.file_response(found)
