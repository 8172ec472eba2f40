"""Answering an inbox item on the network it came from, at most once.

The scheduler's rules (publishing/scheduler.py) hold here too:
- the reply is committed as "sending" before the network is called, the remote id right after;
- an unclear outcome is resolved by looking the reply up, never by sending again blindly;
- while a reply of an item is sending or unconfirmed, no other reply to it goes out.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    ConnectorError,
    OutgoingPost,
    PublishedPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.whatsapp_media import CAPTION_LIMIT
from klankbord.channels.services import channel_mark_broken, connector_for
from klankbord.inbox import services
from klankbord.inbox.attachments import FILE_NETWORKS, Attachment, media_of, reply_media_add
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.selectors import channel_of
from klankbord.lib import logs
from klankbord.listening.models import Mention
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record
from klankbord.publishing.checks import count_for

Status = Reply.Status
log = logging.getLogger(__name__)
PENDING = (Status.SENDING, Status.UNCONFIRMED)
# Networks where a reply can be private: Mastodon's "direct" visibility (a private mention),
# Bluesky's chat (in the conversation of a message, or a new one with a post's author),
# Facebook's Messenger and Instagram Direct (in the conversation of a message, within 24 hours).
# WhatsApp: every answer is a message, within 24 hours of the customer's last one.
PRIVATE_NETWORKS = frozenset(
    {"mastodon", "bluesky", "facebook", "instagram", "whatsapp", "sandbox"}
)
# Networks that tell only the people named in a post: the author is named unless the text does.
NAMING_NETWORKS = frozenset({"mastodon"})
HANDLE = re.compile(r"@[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?")


class ReplyRefused(Exception):
    """The reply cannot go out as it is; `message` tells the user why, in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Prepared:
    channel: Channel
    text: str  # as it goes out, with the author named where the network needs that
    private: bool


def reply_channel(item: Item) -> Channel:
    """The connected account to answer through, or ReplyRefused when there is none."""
    channel = channel_of(item)
    if channel is None or channel.organisation_id != item.organisation_id:
        raise ReplyRefused(
            _("This did not come in through a connected account, so it cannot be answered here.")
        )
    if Capability.REPLY not in connector_class(channel.network).capabilities:
        if channel.network == "rss":
            raise ReplyRefused(_("You cannot reply on a feed."))
        raise ReplyRefused(_("%(network)s does not let us reply.") % {"network": _label(channel)})
    if channel.status != Channel.Status.CONNECTED:
        raise ReplyRefused(
            _("%(account)s is not connected. Reconnect it under Settings, then reply.")
            % {"account": channel.handle}
        )
    if not item.mention.remote_id:
        raise ReplyRefused(_("This mention has no address on the network to reply to."))
    return channel


def reply_check(item: Item, text: str, private: bool = False) -> Channel:
    """The channel to answer through; raises ReplyRefused when this reply may not go out now."""
    return _prepare(item, text, private).channel


def _prepare(
    item: Item, text: str, private: bool, template: bool = False, with_file: bool = False
) -> Prepared:
    channel = reply_channel(item)
    mention = item.mention
    text = text.strip()
    if not text and not with_file:
        raise ReplyRefused(_("Write a reply first."))
    if with_file:
        _check_file(channel, text)
    # An answer to a private message stays private.
    private = private or mention.kind == "message"
    if private and channel.network not in PRIVATE_NETWORKS:
        raise ReplyRefused(
            _("%(network)s has no private messages; reply publicly or contact them another way.")
            % {"network": _label(channel)}
        )
    # An approved message template may go out after the window closed (WhatsApp).
    if private and not template:
        _check_window(channel, mention)
    text = addressed(channel.network, mention, text)
    if private and channel.network in NAMING_NETWORKS and not _names_author(text, mention):
        raise ReplyRefused(
            _("We do not know this author's account, so a private reply would reach nobody.")
        )
    counted = count_for(channel, text, private=private, reply=True)
    if not counted.ok:
        raise ReplyRefused(" ".join(str(reason) for reason in counted.reasons))
    pending = Reply.objects.filter(item=item, status__in=PENDING).values_list("status", flat=True)
    if Status.UNCONFIRMED in pending:
        raise ReplyRefused(
            _("The last reply may have gone out already. Check it first, so it is not sent twice.")
        )
    if Status.SENDING in pending:
        raise ReplyRefused(_("A reply to this is being sent right now."))
    return Prepared(channel=channel, text=text, private=private)


def _check_file(channel: Channel, caption: str) -> None:
    if channel.network not in FILE_NETWORKS:
        raise ReplyRefused(
            _("On %(network)s Klankbord sends answers without a file.")
            % {"network": _label(channel)}
        )
    if len(caption) > CAPTION_LIMIT:
        raise ReplyRefused(
            _("Text sent with a file holds at most %(limit)s characters.")
            % {"limit": CAPTION_LIMIT}
        )


def _check_window(channel: Channel, mention: Mention) -> None:
    """Refuse a private answer the network would refuse: outside its messaging window."""
    connector = connector_class(channel.network)
    window = connector.private_window
    if window is None:
        return
    if mention.kind != "message":
        _check_private_comment(channel, mention)
        return
    last = (
        Mention.objects.filter(
            organisation_id=mention.organisation_id,
            network=mention.network,
            kind="message",
            remote_id__startswith=connector.conversation_of(mention.remote_id),
        )
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if last is None or timezone.now() - last > window:
        hours_in_window = int(window.total_seconds() // 3600)
        if channel.network == "whatsapp":
            # https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
            raise ReplyRefused(
                _(
                    "WhatsApp lets a business answer freely only within %(hours)s hours of the "
                    "customer's last message, and that was longer ago. After that only an "
                    "approved message template can be sent: choose one below."
                )
                % {"hours": hours_in_window}
            )
        raise ReplyRefused(
            _(
                "%(network)s lets a business answer a message only within %(hours)s hours of the "
                "customer's last message, and that was longer ago. Answer once they write again, "
                "or reach them another way."
            )
            % {"network": _label(channel), "hours": hours_in_window}
        )


def window_open(channel: Channel, mention: Mention) -> bool:
    """Whether a free answer to this message fits the network's messaging window now."""
    try:
        _check_window(channel, mention)
    except ReplyRefused:
        return False
    return True


def _check_private_comment(channel: Channel, mention: Mention) -> None:
    """Meta lets a business send the author of a comment one private message, within 7 days."""
    window = connector_class(channel.network).private_comment_window
    if window is None:
        raise ReplyRefused(
            _("On %(network)s only a private message can be answered privately; reply publicly.")
            % {"network": _label(channel)}
        )
    if mention.published_at is None or timezone.now() - mention.published_at > window:
        raise ReplyRefused(
            _(
                "%(network)s lets a business answer a comment privately only within %(days)s days "
                "of it, and this one is older. Reply publicly instead."
            )
            % {"network": _label(channel), "days": window.days}
        )
    earlier = Reply.objects.filter(
        item__mention=mention, private=True, status__in=[Status.SENT, *PENDING]
    )
    if earlier.exists():
        raise ReplyRefused(
            _(
                "%(network)s allows one private answer to a comment, and this one has it. "
                "Continue in the conversation once they answer."
            )
            % {"network": _label(channel)}
        )


def addressed(network: str, mention: Mention, text: str) -> str:
    """On Mastodon only the accounts named in a post hear of it (and only they see a private
    one), as the web app does when you press reply: name the author unless the text does."""
    if network not in NAMING_NETWORKS or not HANDLE.fullmatch(mention.author_handle):
        return text
    if _names_author(text, mention):
        return text
    return f"{mention.author_handle} {text}"


def _names_author(text: str, mention: Mention) -> bool:
    handle = mention.author_handle
    if not HANDLE.fullmatch(handle):
        return False
    pattern = rf"(?<![\w@]){re.escape(handle)}(?![\w@-]|\.\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def reply_send(
    *,
    item: Item,
    by: Membership,
    text: str,
    private: bool = False,
    template: dict[str, Any] | None = None,
    file: Attachment | None = None,
) -> Reply:
    """Send a reply to the item's mention. Never inside another transaction: the reply must be
    committed as "sending" before the network hears of it. With `template` (see
    message_templates.py) an approved message template goes out, `text` being its filled body."""
    if by.organisation_id != item.organisation_id:
        raise ValueError("not a member of this item's organisation")
    # durable: a RuntimeError inside an outer transaction, instead of a commit that is not one.
    with transaction.atomic(durable=True):
        # Two people pressing send at once: the second waits here, then sees the first reply.
        Item.objects.select_for_update().filter(pk=item.pk).first()
        item.refresh_from_db()
        prepared = _prepare(
            item, text, private, template=bool(template), with_file=file is not None
        )
        connector = connector_for(prepared.channel)
        if not template:  # a template's text is not something to write on with
            item.draft = text
            item.save(update_fields=["draft", "updated_at"])
        reply = Reply.objects.create(
            item=item,
            author=by.user,
            channel=prepared.channel,
            text=prepared.text,
            private=prepared.private,
            idempotency_key=uuid.uuid4().hex,
            status=Status.SENDING,
            template=template or {},
        )
        if file is not None:  # kept with the reply, so the conversation shows what went out
            reply_media_add(reply=reply, attachment=file, caption=prepared.text)
    try:
        published = connector.publish(outgoing(reply))
    except UnknownOutcomeError as error:
        _move(reply, Status.SENDING, status=Status.UNCONFIRMED, error=error.message)
        reply_look_up(reply=reply)
    except ConnectorError as error:
        _failed(reply, error, prepared.channel, item.organisation)
    except Exception:
        # A surprise after the request may have gone out: as unclear as a lost answer.
        _move(
            reply,
            Status.SENDING,
            status=Status.UNCONFIRMED,
            error=_("Something went wrong while sending. Check whether the reply went out."),
        )
        raise
    else:
        _sent(reply, Status.SENDING, published, at=timezone.now())
    with logs.log_context(channel=prepared.channel.pk):
        failed = reply.status in (Status.FAILED, Status.UNCONFIRMED)
        log.log(
            logging.WARNING if failed else logging.INFO,
            "reply %s to item %s: %s",
            reply.pk,
            item.pk,
            reply.status,
            extra={"event": "reply", "outcome": reply.status, "reply": reply.pk, "item": item.pk},
        )
    item.refresh_from_db()
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action="inbox.replied",
        target=f"#{item.pk}",
        data={
            "reply": reply.pk,
            "status": reply.status,
            "private": reply.private,
            **({"template": reply.template.get("name", "")} if reply.template else {}),
        },
    )
    return reply


def reply_delete(*, reply: Reply, by: Membership) -> Reply:
    """Take a sent reply back on a network that allows it (Google reviews); the item reopens."""
    if by.organisation_id != reply.item.organisation_id:
        raise ValueError("not a member of this reply's organisation")
    channel = reply.channel
    if reply.status != Status.SENT or channel is None:
        raise ReplyRefused(_("Only a reply that went out can be deleted."))
    if not connector_class(channel.network).edits_replies:
        raise ReplyRefused(
            _("%(network)s does not let us delete a reply.") % {"network": _label(channel)}
        )
    try:
        connector_for(channel).reply_delete(reply.remote_id)
    except ConnectorError as error:
        if isinstance(error, AuthError):
            channel_mark_broken(channel=channel, reason=error.message)
        raise ReplyRefused(error.message) from error
    _move(reply, Status.SENT, status=Status.DELETED)
    Item.objects.filter(pk=reply.item_id, status=Item.Status.ANSWERED).update(
        status=Item.Status.NEW, updated_at=timezone.now()
    )
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action="inbox.reply_deleted",
        target=f"#{reply.item_id}",
        data={"reply": reply.pk},
    )
    return reply


def reply_look_up(*, reply: Reply) -> Reply:
    """Settle an unconfirmed reply by asking the network whether it has it."""
    now = timezone.now()
    # A reply still "sending" long after its sender should have finished: that sender stopped.
    Reply.objects.filter(
        pk=reply.pk, status=Status.SENDING, created_at__lt=now - stale_after()
    ).update(status=Status.UNCONFIRMED)
    reply.refresh_from_db()
    if reply.status != Status.UNCONFIRMED:
        return reply
    channel = reply.channel
    if channel is None:
        _move(reply, Status.UNCONFIRMED, error=_("The account it was sent through is gone."))
        return reply
    try:
        found = connector_for(channel).find_published(outgoing(reply))
    except ConnectorError as error:
        # Still unclear: it stays unconfirmed, and no new reply goes out until it is settled.
        if isinstance(error, AuthError):
            channel_mark_broken(channel=channel, reason=error.message)
        _move(
            reply,
            Status.UNCONFIRMED,
            error=_("Could not check yet whether the reply went out: %(error)s")
            % {"error": error.message},
        )
        return reply
    if found is not None:
        # It went out when it was sent; that is when the customer had their answer.
        _sent(reply, Status.UNCONFIRMED, found, at=reply.created_at)
        return reply
    _move(
        reply,
        Status.UNCONFIRMED,
        status=Status.FAILED,
        error=_("The reply was not sent; you can send it again."),
    )
    return reply


def reply_settle(*, reply: Reply, published: PublishedPost) -> Reply:
    """A reply still sending or unconfirmed went out after all: the network told us (WhatsApp's
    status webhook, carrying our idempotency key). It shows as sent and is never sent again."""
    if reply.status in PENDING:
        # It went out when it was sent; that is when the customer had their answer.
        _sent(reply, reply.status, published, at=reply.created_at)
    return reply


def stale_after() -> timedelta:
    # A reply's sender renews nothing: one still sending after two minutes has stopped.
    return timedelta(seconds=max(settings.PUBLISH_LEASE_SECONDS, 120))


def outgoing(reply: Reply) -> OutgoingPost:
    return OutgoingPost(
        text=reply.text,
        idempotency_key=reply.idempotency_key,
        reply_to=reply.item.mention.remote_id,
        visibility="direct" if reply.private else "public",
        # Committed before the network heard of it: the same words answered earlier are another.
        not_before=reply.created_at,
        media=media_of(reply),
        options={"template": reply.template} if reply.template else {},
    )


def _move(reply: Reply, current: str, **fields: object) -> bool:
    """Change the reply only if it is still in `current`: a late writer cannot undo a result."""
    if "error" in fields:
        fields["error"] = str(fields["error"])[:1000]
    moved = Reply.objects.filter(pk=reply.pk, status=current).update(**fields) == 1
    reply.refresh_from_db()
    return moved


def _sent(reply: Reply, current: str, published: PublishedPost, *, at: datetime) -> None:
    # Recorded on its own, straight away: a crash after this line cannot lead to a second reply.
    moved = _move(
        reply,
        current,
        status=Status.SENT,
        remote_id=published.remote_id[:500],
        url=published.url[:1000],
        sent_at=at,
        error="",
    )
    if moved:
        services.item_responded(item=reply.item, at=at)


def _failed(reply: Reply, error: ConnectorError, channel: Channel, org: Organisation) -> None:
    message = error.message
    if isinstance(error, AuthError):
        channel_mark_broken(channel=channel, reason=error.message)
    if isinstance(error, RateLimitError):
        message = "{} {}".format(
            error.message,
            _("Try again after %(time)s.") % {"time": _local_time(error.retry_at, org)},
        )
    # The item keeps its draft and stays open: the reply can be sent again as it was.
    _move(reply, Status.SENDING, status=Status.FAILED, error=message)


def _local_time(moment: datetime, organisation: Organisation) -> str:
    zone = ZoneInfo(organisation.timezone)
    local = timezone.localtime(moment, zone)
    if local.date() == timezone.localtime(timezone.now(), zone).date():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def _label(channel: Channel) -> str:
    return str(connector_class(channel.network).label)
