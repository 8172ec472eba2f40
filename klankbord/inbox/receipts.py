"""What a network tells of a reply after it went out: it reached the customer's phone, they
read it, or it failed after all. WhatsApp pushes these as status webhooks
(channels/meta_webhooks.py), late, twice or out of order, so each one only moves a reply forward.

A status carries the idempotency key we sent as biz_opaque_callback_data: a reply whose answer was
lost (unconfirmed, without a remote id) is settled by it as sent, and so never sent again.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.channels.models import Channel
from klankbord.channels.networks import whatsapp
from klankbord.channels.networks.base import PublishedPost
from klankbord.inbox import replying
from klankbord.inbox.models import Item, Reply

Status = Reply.Status


def reply_receipt_record(*, channel: Channel, receipt: whatsapp.Receipt) -> str:
    """Record one status on the reply it tells of; returns why it was set aside, or ""."""
    reply = _reply_of(channel, receipt)
    if reply is None:
        return _("No reply sent from Klankbord has this WhatsApp message id.")
    if receipt.status == "failed":
        return _failed(reply, receipt)
    if reply.status in replying.PENDING:
        replying.reply_settle(reply=reply, published=_published(reply, receipt))
    if reply.status != Status.SENT:
        return _("The reply is no longer sent; a late status does not change that.")
    at = receipt.at or timezone.now()
    if receipt.status in ("delivered", "read"):
        _stamp(reply, "delivered_at", at)  # read implies delivered
    if receipt.status == "read":
        _stamp(reply, "read_at", at)
    return ""


def _reply_of(channel: Channel, receipt: whatsapp.Receipt) -> Reply | None:
    replies = Reply.objects.filter(
        channel=channel, item__organisation_id=channel.organisation_id
    ).select_related("item__mention", "author")
    found = replies.filter(remote_id__endswith=f"/{receipt.wamid}").first()
    if found is None and receipt.key:
        # Our answer was lost: the status names the message by the key we sent with it.
        found = replies.filter(
            idempotency_key=receipt.key, remote_id="", status__in=replying.PENDING
        ).first()
    return found


def _published(reply: Reply, receipt: whatsapp.Receipt) -> PublishedPost:
    # The remote id a send that was answered would have stored: conversation + wamid.
    conversation = whatsapp.WhatsAppConnector.conversation_of(reply.item.mention.remote_id)
    return PublishedPost(remote_id=f"{conversation}{receipt.wamid}", url="")


def _stamp(reply: Reply, field: str, at: datetime) -> None:
    # The earliest time wins: a status delivered again or late never moves a time on.
    unset_or_later = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": at})
    Reply.objects.filter(unset_or_later, pk=reply.pk).update(**{field: at})


def _failed(reply: Reply, receipt: whatsapp.Receipt) -> str:
    """WhatsApp could not deliver it: the reply fails, explained, and the item opens again."""
    if reply.delivered_at or reply.read_at or reply.status not in (Status.SENT, *replying.PENDING):
        return _("The reply was delivered or settled already; a late failure does not change that.")
    language = reply.author.language if reply.author else settings.LANGUAGE_CODE
    with override(language or settings.LANGUAGE_CODE):
        reason = whatsapp.failure_reason(receipt)
    was = reply.status
    moved = Reply.objects.filter(
        pk=reply.pk, status=was, delivered_at__isnull=True, read_at__isnull=True
    ).update(
        status=Status.FAILED,
        error=reason[:1000],
        remote_id=reply.remote_id or _published(reply, receipt).remote_id[:500],
    )
    if moved and was == Status.SENT:
        _reopen(reply.item)
    return ""


def _reopen(item: Item) -> None:
    """The customer never got the answer: back to whoever has it, unless another reply reached."""
    if Reply.objects.filter(item=item, status=Status.SENT).exists():
        return
    status = Item.Status.ASSIGNED if item.assignee_id else Item.Status.NEW
    Item.objects.filter(pk=item.pk, status=Item.Status.ANSWERED).update(
        status=status, updated_at=timezone.now()
    )
