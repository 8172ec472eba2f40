"""Bluesky through the `atproto` package, with every request sent through our HTTP seam.

Posts get a record key we choose (a TID derived from the idempotency key), so after a lost
answer `getRecord` tells whether the post exists before anything is sent again.

Direct messages live in Bluesky's chat service, reached through the account's server with the
`atproto-proxy` header. They are read with the mentions and answered in their conversation.
"""

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from atproto import Client
from atproto_client import exceptions as atproto_errors
from atproto_client import models
from atproto_client.request import Request, _handle_response
from django.utils.translation import gettext as _

from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    Connector,
    ConnectorError,
    Media,
    Mention,
    MentionPage,
    Metrics,
    OutgoingPost,
    Profile,
    PublishedPost,
    transport_errors,
)
from klankbord.lib import http
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK_IN_SENTENCE, grapheme_count, utf8_offset
from klankbord.lib.tid import tid_for_key

PUBLIC_PDS = "https://bsky.social"
POST = "app.bsky.feed.post"
LIMIT = 300
CHAT_LIMIT = 1000  # graphemes in a direct message
CHAT = "chat:"  # our address of a direct message: chat:<conversation id>/<message id>
CHAT_PAGE = 100  # conversations or messages per request, the most the chat service gives
CHAT_PAGES = 5  # pages of conversations, or of one conversation's messages, per read
CHAT_HISTORY = timedelta(days=14)  # how far the first read of an account's messages goes back
LOOKUP_WINDOW = timedelta(days=7)  # how far back a look-up searches for a message we sent
# The chat service's answer to an app password made without access to direct messages.
NO_CHAT_ACCESS = frozenset({"Bad token method", "Bad token scope"})
NOT_ACCEPTING = frozenset(
    {
        "recipient has disabled incoming messages",
        "recipient requires incoming messages to come from someone they follow",
    }
)
THREAD_DEPTH = 6  # levels of replies read below a post of ours (Bluesky's default)
MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,})")
HASHTAG = re.compile(r"(?<![\w#&])#([^\s#.,;:!?()\[\]{}'\"]+)")
T = TypeVar("T")
log = logging.getLogger(__name__)


class SeamRequest(Request):
    """atproto's request object, but every call goes through klankbord.lib.http."""

    def __init__(self, *, allow_loopback: bool, budget: http.RateBudget | None, key: str) -> None:
        # atproto builds an httpx client we never send with; the shared TLS context spares it
        # loading the certificate store (tens of milliseconds) on every call.
        super().__init__(verify=http.ssl_context())
        self.allow_loopback = allow_loopback
        self.budget = budget
        self.key = key

    def _send_request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = self.get_headers(kwargs.pop("headers", None))
        if "data" in kwargs:
            kwargs["content"] = kwargs.pop("data")
        # Reads may be retried; of the writes only getRecord-checked creates are made twice.
        response = http.request(
            method,
            url,
            headers=headers,
            user_url=True,
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=self.key,
            **kwargs,
        )
        return _handle_response(response)

    def _new_instance(self) -> "SeamRequest":
        return SeamRequest(allow_loopback=self.allow_loopback, budget=self.budget, key=self.key)


def error_message(error: atproto_errors.AtProtocolError) -> tuple[str, str]:
    response = getattr(error, "response", None)
    content = getattr(response, "content", None)
    return (
        str(getattr(content, "error", "") or ""),
        str(getattr(content, "message", "") or error.__class__.__name__),
    )


def translate_errors(call: Callable[[], T]) -> T:
    """Run one atproto call and turn its errors (and the seam's) into ours."""
    try:
        with transport_errors("Bluesky"):
            return call()
    except atproto_errors.UnauthorizedError as error:
        code, message = error_message(error)
        raise AuthError(
            _("Bluesky no longer accepts our access: %s. Reconnect the channel.") % message
        ) from error
    except atproto_errors.BadRequestError as error:
        code, message = error_message(error)
        if code in ("ExpiredToken", "InvalidToken"):
            raise AuthError(
                _("Bluesky no longer accepts our access: %s. Reconnect the channel.") % message
            ) from error
        raise ConnectorError(_("Bluesky refused this: %s") % message, permanent=True) from error
    except atproto_errors.AtProtocolError as error:
        _code, message = error_message(error)
        raise ConnectorError(_("Bluesky had a problem: %s") % message) from error


class NoChatAccess(ConnectorError):
    """The app password was made without access to direct messages."""


def chat_errors(call: Callable[[], T]) -> T:
    """translate_errors() for the chat service, which has refusals of its own."""

    def refusals() -> T:
        try:
            return call()
        except atproto_errors.BadRequestError as error:
            code, message = error_message(error)
            # An InvalidToken here is about this one service: the session itself still works.
            if code == "InvalidToken" and message in NO_CHAT_ACCESS:
                raise NoChatAccess(
                    _(
                        "This app password gives no access to direct messages. Make one with "
                        "“Allow access to your direct messages” ticked and connect the channel "
                        "again with it."
                    ),
                    permanent=True,
                ) from error
            if message in NOT_ACCEPTING:
                raise ConnectorError(
                    _("This person does not accept direct messages from you on Bluesky."),
                    permanent=True,
                ) from error
            raise

    return translate_errors(refusals)


def facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Links, mentions and hashtags as rich-text facets with UTF-8 byte offsets."""
    found: list[dict[str, Any]] = []

    def add(start: int, end: int, feature: dict[str, Any]) -> None:
        found.append(
            {
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": utf8_offset(text, start), "byteEnd": utf8_offset(text, end)},
                "features": [feature],
            }
        )

    for match in LINK_IN_SENTENCE.finditer(text):
        add(
            match.start(),
            match.end(),
            {"$type": "app.bsky.richtext.facet#link", "uri": match.group()},
        )
    for match in MENTION.finditer(text):
        did = resolve_handle(match.group(1))
        if did:
            add(
                match.start(), match.end(), {"$type": "app.bsky.richtext.facet#mention", "did": did}
            )
    for match in HASHTAG.finditer(text):
        tag = match.group(1)
        if not tag.isdigit() and len(tag) <= 64:
            add(match.start(), match.end(), {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
    return sorted(found, key=lambda facet: facet["index"]["byteStart"])


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def web_url(uri: str, handle: str) -> str:
    # at://did/app.bsky.feed.post/rkey → https://bsky.app/profile/handle/post/rkey
    rkey = uri.rsplit("/", 1)[-1]
    return safe_url(f"https://bsky.app/profile/{handle}/post/{rkey}")  # a handle with a tab: none


def chat_id(convo_id: str, message_id: str) -> str:
    return f"{CHAT}{convo_id}/{message_id}"


def chat_parts(remote_id: str) -> tuple[str, str]:
    """The conversation id and the message id of a chat_id()."""
    convo_id, _slash, message_id = remote_id.removeprefix(CHAT).partition("/")
    return convo_id, message_id


def chat_url(convo_id: str, message_id: str) -> str:
    # The conversation in the Bluesky app; the message id gives each message its own address.
    return f"https://bsky.app/messages/{convo_id}?message={message_id}"


def sent_before(view: Any, since: datetime | None) -> bool:
    """Whether a message (or a conversation's last one) is older than `since`."""
    sent = parse_time(getattr(view, "sent_at", None))
    return since is not None and sent is not None and sent < since


def message_mention(convo_id: str, message: Any, sender: Any, previous: str) -> Mention:
    """A Mention from a chat.bsky.convo.defs#messageView and its sender's profile."""
    handle = sender.handle if sender else message.sender.did
    return Mention(
        remote_id=chat_id(convo_id, message.id),
        url=chat_url(convo_id, message.id),
        author_handle="@" + handle,
        author_name=(sender.display_name if sender else "") or handle,
        text=message.text,
        created_at=parse_time(message.sent_at),
        kind="message",
        # The message before it, so the inbox can show the conversation so far.
        in_reply_to=chat_id(convo_id, previous) if previous else "",
    )


def thread_replies(view: Any) -> Iterator[tuple[Any, str]]:
    """Each reply below a thread view, depth first, with the URI of the post it answers."""
    for reply in view.replies or []:
        # Replies we may not see come as notFoundPost or blockedPost, without a post.
        if not isinstance(reply, models.AppBskyFeedDefs.ThreadViewPost):
            continue
        yield reply.post, view.post.uri
        yield from thread_replies(reply)


def post_mention(post: Any, kind: str, in_reply_to: str = "") -> Mention:
    """A Mention from an app.bsky.feed.defs#postView."""
    return Mention(
        remote_id=post.uri,
        url=web_url(post.uri, post.author.handle),
        author_handle="@" + post.author.handle,
        author_name=post.author.display_name or post.author.handle,
        text=getattr(post.record, "text", ""),
        created_at=parse_time(getattr(post.record, "created_at", None)),
        kind=kind,
        in_reply_to=in_reply_to,
    )


class BlueskyConnector(Connector):
    network = "bluesky"
    label = "Bluesky"
    capabilities = frozenset(Capability)
    max_images = 4
    private_limit = CHAT_LIMIT
    connect_with = "password"

    # --- Session ----------------------------------------------------------------------------

    def _new_client(self) -> Client:
        request = SeamRequest(
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            key=f"bluesky:{self.account.external_id or self.account.handle}",
        )
        return Client(base_url=self.account.base_url or PUBLIC_PDS, request=request)

    @classmethod
    def log_in(
        cls, *, handle: str, app_password: str, pds: str = PUBLIC_PDS, allow_loopback: bool = False
    ) -> tuple[Profile, dict[str, Any]]:
        """Connect: create a session with the app password; return the profile and secrets."""
        from klankbord.channels.networks.base import Account

        connector = cls(Account(handle=handle, base_url=pds), allow_loopback=allow_loopback)
        client = connector._new_client()
        me = translate_errors(lambda: client.login(handle, app_password))
        if me is None:
            raise ConnectorError(_("This server does not serve Bluesky profiles."), permanent=True)
        secrets = {"session": client.export_session_string(), "app_password": app_password}
        return connector._profile_from(me), secrets

    @contextmanager
    def _lock(self) -> Iterator[None]:
        if self.store is None:
            yield
            return
        with self.store.refresh_lock():
            yield

    def _save_session(self, client: Client) -> None:
        self.account.secrets = {**self.account.secrets, "session": client.export_session_string()}
        if self.store is not None:
            self.store.save_secrets(self.account.secrets)

    def client(self) -> Client:
        """A logged-in client. Refreshing the session happens once, under the channel's lock."""
        client = self._new_client()
        loaded = self.account.secrets.get("session", "")
        if not loaded:
            raise AuthError(_("Bluesky has no session for this channel. Reconnect the channel."))
        client.login(session_string=loaded, fetch_bsky_profile=False)
        if not client._should_refresh_session():
            return client
        with self._lock():
            if self.store is not None:
                # Another worker may have refreshed while we waited for the lock.
                self.account.secrets = self.store.reload_secrets()
                if self.account.secrets.get("session") != loaded:
                    client.login(
                        session_string=self.account.secrets["session"], fetch_bsky_profile=False
                    )
                    if not client._should_refresh_session():
                        return client
            self._refresh(client)
        return client

    def _refresh(self, client: Client) -> None:
        try:
            translate_errors(client._refresh_and_set_session)
        except AuthError:
            # The refresh token is gone; the app password may still open a new session.
            password = self.account.secrets.get("app_password", "")
            if not password:
                raise
            translate_errors(
                lambda: client.login(
                    self.account.handle.lstrip("@"), password, fetch_bsky_profile=False
                )
            )
        self._save_session(client)

    def _call(self, fn: Callable[[Client], T]) -> T:
        client = self.client()
        return translate_errors(lambda: fn(client))

    # --- Capabilities -------------------------------------------------------------------------

    def profile(self) -> Profile:
        actor = self.account.external_id or self.account.handle
        return self._profile_from(
            self._call(lambda c: c.app.bsky.actor.get_profile({"actor": actor}))
        )

    @staticmethod
    def _profile_from(view: Any) -> Profile:
        return Profile(
            external_id=view.did,
            handle=f"@{view.handle}",
            display_name=view.display_name or view.handle,
            avatar_url=safe_url(view.avatar),
            profile_url=f"https://bsky.app/profile/{view.handle}",
            followers=getattr(view, "followers_count", None),
        )

    def _resolve_handle(self, client: Client, handle: str) -> str | None:
        try:
            return str(
                translate_errors(
                    lambda: client.com.atproto.identity.resolve_handle({"handle": handle})
                ).did
            )
        except ConnectorError:
            return None

    def _upload(self, client: Client, media: Media) -> dict[str, Any]:
        uploaded = translate_errors(lambda: client.upload_blob(media.content))
        blob = uploaded.blob
        return {
            "alt": media.alt_text,
            "image": {
                "$type": "blob",
                "ref": {"$link": str(blob.ref.link if hasattr(blob.ref, "link") else blob.ref)},
                "mimeType": blob.mime_type,
                "size": blob.size,
            },
        }

    def _reply_ref(self, client: Client, parent_uri: str) -> dict[str, Any]:
        posts = translate_errors(
            lambda: client.app.bsky.feed.get_posts({"uris": [parent_uri]})
        ).posts
        if not posts:
            raise ConnectorError(_("The post to reply to no longer exists."), permanent=True)
        parent = posts[0]
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        reply = getattr(parent.record, "reply", None)
        root_ref = {"uri": reply.root.uri, "cid": reply.root.cid} if reply else parent_ref
        return {"root": root_ref, "parent": parent_ref}

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if post.visibility == "direct":
            return self._send_message(post)
        if grapheme_count(post.text) > LIMIT:
            raise ConnectorError(_("Bluesky allows at most 300 characters."), permanent=True)
        existing = self.find_published(post)
        if existing is not None:
            return existing
        client = self.client()
        record: dict[str, Any] = {
            "$type": POST,
            "text": post.text,
            "createdAt": client.get_current_time_iso(),
        }
        found = facets(post.text, lambda handle: self._resolve_handle(client, handle))
        if found:
            record["facets"] = found
        if post.media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [self._upload(client, media) for media in post.media],
            }
        if post.reply_to:
            record["reply"] = self._reply_ref(client, post.reply_to)
        if post.content_warning:
            record["labels"] = {
                "$type": "com.atproto.label.defs#selfLabels",
                "values": [{"val": "graphic-media"}],
            }
        rkey = tid_for_key(post.idempotency_key)
        data = {
            "repo": self.account.external_id,
            "collection": POST,
            "rkey": rkey,
            "record": record,
        }
        # Not retried automatically: after a lost answer find_published() checks first.
        created = translate_errors(lambda: client.com.atproto.repo.create_record(data))
        uri = created.uri
        return PublishedPost(remote_id=uri, url=web_url(uri, self.account.handle.lstrip("@")))

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        if post.visibility == "direct":
            return self._find_message(post)
        rkey = tid_for_key(post.idempotency_key)
        params = {"repo": self.account.external_id, "collection": POST, "rkey": rkey}
        try:
            record = self._call(lambda c: c.com.atproto.repo.get_record(params))
        except ConnectorError as error:
            if "Could not locate record" in error.message or "RecordNotFound" in error.message:
                return None
            raise
        return PublishedPost(
            remote_id=record.uri, url=web_url(record.uri, self.account.handle.lstrip("@"))
        )

    def mentions(self, cursor: str = "") -> MentionPage:
        """Notifications and direct messages, each read back to where the cursor says."""
        seen = json.loads(cursor) if cursor else {}
        client = self.client()
        notifications, newest = self._notifications(client, seen.get("newest", ""))
        messages, chat_rev = self._new_messages(client, seen.get("chat", ""))
        position = {
            name: value for name, value in (("newest", newest), ("chat", chat_rev)) if value
        }
        return MentionPage(
            mentions=notifications + messages, cursor=json.dumps(position) if position else cursor
        )

    def _notifications(self, client: Client, newest_seen: str) -> tuple[list[Mention], str]:
        # listNotifications pages backwards from the newest; we read back to what we saw last.
        collected: list[Any] = []
        page_cursor = None
        for _page in range(10):
            params: dict[str, Any] = {"limit": 50, "reasons": ["mention", "reply", "quote"]}
            if page_cursor:
                params["cursor"] = page_cursor
            page = translate_errors(
                partial(client.app.bsky.notification.list_notifications, params)
            )
            fresh = [n for n in page.notifications if n.indexed_at > newest_seen]
            collected += fresh
            page_cursor = page.cursor
            if len(fresh) < len(page.notifications) or not page_cursor:
                break
        collected.sort(key=lambda n: n.indexed_at)
        newest = collected[-1].indexed_at if collected else newest_seen
        return [self._to_mention(n) for n in collected], newest

    def _to_mention(self, notification: Any) -> Mention:
        record = notification.record
        reply = getattr(record, "reply", None)
        return Mention(
            remote_id=notification.uri,
            url=web_url(notification.uri, notification.author.handle),
            author_handle="@" + notification.author.handle,
            author_name=notification.author.display_name or notification.author.handle,
            text=getattr(record, "text", ""),
            created_at=parse_time(getattr(record, "created_at", None)),
            kind="reply" if notification.reason == "reply" else "mention",
            in_reply_to=reply.parent.uri if reply else "",
        )

    def search(self, query: str, cursor: str = "") -> MentionPage:
        params: dict[str, Any] = {"q": query, "limit": 25, "sort": "latest"}
        if cursor:
            params["cursor"] = cursor
        page = self._call(lambda c: c.app.bsky.feed.search_posts(params))
        mentions = [post_mention(post, "search") for post in page.posts]
        return MentionPage(mentions=mentions, cursor=page.cursor or "")

    def replies(self, remote_id: str) -> list[Mention]:
        """Every reply in the thread below one of our posts, replies to replies included."""
        # Only what is below: the default parentHeight of 80 would also fetch the ancestors.
        params = {"uri": remote_id, "depth": THREAD_DEPTH, "parentHeight": 0}
        # A deleted post answers 400 NotFound (not 404): a permanent error, as Mastodon's 404.
        # https://docs.bsky.app/docs/api/app-bsky-feed-get-post-thread
        thread = self._call(lambda c: c.app.bsky.feed.get_post_thread(params)).thread
        # A post we can no longer see comes back as notFoundPost or blockedPost.
        if not isinstance(thread, models.AppBskyFeedDefs.ThreadViewPost):
            return []
        return [post_mention(post, "reply", parent) for post, parent in thread_replies(thread)]

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        result: dict[str, Metrics] = {}
        client = self.client()
        for start in range(0, len(remote_ids), 25):
            chunk = remote_ids[start : start + 25]
            posts = translate_errors(partial(client.app.bsky.feed.get_posts, {"uris": chunk})).posts
            for post in posts:
                result[post.uri] = Metrics(
                    likes=post.like_count or 0,
                    shares=post.repost_count or 0,
                    replies=post.reply_count or 0,
                    quotes=post.quote_count or 0,
                )
        return result

    # --- Direct messages ----------------------------------------------------------------------

    def _new_messages(self, client: Client, after: str) -> tuple[list[Mention], str]:
        """Messages from others since revision `after`, and the newest revision read.

        Revisions sort across conversations (the chat log's cursor is one), so one is enough
        to know what is new. An app password without access to messages reads none.
        """
        chat = client.with_bsky_chat_proxy()
        since = None if after else datetime.now(UTC) - CHAT_HISTORY
        found: list[tuple[str, Mention]] = []
        newest = after
        try:
            for convo in self._convos(chat):
                # The most recently active come first: what follows has nothing new.
                if convo.rev <= after or sent_before(convo.last_message, since):
                    break
                newest = max(newest, convo.rev)
                # In a group chat an answer is read by all: it is not a private conversation.
                if not isinstance(convo.kind, models.ChatBskyConvoDefs.GroupConvo):
                    found += self._convo_news(chat, convo, after, since)
        except NoChatAccess as error:
            self._note_chat_refused(error.message)
            return [], after
        self._note_chat_refused("")
        found.sort(key=lambda news: news[0])
        return [mention for _rev, mention in found], newest

    def _convos(self, chat: Client) -> Iterator[Any]:
        """The account's conversations, requests included, the most recently active first."""
        # https://docs.bsky.app/docs/api/chat-bsky-convo-list-convos
        params: dict[str, Any] = {"limit": CHAT_PAGE}
        for _page in range(CHAT_PAGES):
            page = chat_errors(partial(chat.chat.bsky.convo.list_convos, params))
            yield from page.convos
            if not page.cursor:
                return
            params = {"limit": CHAT_PAGE, "cursor": page.cursor}

    def _messages(self, chat: Client, convo_id: str) -> Iterator[Any]:
        """The messages of one conversation, newest first."""
        # https://docs.bsky.app/docs/api/chat-bsky-convo-get-messages
        params: dict[str, Any] = {"convoId": convo_id, "limit": CHAT_PAGE}
        for _page in range(CHAT_PAGES):
            page = chat_errors(partial(chat.chat.bsky.convo.get_messages, params))
            yield from page.messages
            if not page.cursor:
                return
            params = {"convoId": convo_id, "limit": CHAT_PAGE, "cursor": page.cursor}

    def _convo_news(
        self, chat: Client, convo: Any, after: str, since: datetime | None
    ) -> list[tuple[str, Mention]]:
        """The messages of others in one conversation since `after`, with their revisions."""
        news: list[Any] = []
        before = ""
        for view in self._messages(chat, convo.id):
            if view.rev <= after or sent_before(view, since):
                before = view.id
                break
            news.append(view)
        members = {member.did: member for member in convo.members}
        previous = [view.id for view in news[1:]] + [before]
        return [
            (view.rev, message_mention(convo.id, view, members.get(view.sender.did), older))
            for view, older in zip(news, previous, strict=True)
            # Deleted and system messages have no text; our own need no answer.
            if isinstance(view, models.ChatBskyConvoDefs.MessageView)
            and view.sender.did != self.account.external_id
        ]

    def _note_chat_refused(self, reason: str) -> None:
        """Keep on the channel why its messages are not read; log it when that changes."""
        if self.account.settings.get("direct_messages_refused", "") == reason:
            return
        if reason:
            log.warning("Bluesky %s: direct messages not read: %s", self.account.handle, reason)
        settings = {
            k: v for k, v in self.account.settings.items() if k != "direct_messages_refused"
        }
        self.account.settings = (
            {**settings, "direct_messages_refused": reason} if reason else settings
        )
        if self.store is not None:
            self.store.save_settings(self.account.settings)

    def _convo_for(self, chat: Client, reply_to: str) -> str:
        """The conversation of a message we answer, or the one with the author of a post."""
        if reply_to.startswith(CHAT):
            return chat_parts(reply_to)[0]
        if not reply_to.startswith("at://"):
            raise ConnectorError(_("A direct message needs someone to go to."), permanent=True)
        # at://<author's DID>/app.bsky.feed.post/<rkey>; the viewer is added by the service.
        # https://docs.bsky.app/docs/api/chat-bsky-convo-get-convo-for-members
        params = {"members": [reply_to.split("/")[2]]}
        return str(chat_errors(lambda: chat.chat.bsky.convo.get_convo_for_members(params)).convo.id)

    def _send_message(self, post: OutgoingPost) -> PublishedPost:
        """A private reply: a message in the conversation it answers, or with a post's author."""
        if grapheme_count(post.text) > CHAT_LIMIT:
            raise ConnectorError(
                _("A Bluesky direct message allows at most 1000 characters."), permanent=True
            )
        client = self.client()
        chat = client.with_bsky_chat_proxy()
        convo_id = self._convo_for(chat, post.reply_to)
        message: dict[str, Any] = {"text": post.text}
        found = facets(post.text, lambda handle: self._resolve_handle(client, handle))
        if found:
            message["facets"] = found
        data = {"convoId": convo_id, "message": message}
        # https://docs.bsky.app/docs/api/chat-bsky-convo-send-message — no key of ours to send
        # along, and not retried: after a lost answer _find_message() looks for it first.
        sent = chat_errors(lambda: chat.chat.bsky.convo.send_message(data))
        return PublishedPost(remote_id=chat_id(convo_id, sent.id), url=chat_url(convo_id, sent.id))

    def _find_message(self, post: OutgoingPost) -> PublishedPost | None:
        """Our message with this text, sent after the message it answers; never sends."""
        chat = self.client().with_bsky_chat_proxy()
        convo_id = self._convo_for(chat, post.reply_to)
        answered = chat_parts(post.reply_to)[1] if post.reply_to.startswith(CHAT) else ""
        since = datetime.now(UTC) - LOOKUP_WINDOW
        for view in self._messages(chat, convo_id):
            if view.id == answered or sent_before(view, since):
                return None
            if (
                isinstance(view, models.ChatBskyConvoDefs.MessageView)
                and view.sender.did == self.account.external_id
                and view.text == post.text
            ):
                return PublishedPost(
                    remote_id=chat_id(convo_id, view.id), url=chat_url(convo_id, view.id)
                )
        return None
