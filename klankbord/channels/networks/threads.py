"""Threads through its Graph API (https://developers.facebook.com/docs/threads).

Threads speaks Graph: the same error bodies, usage headers and cursors as Facebook, so the
Facebook client is reused with Threads' host, version and words. A post goes out in two steps: a
container, then threads_publish. The container id is kept on the post's progress before the next
step, so a retry or a crashed worker continues with it and never publishes twice.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from klankbord.channels.networks import facebook
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    Connector,
    ConnectorError,
    Mention,
    MentionPage,
    Metrics,
    NotFound,
    OutgoingPost,
    Profile,
    PublishedPost,
    Quota,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.facebook import comparable, newer, parse_time
from klankbord.lib import http
from klankbord.lib.links import safe_url
from klankbord.lib.text import threads_length

GRAPH_URL = "https://graph.threads.net"
AUTHORIZE_URL = "https://threads.net"
VERSION = "v1.0"
SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_insights",
    # Posts by others that @-mention the profile (docs/threads/threads-mentions); without it
    # only the mentions are missing.
    "threads_manage_mentions",
)
# Without these nothing can be posted; the others only leave replies or results out.
REQUIRED_SCOPES = frozenset({"threads_basic", "threads_content_publish"})
MAX_LENGTH = 500
MAX_IMAGES = 20  # a carousel takes 2 to 20 items
# Threads refreshes a long-lived token only once it is a day old, and before it expires.
REFRESH_MIN_AGE = timedelta(hours=24)
REFRESH_WHEN_LEFT = timedelta(days=10)
# A container is checked this many times, this far apart, before the attempt gives way.
STATUS_CHECKS = 5
STATUS_WAIT_SECONDS = 3.0
# When the 24-hour publishing quota is used up, try again this much later.
QUOTA_WAIT = timedelta(hours=1)
LOOKUP_WINDOW = timedelta(days=7)
LOOKUP_PAGES = 5
CLOCK_SKEW = facebook.CLOCK_SKEW
# Replies are read on the user's threads of this long ago.
REPLIES_ON_POSTS_SINCE = timedelta(days=14)
REPLY_PAGES = 5
REPLY_FIELDS = "id,text,username,permalink,timestamp,is_reply_owned_by_me,replied_to,root_post"
MENTION_FIELDS = "id,text,username,permalink,timestamp"
# What a /me/threads item's media_type is for a post with this many images.
MEDIA_TYPES = {0: "TEXT_POST", 1: "IMAGE"}
INSIGHT_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")


def graph_url() -> str:
    return str(getattr(settings, "THREADS_GRAPH_URL", GRAPH_URL)).rstrip("/")


def authorize_base_url() -> str:
    return str(getattr(settings, "THREADS_AUTHORIZE_URL", AUTHORIZE_URL)).rstrip("/")


def status_wait_seconds() -> float:
    return float(getattr(settings, "THREADS_STATUS_WAIT_SECONDS", STATUS_WAIT_SECONDS))


def profile_url(username: str) -> str:
    return f"https://www.threads.com/@{username}"


@dataclass(frozen=True)
class App:
    app_id: str
    app_secret: str


@dataclass(frozen=True)
class Token:
    access_token: str
    user_id: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"<Token {self.user_id} until {self.expires_at:%Y-%m-%d}>"  # never the token

    def secrets(self) -> dict[str, Any]:
        now = int(time.time())
        return {
            "access_token": self.access_token,
            "issued_at": now,
            "expires_at": int(self.expires_at.timestamp()),
        }


class Client(facebook.Client):
    """Facebook's Graph client with Threads' host and version, and Threads in its messages."""

    network = "Threads"

    def call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool | None = None,
        versioned: bool = True,
        **kwargs: Any,
    ) -> Any:
        # The token endpoints (/oauth/access_token, /access_token) have no version.
        url = f"{self.base_url}/{VERSION}{path}" if versioned else f"{self.base_url}{path}"
        response = self.send(method, url, idempotent=idempotent, **kwargs)
        self._watch_usage(response)
        return self._result(response)

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code < 300:
            return response.json() if response.content else {}
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        # The OAuth endpoints may answer with the fields at the top level instead.
        error = error if isinstance(error, dict) else (body if isinstance(body, dict) else {})
        code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
        message = str(
            error.get("error_user_msg")
            or error.get("message")
            or error.get("error_message")
            or response.reason_phrase
            or response.status_code
        ).rstrip(".")
        if code in (102, 190):
            raise AuthError(
                _("Threads no longer accepts our access: %s. Reconnect Threads.") % message
            )
        if code == 10 or 200 <= code <= 299:
            raise facebook.MissingPermission(
                _(
                    "Threads refused a permission: %s. Reconnect Threads and allow every "
                    "permission Klankbord asks for."
                )
                % message
            )
        if code in facebook.THROTTLE_CODES:
            retry_at = http.now_utc() + facebook.regain_after(response.headers)
            if self.budget is not None and self.budget_key:
                self.budget.record(self.budget_key, 0, retry_at)
            raise RateLimitError(_("Threads asks us to slow down: %s") % message, retry_at=retry_at)
        if code == 100 and subcode == 33:
            raise NotFound(_("Threads does not know this (any more): %s") % message)
        if response.status_code >= 500 or code in (1, 2) or error.get("is_transient"):
            raise facebook.ServerError(_("Threads had a problem: %s") % message)
        raise ConnectorError(_("Threads refused this: %s") % message, permanent=True)


# --- Connecting (the Threads authorization window) ------------------------------------------


def authorize_url(app: App, redirect_uri: str, state: str) -> str:
    # https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
    query = urlencode(
        {
            "client_id": app.app_id,
            "redirect_uri": redirect_uri,
            "scope": ",".join(SCOPES),
            "response_type": "code",
            "state": state,
        }
    )
    return f"{authorize_base_url()}/oauth/authorize?{query}"


def user_token(app: App, redirect_uri: str, code: str, *, allow_loopback: bool) -> Token:
    """The code from the window → a short-lived token (1 hour) → a long-lived one (60 days)."""
    client = Client(graph_url(), allow_loopback=allow_loopback)
    # https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
    # — step 2: a code is used once, so the exchange is never repeated on its own.
    short = client.call(
        "POST",
        "/oauth/access_token",
        versioned=False,
        idempotent=False,
        data={
            "client_id": app.app_id,
            "client_secret": app.app_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )
    # https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
    long = client.call(
        "GET",
        "/access_token",
        versioned=False,
        params={
            "grant_type": "th_exchange_token",
            "client_secret": app.app_secret,
            "access_token": str(short["access_token"]),
        },
    )
    return Token(
        access_token=str(long["access_token"]),
        user_id=str(short.get("user_id") or ""),
        expires_at=datetime.now(UTC) + timedelta(seconds=int(long.get("expires_in") or 0)),
    )


def missing_scopes(token: str, *, allow_loopback: bool) -> set[str]:
    """The permissions we need that the user unticked; empty when Threads will not say."""
    # https://developers.facebook.com/docs/threads/troubleshooting/debug-access-token — asked
    # with the token itself; a user who is no tester of the app may be refused, so no answer
    # is not an error here (a missing permission still shows at the first post).
    client = Client(graph_url(), token=token, allow_loopback=allow_loopback)
    try:
        body = client.call("GET", "/debug_token", params={"input_token": token})
    except ConnectorError:
        return set()
    scopes = (body.get("data") or {}).get("scopes")
    return set(REQUIRED_SCOPES) - set(scopes) if isinstance(scopes, list) else set()


def _unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError):
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def insight_values(body: dict[str, Any]) -> dict[str, int | None]:
    """{metric: value} from an insights answer: lifetime `values` or a `total_value`."""
    found: dict[str, int | None] = {}
    for item in body.get("data") or []:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        values = item.get("values") or []
        total = item.get("total_value") or {}
        value = values[-1].get("value") if values and isinstance(values[-1], dict) else None
        found[str(item["name"])] = _count(total.get("value") if total else value)
    return found


def sum_or_none(*values: int | None) -> int | None:
    return None if any(value is None for value in values) else sum(v or 0 for v in values)


class ThreadsConnector(Connector):
    network = "threads"
    label = "Threads"
    capabilities = frozenset(
        {
            Capability.PUBLISH,
            Capability.MEDIA,
            Capability.MENTIONS,
            Capability.REPLY,
            Capability.METRICS,
        }
    )
    max_images = MAX_IMAGES
    connect_with = "oauth"
    hides_comments = True
    has_quota = True
    fetches_media = True  # Threads downloads each image from its public address

    # --- The token --------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(
            self.account.base_url or graph_url(),
            token=self._token(),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"threads:{self.account.external_id}",
        )

    def _token(self) -> str:
        secrets = self.account.secrets
        now = datetime.now(UTC)
        expires_at = _unix(secrets.get("expires_at"))
        if expires_at is not None and expires_at <= now:
            # Threads would answer 190 to every call: no call, and a reconnect asked for.
            raise AuthError(_("The Threads access has expired. Reconnect Threads."))
        if self._refresh_due(secrets, now) and self.store is not None:
            self._refresh()
        return str(self.account.secrets.get("access_token") or "")

    @staticmethod
    def _refresh_due(secrets: dict[str, Any], now: datetime) -> bool:
        issued_at, expires_at = _unix(secrets.get("issued_at")), _unix(secrets.get("expires_at"))
        if issued_at is None or expires_at is None:
            return False
        return now - issued_at >= REFRESH_MIN_AGE and expires_at - now <= REFRESH_WHEN_LEFT

    def _refresh(self) -> None:
        assert self.store is not None
        with self.store.refresh_lock():
            # Another worker may have refreshed while this one waited for the lock.
            secrets = self.store.reload_secrets()
            self.account.secrets = secrets
            if not self._refresh_due(secrets, datetime.now(UTC)):
                return
            client = Client(
                self.account.base_url or graph_url(), allow_loopback=self.allow_loopback
            )
            # https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
            try:
                body = client.call(
                    "GET",
                    "/refresh_access_token",
                    versioned=False,
                    params={
                        "grant_type": "th_refresh_token",
                        "access_token": secrets["access_token"],
                    },
                )
            except ConnectorError as error:
                if isinstance(error, AuthError):
                    raise
                return  # the token still works for days: the next call tries again
            lifetime = timedelta(seconds=int(body.get("expires_in") or 0))
            token = Token(str(body["access_token"]), "", datetime.now(UTC) + lifetime)
            self.account.secrets = {**secrets, **token.secrets()}
            self.store.save_secrets(self.account.secrets)

    # --- Who we are -------------------------------------------------------------------------

    def profile(self) -> Profile:
        client = self.client()
        # https://developers.facebook.com/docs/threads/threads-profiles
        body = client.call(
            "GET",
            "/me",
            params={"fields": "id,username,name,threads_profile_picture_url,threads_biography"},
        )
        username = str(body.get("username") or body["id"])
        return Profile(
            external_id=str(body["id"]),
            handle=f"@{username}",
            display_name=str(body.get("name") or username),
            avatar_url=safe_url(body.get("threads_profile_picture_url")),
            profile_url=profile_url(username),
            followers=self._followers(client, str(body["id"])),
        )

    @staticmethod
    def _followers(client: Client, user_id: str) -> int | None:
        # https://developers.facebook.com/docs/threads/insights — user insights; without
        # threads_manage_insights the count is simply not known.
        try:
            body = client.call(
                "GET", f"/{user_id}/threads_insights", params={"metric": "followers_count"}
            )
        except ConnectorError:
            return None
        return insight_values(body).get("followers_count")

    def publishing_quota(self) -> Quota | None:
        return self._quotas()[0]

    def _quotas(self) -> tuple[Quota | None, Quota | None]:
        """The posts and the replies Threads still takes in its 24 hours."""
        # https://developers.facebook.com/docs/threads/troubleshooting#retrieve-publishing-quota-limit
        body = self.client().call(
            "GET",
            f"/{self.account.external_id}/threads_publishing_limit",
            params={"fields": "quota_usage,config,reply_quota_usage,reply_config"},
        )
        data = (body.get("data") or [{}])[0]
        return (
            self._quota(data.get("quota_usage"), data.get("config")),
            self._quota(data.get("reply_quota_usage"), data.get("reply_config")),
        )

    @staticmethod
    def _quota(used: Any, config: Any) -> Quota | None:
        if not isinstance(config, dict) or _count(used) is None:
            return None
        total = _count(config.get("quota_total"))
        seconds = _count(config.get("quota_duration")) or 86400
        if total is None:
            return None
        return Quota(used=int(used), total=total, window=timedelta(seconds=seconds))

    # --- Publishing -------------------------------------------------------------------------

    def publish(self, post: OutgoingPost) -> PublishedPost:
        self._check(post)
        try:
            container = post.progress.get("container")
            if not container:
                self._check_quota(post)
                container = self._create(post)
                # Saved before anything else: a retry continues with it instead of a new one.
                post.progress.save("container", container)
            return self._publish_container(post, container)
        except facebook.ServerError as error:
            raise UnknownOutcomeError(
                _("Threads had a problem after receiving the post; it may have gone out: %s")
                % error.message
            ) from error

    def _check(self, post: OutgoingPost) -> None:
        """What Threads would refuse, refused before anything is sent."""
        used = threads_length(post.text)
        if used > MAX_LENGTH:
            raise ConnectorError(
                _(
                    "This text is too long for Threads: %(used)s of %(max)s characters "
                    "(Threads counts an emoji as several)."
                )
                % {"used": used, "max": MAX_LENGTH},
                permanent=True,
            )
        if len(post.media) > MAX_IMAGES:
            raise ConnectorError(
                _("Threads takes at most %(max)s images in one post.") % {"max": MAX_IMAGES},
                permanent=True,
            )
        if not post.text.strip() and not post.media:
            raise ConnectorError(_("A Threads post needs text or an image."), permanent=True)
        for media in post.media:
            if urlsplit(media.url).scheme != "https":
                raise ConnectorError(
                    _(
                        "Threads fetches images from this installation itself, so SITE_URL must "
                        "be a public https address; the administrator sets it."
                    ),
                    permanent=True,
                )

    def _check_quota(self, post: OutgoingPost) -> None:
        posts, replies = self._quotas()
        quota = replies if post.reply_to else posts
        if quota is not None and quota.left == 0:
            raise RateLimitError(
                _("Threads takes no more posts from this account for now (%(total)s a day).")
                % {"total": quota.total},
                retry_at=http.now_utc() + QUOTA_WAIT,
            )

    def _create(self, post: OutgoingPost) -> str:
        if len(post.media) > 1:
            children = [
                self._container(post, media_index=n, child=True) for n in range(len(post.media))
            ]
            return self._make(
                {"media_type": "CAROUSEL", "children": ",".join(children), "text": post.text}
            )
        if post.media:
            return self._container(post, media_index=0, child=False)
        data = {"media_type": "TEXT", "text": post.text}
        if post.reply_to:
            data["reply_to_id"] = post.reply_to
        return self._make(data)

    def _container(self, post: OutgoingPost, *, media_index: int, child: bool) -> str:
        media = post.media[media_index]
        data = {"media_type": "IMAGE", "image_url": media.url, "alt_text": media.alt_text}
        if child:
            data["is_carousel_item"] = "true"
        else:
            data["text"] = post.text
            if post.reply_to:
                data["reply_to_id"] = post.reply_to
        return self._make(data)

    def _make(self, data: dict[str, str]) -> str:
        # https://developers.facebook.com/docs/threads/posts — a container is not a post:
        # one made twice is never published and expires, so it may be sent again.
        body = self.client().call(
            "POST", f"/{self.account.external_id}/threads", idempotent=True, data=data
        )
        return str(body["id"])

    def _publish_container(self, post: OutgoingPost, container: str) -> PublishedPost:
        status, reason = self._wait_until_ready(container)
        if status == "PUBLISHED":
            # An earlier attempt published it: never again; its media id is looked up.
            media_id = post.progress.get("media")
            if media_id:
                return PublishedPost(remote_id=media_id, url=self._permalink(media_id))
            found = self._published(post)
            if found is None:
                raise UnknownOutcomeError(
                    _("Threads published this post, but it is not found yet; checking again.")
                )
            return found
        if status == "ERROR":
            raise ConnectorError(
                _("Threads could not prepare this post: %(reason)s.") % {"reason": reason},
                permanent=True,
            )
        if status == "EXPIRED":
            post.progress.save("container", "")
            raise ConnectorError(
                _("The prepared Threads post expired before it went out; it is prepared again.")
            )
        if status != "FINISHED":
            raise ConnectorError(
                _("Threads is still processing this post; it is published at the next try.")
            )
        # https://developers.facebook.com/docs/threads/posts#step-2--publish-a-threads-media-container
        # Sent once: a lost answer is settled by the container's status, never by a resend.
        body = self.client().call(
            "POST",
            f"/{self.account.external_id}/threads_publish",
            idempotent=False,
            data={"creation_id": container},
        )
        media_id = str(body["id"])
        post.progress.save("media", media_id)
        return PublishedPost(remote_id=media_id, url=self._permalink(media_id))

    def _wait_until_ready(self, container: str) -> tuple[str, str]:
        """The container's status, checked a few times while Threads still processes it."""
        client = self.client()
        status, reason = "", ""
        for check in range(STATUS_CHECKS):
            if check:
                time.sleep(status_wait_seconds())
            # https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
            body = client.call("GET", f"/{container}", params={"fields": "status,error_message"})
            status, reason = str(body.get("status") or ""), str(body.get("error_message") or "")
            if status != "IN_PROGRESS":
                break
        return status, reason or "UNKNOWN"

    def _permalink(self, media_id: str) -> str:
        # https://developers.facebook.com/docs/threads/threads-media — the post is out: a failed
        # read leaves the profile's address instead of failing the post.
        try:
            body = self.client().call("GET", f"/{media_id}", params={"fields": "permalink"})
        except ConnectorError:
            return profile_url(self.account.handle.lstrip("@"))
        return safe_url(body.get("permalink")) or profile_url(self.account.handle.lstrip("@"))

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """This post on Threads, by its container's status or its words; never posts."""
        container = post.progress.get("container")
        media_id = post.progress.get("media")
        if container and media_id:
            return PublishedPost(remote_id=media_id, url=self._permalink(media_id))
        if container:
            status = self.client().call("GET", f"/{container}", params={"fields": "status"})
            if status.get("status") != "PUBLISHED":
                return None  # publishing continues with the same container
        return self._published(post)

    def _published(self, post: OutgoingPost) -> PublishedPost | None:
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            # The same words posted before this attempt began are another post.
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        wanted = MEDIA_TYPES.get(len(post.media), "CAROUSEL_ALBUM")
        for found in self._own_since("replies" if post.reply_to else "threads", since):
            same_kind = post.reply_to or found.get("media_type") in (None, wanted)
            if comparable(found.get("text") or "") == text and same_kind:
                remote_id = str(found["id"])
                url = safe_url(found.get("permalink")) or self._permalink(remote_id)
                return PublishedPost(remote_id=remote_id, url=url)
        return None

    def _own_since(self, edge: str, since: datetime) -> Iterator[dict[str, Any]]:
        """The user's own threads (or replies) from `since` on, the newest first."""
        # https://developers.facebook.com/docs/threads/threads-media#retrieve-a-list-of-all-a-user-s-threads
        params = {
            "fields": "id,text,timestamp,permalink,media_type",
            "since": str(int(since.timestamp())),
            "limit": "100",
        }
        too_many = _("Too many posts since this post was sent to check whether it went out.")
        path = f"/me/{edge}"
        for item in self.client().items(path, params, pages=LOOKUP_PAGES, too_many=too_many):
            created = parse_time(item.get("timestamp"))
            if created is None or created >= since:
                yield item

    # --- Replies into the inbox -------------------------------------------------------------

    def mentions(self, cursor: str = "") -> MentionPage:
        """Replies to the user's recent threads and posts that @-mention the profile, each
        since its cursor (the newest time read).

        What has the cursor's own second is read again (and dropped as a duplicate), so two
        replies in one second are never lost.
        """
        seen = json.loads(cursor) if cursor else {}
        replies, newest_reply = self._new_replies(str(seen.get("replies") or ""))
        mentions, newest_mention = self._new_mentions(str(seen.get("mentions") or ""))
        position = {
            name: value
            for name, value in (("replies", newest_reply), ("mentions", newest_mention))
            if value
        }
        return MentionPage(
            mentions=replies + mentions, cursor=json.dumps(position) if position else cursor
        )

    def _new_mentions(self, after: str) -> tuple[list[Mention], str]:
        """Public posts by others that @-mention the profile, since `after`, oldest first."""
        now = datetime.now(UTC)
        since = parse_time(after) or now - REPLIES_ON_POSTS_SINCE
        # https://developers.facebook.com/docs/threads/threads-mentions — needs
        # threads_manage_mentions; `since` is a Unix time.
        params = {
            "fields": MENTION_FIELDS,
            "since": str(int(since.timestamp())),
            "limit": "100",
        }
        path = f"/{self.account.external_id}/mentions"
        try:
            found = list(self.client().items(path, params, pages=REPLY_PAGES))
        except facebook.MissingPermission:
            # Connected before mentions were asked for: the rest still comes in; a reconnect
            # grants it.
            return [], after
        newest = after
        mentions = []
        ours = self.account.handle.lstrip("@")
        for post in found:
            created = parse_time(post.get("timestamp"))
            if created is not None and created < since:
                continue
            newest = newer(newest, str(post.get("timestamp") or ""))
            if not ours or post.get("username") != ours:
                mentions.append(self.mention_of(post))
        mentions.sort(key=lambda m: m.created_at or now)
        return mentions, newest

    @staticmethod
    def mention_of(post: dict[str, Any]) -> Mention:
        username = str(post.get("username") or _("Threads user"))
        return Mention(
            remote_id=str(post["id"]),
            url=safe_url(post.get("permalink")) or profile_url(username),
            author_handle=f"@{username}",
            author_name=username,
            text=str(post.get("text") or ""),
            created_at=parse_time(post.get("timestamp")),
            kind="mention",
        )

    def _new_replies(self, after: str) -> tuple[list[Mention], str]:
        """Replies to the user's recent threads since `after`, oldest first."""
        now = datetime.now(UTC)
        since = parse_time(after) or now - REPLIES_ON_POSTS_SINCE
        found: list[Mention] = []
        newest = after
        for thread in self._own_since("threads", now - REPLIES_ON_POSTS_SINCE):
            # Read newest first (to stop at the cursor), kept oldest first.
            for reply in reversed(list(self._replies(str(thread["id"]), since))):
                newest = newer(newest, str(reply.get("timestamp") or ""))
                if not reply.get("is_reply_owned_by_me"):
                    found.append(self.reply_of(reply, str(thread["id"])))
        found.sort(key=lambda m: m.created_at or now)
        return found, newest

    def _replies(self, media_id: str, since: datetime) -> Iterator[dict[str, Any]]:
        """Every reply in a thread, nested ones too, from `since` on, the newest first."""
        # https://developers.facebook.com/docs/threads/reply-management#conversations
        params = {"fields": REPLY_FIELDS, "reverse": "true", "limit": "100"}
        for reply in self.client().items(f"/{media_id}/conversation", params, pages=REPLY_PAGES):
            created = parse_time(reply.get("timestamp"))
            if created is not None and created < since:
                return
            yield reply

    @staticmethod
    def reply_of(reply: dict[str, Any], thread_id: str) -> Mention:
        username = str(reply.get("username") or _("Threads user"))
        remote_id = str(reply["id"])
        return Mention(
            remote_id=remote_id,
            url=safe_url(reply.get("permalink")) or profile_url(username),
            author_handle=f"@{username}",
            author_name=username,
            text=str(reply.get("text") or ""),
            created_at=parse_time(reply.get("timestamp")),
            kind="reply",
            in_reply_to=str((reply.get("replied_to") or {}).get("id") or thread_id),
            raw={"thread_id": thread_id},
        )

    def comment_hide(self, remote_id: str, *, hidden: bool) -> None:
        """Hide a reply (with the replies under it) from everyone but its author, or show it."""
        # https://developers.facebook.com/docs/threads/reply-management#hide-replies — hiding
        # twice is harmless, so a lost answer may be retried.
        self.client().call(
            "POST",
            f"/{remote_id}/manage_reply",
            idempotent=True,
            data={"hide": "true" if hidden else "false"},
        )

    # --- Results ----------------------------------------------------------------------------

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        """Views, likes, replies, reposts, quotes and shares of each post.

        Shares are reposts plus shares (sends of the post), as both carry it beyond the post;
        a count Threads leaves out is None (unknown), never zero.
        """
        client = self.client()
        result = {}
        for remote_id in remote_ids:
            # https://developers.facebook.com/docs/threads/insights#media-insights
            body = client.call(
                "GET", f"/{remote_id}/insights", params={"metric": ",".join(INSIGHT_METRICS)}
            )
            values = insight_values(body)
            result[remote_id] = Metrics(
                likes=values.get("likes"),
                shares=sum_or_none(values.get("reposts"), values.get("shares")),
                replies=values.get("replies"),
                quotes=values.get("quotes"),
                views=values.get("views"),
            )
        return result
