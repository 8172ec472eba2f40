"""Mastodon, on any instance (https://docs.joinmastodon.org/methods/).

Plain HTTP through our seam rather than Mastodon.py: the instance address is typed by a user, so
every request must pass the SSRF guard with a pinned address, and Mastodon.py's own `requests`
stack would bypass it (and its retries would bypass our no-blind-retry rule).
"""

import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.utils.translation import gettext as _

from klankbord.channels.networks.base import (
    ApiClient,
    AuthError,
    Capability,
    Connector,
    ConnectorError,
    Media,
    Mention,
    MentionPage,
    Metrics,
    NotFound,
    OutgoingPost,
    Profile,
    PublishedPost,
    UnknownOutcomeError,
)
from klankbord.lib.html_text import html_to_text
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK

SCOPES = "read write"
DEFAULT_LIMIT = 500
URL_LENGTH = 23
MEDIA_POLLS = 10
# A look-up reads our own statuses this far back: far longer than any lease, retry or wait.
LOOKUP_WINDOW = timedelta(days=7)
# ... in pages of the most the endpoint gives, and at most this many pages of them.
LOOKUP_PAGE_SIZE = 40
LOOKUP_PAGES = 5
# Our clock and the server's may differ a little: a look-up reads this much before the attempt.
CLOCK_SKEW = timedelta(minutes=5)
# The visibilities a status may come back with: a limited account's public post is unlisted.
VISIBILITIES = {"public": frozenset({"public", "unlisted"})}
# Mastodon links these in `content` and may show them otherwise (a mention as "@name" without
# its server, a URL normalised), so a look-up compares the text around them.
_MENTION = re.compile(r"(?<![=/\w])@\w(?:[\w.-]*\w)?(?:@\w(?:[\w.-]*\w)?)?")


def normalise_instance(text: str) -> str:
    """'mastodon.social', '@an@mastodon.social' or 'https://mastodon.social/' → https URL."""
    text = text.strip()
    if text.startswith("@") or ("@" in text and "://" not in text):
        text = text.rsplit("@", 1)[-1]
    if "://" not in text:
        text = "https://" + text
    invalid = ConnectorError(_("That is not the address of a Mastodon server."), permanent=True)
    try:
        parts = urlsplit(text)
        port = f":{parts.port}" if parts.port else ""
    except ValueError as error:  # a port out of range, an IPv4 address in brackets
        raise invalid from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid
    # An IPv6 address keeps its brackets, or its colons would read as a port.
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}"


def comparable(text: str) -> str:
    """Text as we sent it and as Mastodon shows it both come out the same: each URL and
    @mention reduced to a marker, whitespace collapsed, case folded and Unicode composed."""
    text = unicodedata.normalize("NFC", text)
    # URLs first: a URL may hold an "@" ("https://example.social/@klant"). A marker rather
    # than nothing, so a post of a link alone does not match a status without text.
    text = _MENTION.sub(" <@> ", LINK.sub(" <url> ", text))
    return " ".join(text.split()).casefold()


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and value >= 0 else None


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class ServerError(ConnectorError):
    """Mastodon answered 5xx: a create may have made its status before something failed."""


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str


class Client(ApiClient):
    """The HTTP calls, with Mastodon's error shapes turned into our errors."""

    network = "Mastodon"

    def call(self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any) -> Any:
        return self._result(
            self.send(method, self.base_url + path, idempotent=idempotent, **kwargs)
        )

    def _result(self, response: Any) -> Any:
        status = response.status_code
        if status < 300:
            return response.json() if response.content else {}, response
        message = self._error_message(response)
        if status == 401:
            raise AuthError(
                _("Mastodon no longer accepts our access: %s. Reconnect the channel.") % message
            )
        if status in (404, 410):
            raise NotFound(_("Mastodon refused this: %s") % message)
        if status in (403, 413, 422):
            raise ConnectorError(_("Mastodon refused this: %s") % message, permanent=True)
        error = ServerError if status >= 500 else ConnectorError
        raise error(
            _("Mastodon had a problem (%(status)s): %(message)s")
            % {"status": status, "message": message}
        )

    @staticmethod
    def _error_message(response: Any) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or str(response.status_code)
        return str(body.get("error_description") or body.get("error") or body)


# --- Connecting (OAuth authorization-code flow) ---------------------------------------------


def register_app(instance: str, redirect_uri: str, *, allow_loopback: bool) -> App:
    # https://docs.joinmastodon.org/methods/apps/#create
    body, _response = Client(instance, allow_loopback=allow_loopback).call(
        "POST",
        "/api/v1/apps",
        data={
            "client_name": "Klankbord",
            "redirect_uris": redirect_uri,
            "scopes": SCOPES,
            "website": "https://klankbord.be",
        },
    )
    return App(client_id=body["client_id"], client_secret=body["client_secret"])


def status_url(status: dict[str, Any]) -> str:
    # `url` is the page to open; `uri` the ActivityPub id, an address on most servers. A server
    # may send anything in them (javascript: too): only an http(s) address is kept.
    return safe_url(status.get("url")) or safe_url(status.get("uri"))


def authorize_url(instance: str, app: App, redirect_uri: str, state: str) -> str:
    # https://docs.joinmastodon.org/methods/oauth/#authorize
    query = urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": SCOPES,
            "state": state,
        }
    )
    return f"{instance}/oauth/authorize?{query}"


def exchange_code(
    instance: str, app: App, redirect_uri: str, code: str, *, allow_loopback: bool
) -> str:
    # https://docs.joinmastodon.org/methods/oauth/#token
    body, _response = Client(instance, allow_loopback=allow_loopback).call(
        "POST",
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
        },
    )
    return str(body["access_token"])


def instance_limits(client: Client) -> dict[str, int]:
    # https://docs.joinmastodon.org/methods/instance/#v2 (v1 on older servers)
    try:
        body, _response = client.call("GET", "/api/v2/instance")
        statuses = body.get("configuration", {}).get("statuses", {})
    except ConnectorError:
        body, _response = client.call("GET", "/api/v1/instance")
        statuses = body.get("configuration", {}).get("statuses", {})
        statuses.setdefault("max_characters", body.get("max_toot_chars", DEFAULT_LIMIT))
    return {
        "max_characters": int(statuses.get("max_characters", DEFAULT_LIMIT)),
        "characters_reserved_per_url": int(statuses.get("characters_reserved_per_url", URL_LENGTH)),
        "max_media_attachments": int(statuses.get("max_media_attachments", 4)),
    }


class MastodonConnector(Connector):
    network = "mastodon"
    label = "Mastodon"
    capabilities = frozenset(Capability)
    max_images = 4
    connect_with = "oauth"

    def client(self) -> Client:
        return Client(
            self.account.base_url,
            token=self.account.secrets.get("access_token", ""),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"mastodon:{self.account.base_url}:{self.account.external_id}",
        )

    def profile(self) -> Profile:
        # https://docs.joinmastodon.org/methods/accounts/#verify_credentials
        body, _response = self.client().call("GET", "/api/v1/accounts/verify_credentials")
        host = urlsplit(self.account.base_url).hostname
        return Profile(
            external_id=str(body["id"]),
            handle=f"@{body['username']}@{host}",
            display_name=body.get("display_name") or body["username"],
            avatar_url=safe_url(body.get("avatar")),
            profile_url=safe_url(body.get("url")),
            followers=_count(body.get("followers_count")),
        )

    def upload(self, media: Media) -> str:
        # https://docs.joinmastodon.org/methods/media/#v2 — 202 means "still processing".
        client = self.client()
        try:
            body, _response = client.call(
                "POST",
                "/api/v2/media",
                files={"file": (media.filename, media.content, media.mime_type)},
                data={"description": media.alt_text},
            )
        except UnknownOutcomeError as error:
            # An image that no status uses is harmless: the post simply uploads it again.
            raise ConnectorError(
                _("Mastodon did not answer while receiving an image; nothing was posted yet.")
            ) from error
        media_id = str(body["id"])
        for _attempt in range(MEDIA_POLLS):
            if body.get("url"):
                return media_id
            time.sleep(0.5)
            body, _response = client.call("GET", f"/api/v1/media/{media_id}")
        raise ConnectorError(_("Mastodon is still processing the image; try again shortly."))

    def publish(self, post: OutgoingPost) -> PublishedPost:
        media_ids = [self.upload(media) for media in post.media]
        data: dict[str, Any] = {"status": post.text, "visibility": post.visibility}
        if media_ids:
            data["media_ids[]"] = media_ids
        if post.reply_to:
            data["in_reply_to_id"] = post.reply_to
        if post.content_warning:
            data["spoiler_text"] = post.content_warning
        # https://docs.joinmastodon.org/methods/statuses/#create — sent once. The key should
        # make a repeat return the first status, but some servers ignore it and Mastodon may
        # answer a repeat with 500 (mastodon/mastodon#40399): an unclear outcome is looked up.
        try:
            body, _response = self.client().call(
                "POST",
                "/api/v1/statuses",
                idempotent=False,
                headers={"Idempotency-Key": post.idempotency_key},
                data=data,
            )
        except ServerError as error:
            raise UnknownOutcomeError(
                _("Mastodon had a problem after receiving the post; it may have gone out: %s")
                % error.message
            ) from error
        except NotFound as error:
            if not post.reply_to:
                raise
            # A deleted (or no longer visible) status answers 404: "The post you are trying
            # to reply to does not appear to exist."
            raise ConnectorError(
                _("The post to reply to no longer exists."), permanent=True
            ) from error
        return PublishedPost(remote_id=str(body["id"]), url=status_url(body))

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """Our status that is this post, read from our own recent statuses; never posts."""
        # No re-post with the key: servers ignore it, fail on it, or forget it after an hour.
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            # The same words posted before this attempt began are another post.
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        for status in self._own_statuses(since):
            if self._is_status_of(post, text, status):
                return PublishedPost(remote_id=str(status["id"]), url=status_url(status))
        return None

    def _own_statuses(self, since: datetime) -> Iterator[dict[str, Any]]:
        # https://docs.joinmastodon.org/methods/accounts/#statuses — newest first; its author
        # sees every status of the account, replies and direct ones included.
        account_id = self.account.external_id or self.profile().external_id
        path = f"/api/v1/accounts/{quote(account_id, safe='')}/statuses"
        client = self.client()
        params = [("limit", str(LOOKUP_PAGE_SIZE))]
        for _page in range(LOOKUP_PAGES):
            body, _response = client.call("GET", path, params=params)
            for status in body:
                created = parse_time(status.get("created_at"))
                if created is not None and created >= since:
                    yield status
            oldest = parse_time(body[-1].get("created_at")) if body else None
            if len(body) < LOOKUP_PAGE_SIZE or oldest is None or oldest < since:
                return
            params = [("limit", str(LOOKUP_PAGE_SIZE)), ("max_id", str(body[-1]["id"]))]
        # Not read back to the attempt: "not there" would be a guess, and a guess posts twice.
        raise ConnectorError(
            _("Too many statuses since this post was sent to check whether it went out.")
        )

    @staticmethod
    def _is_status_of(post: OutgoingPost, text: str, status: dict[str, Any]) -> bool:
        if status.get("reblog"):
            return False  # a boost of someone else's status, not a status we wrote
        if str(status.get("in_reply_to_id") or "") != post.reply_to:
            return False
        visibility = status.get("visibility")
        allowed = VISIBILITIES.get(post.visibility, frozenset({post.visibility}))
        if visibility and visibility not in allowed:
            return False
        # The same images in the same order, told apart by their descriptions (alt texts).
        attachments = status.get("media_attachments") or []
        described = [comparable(media.get("description") or "") for media in attachments]
        if described != [comparable(media.alt_text) for media in post.media]:
            return False
        if comparable(status.get("spoiler_text") or "") != comparable(post.content_warning):
            return False
        # Our own statuses, rendered by our own server: small, flat HTML.
        return comparable(html_to_text(status.get("content") or "")) == text

    def mentions(self, cursor: str = "") -> MentionPage:
        # https://docs.joinmastodon.org/methods/notifications/#get — min_id walks forward
        # from the cursor in pages, so a burst of mentions is read completely, oldest first.
        # No cursor yet: start at the oldest notification the server still keeps.
        params = [("types[]", "mention"), ("limit", "40"), ("min_id", cursor or "0")]
        body, _response = self.client().call("GET", "/api/v1/notifications", params=params)
        mentions = [self._to_mention(item) for item in body if item.get("status")]
        ids = [int(item["id"]) for item in body]
        return MentionPage(mentions=mentions, cursor=str(max(ids)) if ids else cursor)

    def _to_mention(self, notification: dict[str, Any]) -> Mention:
        status = notification["status"]
        account = status.get("account") or notification.get("account") or {}
        to_us = status.get("in_reply_to_account_id") == self.account.external_id
        # A private mention (visibility "direct") is Mastodon's direct message.
        kind = "reply" if to_us else "mention"
        if status.get("visibility") == "direct":
            kind = "message"
        return Mention(
            remote_id=str(status["id"]),
            url=status_url(status),
            author_handle="@" + account.get("acct", ""),
            author_name=account.get("display_name") or account.get("username", ""),
            text=html_to_text(status.get("content") or "").strip(),
            created_at=parse_time(status.get("created_at")),
            kind=kind,
            in_reply_to=str(status.get("in_reply_to_id") or ""),
            raw={"notification_id": str(notification["id"]), "language": status.get("language")},
        )

    def search(self, query: str, cursor: str = "") -> MentionPage:
        """A #hashtag reads the public tag timeline; other words use the instance's search."""
        query = query.strip()
        if query.startswith("#"):
            # https://docs.joinmastodon.org/methods/timelines/#tag — walks forward by min_id.
            tag = query[1:]
            params = [("limit", "40"), ("min_id", cursor or "0")]
            body, _response = self.client().call(
                "GET", f"/api/v1/timelines/tag/{tag}", params=params
            )
            ids = [int(status["id"]) for status in body]
            newest = str(max(ids)) if ids else cursor
        else:
            # https://docs.joinmastodon.org/methods/search/#v2 — many servers only search
            # posts their users interacted with; the tag timeline is the reliable source.
            offset = int(cursor or 0)
            params = [("q", query), ("type", "statuses"), ("limit", "40"), ("offset", str(offset))]
            found, _response = self.client().call("GET", "/api/v2/search", params=params)
            body = found.get("statuses", [])
            newest = str(offset + len(body))
        mentions = [self._to_mention({"id": status["id"], "status": status}) for status in body]
        return MentionPage(mentions=[replace(m, kind="search") for m in mentions], cursor=newest)

    def replies(self, remote_id: str) -> list[Mention]:
        # https://docs.joinmastodon.org/methods/statuses/#context
        body, _response = self.client().call("GET", f"/api/v1/statuses/{remote_id}/context")
        return [
            self._to_mention({"id": status["id"], "status": status})
            for status in body.get("descendants", [])
        ]

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        # https://docs.joinmastodon.org/methods/statuses/#get
        result = {}
        for remote_id in remote_ids:
            body, _response = self.client().call("GET", f"/api/v1/statuses/{remote_id}")
            result[remote_id] = Metrics(
                likes=int(body.get("favourites_count", 0)),
                shares=int(body.get("reblogs_count", 0)),
                replies=int(body.get("replies_count", 0)),
                quotes=int(body.get("quotes_count", 0) or 0),
            )
        return result
