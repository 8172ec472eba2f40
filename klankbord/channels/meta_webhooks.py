"""Meta's webhooks for a Page, its Instagram account and a Threads profile: comments, direct
messages, visitors' posts, replies and mentions of the business, pushed.

https://developers.facebook.com/docs/graph-api/webhooks/getting-started — the verification
handshake (hub.mode, hub.verify_token, hub.challenge) and X-Hub-Signature-256, an HMAC-SHA256 of
the raw body with the app secret. Each change is stored as received under a key that stays the
same when Meta delivers it again, acknowledged at once, and processed by a task that claims its
row. Polling goes on beside it: whichever brings a comment first stores it, the other is a
duplicate.

https://developers.facebook.com/docs/threads/webhooks — Threads has its own app (id and secret)
and its own delivery: one flat object per event, {"app_id", "topic", "target_id", "time",
"values": {"field": "replies" | "mentions", "value": <the reply or post>}}. That the body is
signed with the Threads app secret is not said there; Meta's webhooks all are, so we require it.

https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples — WhatsApp
delivers {"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id"}, "contacts": [...], "messages": [...],
"statuses": [...]}}]}]}, signed with the app secret the owner entered for that number.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.channels.models import Channel, FacebookApp, ThreadsApp, WebhookEvent
from klankbord.channels.networks import instagram, whatsapp, whatsapp_media
from klankbord.channels.networks import threads as threads_api
from klankbord.channels.networks.base import ConnectorError, Mention, NotFound
from klankbord.channels.networks.facebook import FacebookConnector, message_id, message_url
from klankbord.channels.networks.facebook import post_url as facebook_url
from klankbord.channels.services import connector_for

Status = WebhookEvent.Status
LEASE = timedelta(minutes=5)
# A Page feed change of these kinds is a post (docs/graph-api/webhooks/reference/page/#feed).
POST_ITEMS = frozenset({"post", "status", "photo", "video", "share"})
# An event still new this long after it came lost its task (a broker hiccup): sweep it up.
SWEEP_AFTER = timedelta(minutes=1)
MAX_ATTEMPTS = 5
# Webhook: what the channel page calls active, when the last event came this recently.
ACTIVE_FOR = timedelta(days=1)
# The Threads fields whose events come in as mentions (docs/threads/webhooks).
THREADS_FIELDS = frozenset({"replies", "mentions"})

# A WhatsApp number is its own "app": its channel keeps the app secret and the webhook key.
App = FacebookApp | ThreadsApp | Channel
AppT = TypeVar("AppT", FacebookApp, ThreadsApp)


class BadDelivery(Exception):
    """Signed correctly, but not something we can read."""


def signature_ok(app_secret: str, body: bytes, header: str) -> bool:
    """Whether X-Hub-Signature-256 is "sha256=" + the HMAC-SHA256 of the raw body."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    # Constant time: the comparison must not tell an attacker how much of a guess was right.
    return hmac.compare_digest(expected.encode(), header.removeprefix("sha256=").encode())


def verify_ok(app: App, mode: str, token: str) -> bool:
    expected = str(app.secrets.get("verify_token") or "")
    # Bytes: compare_digest refuses a str with characters outside ASCII.
    return (
        mode == "subscribe"
        and bool(expected)
        and hmac.compare_digest(expected.encode(), token.encode())
    )


def webhook_ensure(app: AppT) -> AppT:
    """Give the app its webhook address and verify token, once."""
    if app.webhook_key and app.secrets.get("verify_token"):
        return app
    app.webhook_key = app.webhook_key or secrets.token_urlsafe(24)
    app.secrets = {**app.secrets, "verify_token": secrets.token_urlsafe(24)}
    app.save(update_fields=["webhook_key", "secrets"])
    return app


# The object of a delivery → the network of its events: a Page, or an Instagram professional
# account (https://developers.facebook.com/docs/instagram-platform/webhooks).
OBJECTS = {"page": "facebook", "instagram": "instagram", "whatsapp_business_account": "whatsapp"}


def network_of(payload: Any) -> str:
    """The network a delivery's events belong to: Threads sends no "object"."""
    if isinstance(payload, dict) and payload.get("object") in OBJECTS:
        return OBJECTS[payload["object"]]
    if isinstance(payload, dict) and isinstance(payload.get("values"), dict):
        return "threads"
    raise BadDelivery("not a page, instagram or threads delivery")


def events_of(payload: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(account id, stable key, the change as received) for each comment or message."""
    if network_of(payload) == "threads":
        return _threads_events(payload)
    if network_of(payload) == "whatsapp":
        return _whatsapp_events(payload)
    if not isinstance(payload, dict) or payload.get("object") not in OBJECTS:
        raise BadDelivery("not a page or instagram delivery")
    found = []
    for entry in payload.get("entry") or []:
        account_id = str(entry.get("id") or "")
        for change in entry.get("changes") or []:
            found += _change_events(account_id, change, entry.get("time"))
        for messaging in entry.get("messaging") or []:
            message = messaging.get("message") or {}
            # An echo is our own answer, sent back to us.
            if message.get("mid") and not message.get("is_echo"):
                found.append(
                    (account_id, f"message:{message['mid']}", {"field": "messages", **messaging})
                )
    return found


def _change_events(
    account_id: str, change: dict[str, Any], time: Any
) -> list[tuple[str, str, dict[str, Any]]]:
    value = change.get("value") or {}
    field = change.get("field")
    if field == "feed" and value.get("item") == "comment":
        # A comment added, edited or removed: each verb is its own event.
        key = f"comment:{value.get('comment_id')}:{value.get('verb')}"
        return [(account_id, key, {"field": "feed", **value})]
    if field == "feed" and value.get("item") in POST_ITEMS and value.get("post_id"):
        # A post on the Page (a visitor's, or our own: that one is dropped when processed).
        key = f"post:{value['post_id']}:{value.get('verb')}"
        return [(account_id, key, {"field": "feed", **value})]
    if field == "mention" and value.get("post_id"):
        # The Page named in a post or comment (docs/graph-api/webhooks/reference/page/#mention).
        target = value.get("comment_id") or value["post_id"]
        key = f"mention:{target}:{value.get('verb')}"
        return [(account_id, key, {"field": "mention", **value})]
    if field == "mentions" and value.get("media_id"):
        # Instagram: the account @-mentioned in a caption or a comment, announced only here
        # (docs/instagram-platform/webhooks); the value names the media and the comment.
        key = f"mention:{value['media_id']}:{value.get('comment_id') or ''}"
        return [(account_id, key, {"field": "mentions", "time": time, **value})]
    if change.get("field") == "comments" and value.get("id"):
        # Instagram sends new comments only, without a time of their own: the entry's.
        return [
            (account_id, f"comment:{value['id']}:add", {"field": "comments", "time": time, **value})
        ]
    return []


def _threads_events(payload: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """A reply to one of our threads, or a post that @-mentions us: one event per delivery."""
    values = payload["values"]
    value = values.get("value") or {}
    field = values.get("field")
    if field not in THREADS_FIELDS or not value.get("id"):
        return []  # publish and delete tell of our own posts: nothing for the inbox
    # A reply names the owner of the thread it is in (our profile); a mention names nobody,
    # so it goes to the organisation's Threads profile when it is processed.
    owner = str((value.get("root_post") or {}).get("owner_id") or "") if field == "replies" else ""
    # The media id is the remote id polling gives it too, so either way it is stored once.
    key = f"{field}:{value['id']}"
    return [(owner, key, {"field": field, "time": payload.get("time"), **value})]


def _whatsapp_events(payload: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """One event per customer message, under its phone number id and wamid (stable on a
    redelivery), and one per status of a message we sent (sent, delivered, read, failed)."""
    found = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "messages":
                continue
            number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            contacts = value.get("contacts") or []
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id"):
                    continue
                body = {"field": "messages", "message": message, "contacts": contacts}
                found.append((number_id, f"message:{message['id']}", body))
            for status in value.get("statuses") or []:
                if not isinstance(status, dict) or not status.get("id"):
                    continue
                key = f"status:{status['id']}:{status.get('status')}"
                found.append((number_id, key, {"field": "statuses", "status": status}))
    return found


def _network_of_app(app: App) -> frozenset[str]:
    if isinstance(app, ThreadsApp):
        return frozenset({"threads"})
    if isinstance(app, Channel):
        return frozenset({app.network})
    return frozenset({"facebook", "instagram"})


def events_receive(*, app: App, body: bytes) -> list[int]:
    """Store each change of a signed delivery once; returns the ids of the new ones."""
    try:
        payload = json.loads(body)
        network = network_of(payload)
        events = events_of(payload)
    except (ValueError, AttributeError, TypeError) as error:
        raise BadDelivery(str(error)) from error
    if network not in _network_of_app(app):
        raise BadDelivery("a delivery for another app")
    new = []
    with transaction.atomic():
        for account_id, key, change in events:
            event, created = WebhookEvent.objects.get_or_create(
                organisation_id=app.organisation_id,
                network=network,
                key=key[:300],
                defaults={"account_id": account_id[:300], "body": change},
            )
            if created:
                new.append(event.pk)
        if not isinstance(app, Channel):
            type(app).objects.filter(pk=app.pk).update(last_event_at=timezone.now())
        transaction.on_commit(lambda: _enqueue(new))
    return new


def _enqueue(event_ids: list[int]) -> None:
    from klankbord.channels.tasks import process_webhook_event

    for event_id in event_ids:
        process_webhook_event.delay(event_id)


def event_claim(event_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    claimed = WebhookEvent.objects.filter(
        free, pk=event_id, status__in=[Status.NEW, Status.CLAIMED]
    ).update(status=Status.CLAIMED, lease_until=now + LEASE, attempts=F("attempts") + 1)
    return claimed == 1  # 0: another worker got there first, or it is done


def event_process(event_id: int) -> None:
    """Claim one stored event and bring its comment or message in as a mention."""
    from klankbord.listening import pipeline, sources
    from klankbord.listening.media import media_keep
    from klankbord.listening.models import Source

    if not event_claim(event_id):
        return
    event = WebhookEvent.objects.get(pk=event_id)
    channel = _channel_of(event)
    if event.network == "whatsapp" and event.body.get("field") == "statuses" and channel:
        _finish(event, Status.DONE, _whatsapp_status(event, channel))
        return
    source = Source.objects.filter(channel=channel, kind=Source.Kind.MENTIONS, active=True).first()
    if channel is None or source is None:
        if event.network == "whatsapp":
            reason = _("No connected WhatsApp number with this phone number ID.")
        else:
            reason = _("No connected Page with this id.")
        _finish(event, Status.DONE, reason)
        return
    try:
        mention, fetched = _with_file(event, channel, to_mention(event, channel))
    except NotFound as error:
        # Deleted before we read it: nothing to bring in, and nothing to try again.
        _finish(event, Status.DONE, error.message)
        return
    except ConnectorError as error:
        failed = error.permanent or event.attempts >= MAX_ATTEMPTS
        _finish(event, Status.FAILED if failed else Status.NEW, error.message)
        return
    with transaction.atomic():
        if mention is not None:
            batch = pipeline.run(source, [sources.to_item(source, mention)])
            if fetched is not None and fetched.content:
                media_keep(mentions=batch.stored, fetched=fetched)
        _finish(event, Status.DONE)


def _with_file(
    event: WebhookEvent, channel: Channel, mention: Mention | None
) -> tuple[Mention | None, whatsapp_media.Fetched | None]:
    """A WhatsApp message's file, fetched before it is stored; its text says what came and,
    when the file is not kept, why."""
    from klankbord.listening.media import author_blocked

    if event.network != "whatsapp" or mention is None:
        return mention, None
    if author_blocked(event.organisation_id, mention.author_handle):
        return mention, None  # dropped by the pipeline: an erased person's file stays away
    connector = connector_for(channel)
    assert isinstance(connector, whatsapp.WhatsAppConnector)
    last_try = event.attempts >= MAX_ATTEMPTS
    fetched = connector.media_fetch(event.body.get("message") or {}, last_try=last_try)
    if fetched is None:
        return mention, None
    return replace(mention, text=whatsapp_media.fetched_text(fetched)), fetched


def _whatsapp_status(event: WebhookEvent, channel: Channel) -> str:
    """A status of a message we sent, recorded on its reply; why it was set aside, or ""."""
    from klankbord.inbox.receipts import reply_receipt_record

    receipt = whatsapp.receipt_of(event.body.get("status") or {})
    if receipt is None:
        return _("Not a WhatsApp message status Klankbord knows.")
    return reply_receipt_record(channel=channel, receipt=receipt)


def _channel_of(event: WebhookEvent) -> Channel | None:
    connected = Channel.objects.filter(
        organisation_id=event.organisation_id,
        network=event.network,
        status=Channel.Status.CONNECTED,
    )
    if event.network == "threads" and not event.account_id:
        # A Threads mention names no account: it is the organisation's one Threads profile.
        only = list(connected[:2])
        return only[0] if len(only) == 1 else None
    return connected.filter(external_id=event.account_id).first()


def _finish(event: WebhookEvent, status: str, error: str = "") -> None:
    WebhookEvent.objects.filter(pk=event.pk, status=Status.CLAIMED).update(
        status=status, lease_until=None, error=error[:500]
    )


def to_mention(event: WebhookEvent, channel: Channel) -> Mention | None:
    """The mention a change brings, or None (a removal, an edit, our own comment)."""
    value = event.body
    if event.network == "instagram":
        return _instagram_mention(value, channel)
    if event.network == "threads":
        return _threads_mention(value, channel)
    if event.network == "whatsapp":
        return whatsapp.message_mention(value, channel.external_id)
    if value.get("field") == "messages":
        return _message_mention(value, channel)
    if value.get("field") == "mention":
        return _page_mention(value, channel)
    if value.get("item") in POST_ITEMS:
        return _visitor_post(event, channel)
    author = value.get("from") or {}
    if value.get("verb") != "add" or author.get("id") == channel.external_id:
        return None
    comment_id = str(value.get("comment_id") or "")
    # Out of order: a removal that came before its addition wins.
    removed = WebhookEvent.objects.filter(
        organisation_id=event.organisation_id,
        network=event.network,
        key=f"comment:{comment_id}:remove",
    ).exists()
    if removed or not comment_id:
        return None
    name = str(author.get("name") or _("Facebook user"))
    post_id = str(value.get("post_id") or "")
    return Mention(
        remote_id=comment_id,
        url=facebook_url(comment_id),
        author_handle=name,
        author_name=name,
        text=str(value.get("message") or ""),
        created_at=_from_unix(value.get("created_time")),
        kind="reply",
        in_reply_to=str(value.get("parent_id") or post_id),
        raw={"post_id": post_id, "from_id": str(author.get("id") or "")},
    )


def _removed(event: WebhookEvent, key: str) -> bool:
    """Whether a removal of this came (perhaps before its addition: out of order wins)."""
    return WebhookEvent.objects.filter(
        organisation_id=event.organisation_id, network=event.network, key=key
    ).exists()


def _visitor_post(event: WebhookEvent, channel: Channel) -> Mention | None:
    """A post by someone else on the Page, as the feed change carries it."""
    value = event.body
    author = value.get("from") or {}
    post_id = str(value.get("post_id") or "")
    if value.get("verb") != "add" or author.get("id") == channel.external_id:
        return None  # an edit or removal, or the Page's own post
    if _removed(event, f"post:{post_id}:remove"):
        return None
    name = str(author.get("name") or _("Facebook user"))
    return Mention(
        remote_id=post_id,
        url=facebook_url(post_id),
        author_handle=name,
        author_name=name,
        text=str(value.get("message") or ""),
        created_at=_from_unix(value.get("created_time")),
        kind="mention",
        raw={"post_id": post_id, "from_id": str(author.get("id") or "")},
    )


def _page_mention(value: dict[str, Any], channel: Channel) -> Mention | None:
    """The post or comment that names the Page, read from Graph: the change has no text."""
    if value.get("verb") != "add" or str(value.get("sender_id") or "") == channel.external_id:
        return None
    connector = connector_for(channel)
    assert isinstance(connector, FacebookConnector)
    post_id, comment_id = str(value["post_id"]), str(value.get("comment_id") or "")
    mention = connector.mentioned(post_id, comment_id)
    if not mention.raw.get("from_id") and value.get("sender_name"):
        # Graph keeps a person's name from the Page; the change gives it.
        name = str(value["sender_name"])
        mention = replace(mention, author_handle=name, author_name=name)
    return mention


def _message_mention(value: dict[str, Any], channel: Channel) -> Mention | None:
    psid = str((value.get("sender") or {}).get("id") or "")
    message = value.get("message") or {}
    if not psid or psid == channel.external_id or not message.get("text"):
        return None  # our own, or a sticker or attachment without words
    name = _known_name(channel, psid) or _asked_name(channel, psid)
    mid = str(message["mid"])
    timestamp = value.get("timestamp")
    return Mention(
        remote_id=message_id(psid, mid),
        url=message_url(channel.external_id, psid, mid),
        author_handle=name,
        author_name=name,
        text=str(message["text"]),
        created_at=_from_unix(timestamp / 1000 if isinstance(timestamp, int | float) else None),
        kind="message",
    )


def _instagram_mention(value: dict[str, Any], channel: Channel) -> Mention | None:
    if value.get("field") == "messages":
        return _instagram_message(value, channel)
    if value.get("field") == "mentions":
        connector = connector_for(channel)
        assert isinstance(connector, instagram.InstagramConnector)
        media_id, comment_id = str(value["media_id"]), str(value.get("comment_id") or "")
        return connector.mentioned(media_id, comment_id)
    author = value.get("from") or {}
    if author.get("id") == channel.external_id or not value.get("id"):
        return None  # our own answer
    username = str(author.get("username") or "")
    name = f"@{username}" if username else _("Instagram user")
    media_id = str((value.get("media") or {}).get("id") or "")
    return Mention(
        remote_id=str(value["id"]),
        url=instagram.comment_url(_permalink(channel, media_id), value),
        author_handle=name,
        author_name=name,
        text=str(value.get("text") or ""),
        created_at=_from_unix(value.get("time")),
        kind="reply",
        in_reply_to=str(value.get("parent_id") or media_id),
        raw={"media_id": media_id},
    )


def _threads_mention(value: dict[str, Any], channel: Channel) -> Mention | None:
    """The reply or mention as polling makes it (same remote id), not our own."""
    ours = channel.handle.lstrip("@")
    if ours and value.get("username") == ours:
        return None  # our own reply, or our own post naming ourselves
    if value.get("field") == "mentions":
        return threads_api.ThreadsConnector.mention_of(value)
    thread_id = str((value.get("root_post") or {}).get("id") or "")
    return threads_api.ThreadsConnector.reply_of(value, thread_id)


def _permalink(channel: Channel, media_id: str) -> str:
    """The address of the post a comment is on; the delivery names only its id."""
    connector = connector_for(channel)
    assert isinstance(connector, instagram.InstagramConnector)
    return connector.permalink(media_id) if media_id else ""


def _instagram_message(value: dict[str, Any], channel: Channel) -> Mention | None:
    igsid = str((value.get("sender") or {}).get("id") or "")
    message = value.get("message") or {}
    if not igsid or igsid == channel.external_id or not message.get("text"):
        return None  # our own, or a photo or sticker without words
    known = _known_name(channel, igsid, prefix=instagram.message_id(igsid, ""))
    name = known or _asked_name(channel, igsid, fallback=_("Instagram user"))
    mid = str(message["mid"])
    timestamp = value.get("timestamp")
    return Mention(
        remote_id=instagram.message_id(igsid, mid),
        url=instagram.message_url(igsid, mid),
        author_handle=name,
        author_name=name,
        text=str(message["text"]),
        created_at=_from_unix(timestamp / 1000 if isinstance(timestamp, int | float) else None),
        kind="message",
    )


def _known_name(channel: Channel, psid: str, prefix: str = "") -> str:
    """The customer's name as an earlier message of theirs brought it, without asking Meta."""
    from klankbord.listening.models import Mention as StoredMention

    found = (
        StoredMention.objects.filter(
            organisation_id=channel.organisation_id,
            network=channel.network,
            remote_id__startswith=prefix or message_id(psid, ""),
        )
        .values_list("author_name", flat=True)
        .first()
    )
    return found or ""


def _asked_name(channel: Channel, psid: str, fallback: str = "") -> str:
    connector = connector_for(channel)
    assert isinstance(connector, FacebookConnector | instagram.InstagramConnector)
    try:
        return connector.customer_name(psid)
    except ConnectorError as error:
        if not error.permanent:
            raise  # the event waits and tries again
        # Meta may refuse a profile (privacy, a deleted account): the message still counts.
        return fallback or _("Facebook user")


def _from_unix(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def events_sweep(now: datetime | None = None) -> list[int]:
    """Events whose task was lost, or whose worker stopped: hand them out again."""
    now = now or timezone.now()
    stale = WebhookEvent.objects.filter(
        Q(status=Status.NEW, received_at__lt=now - SWEEP_AFTER)
        | Q(status=Status.CLAIMED, lease_until__lt=now)
    ).values_list("pk", flat=True)[:200]
    found = list(stale)
    _enqueue(found)
    return found


def way_in(app: FacebookApp | ThreadsApp | None, now: datetime | None = None) -> str:
    """ "webhook" when Meta pushed an event lately, else "polling"."""
    now = now or timezone.now()
    if app is not None and app.last_event_at and now - app.last_event_at < ACTIVE_FOR:
        return "webhook"
    return "polling"
