"""A fake Threads API (and its authorization window) on loopback.

Shapes follow developers.facebook.com docs/threads: get-started/get-access-tokens-and-permissions
(`POST /oauth/access_token` → `{"access_token", "user_id"}`), get-started/long-lived-tokens
(`GET /access_token?grant_type=th_exchange_token`, `GET /refresh_access_token?grant_type=
th_refresh_token` only for a token at least 24 hours old and unexpired, `expires_in` 5183944),
posts (containers: `POST /{user-id}/threads`, then `POST /{user-id}/threads_publish`; 500
characters with an emoji counted by its UTF-8 bytes; carousels of 2 to 20 items),
troubleshooting (container `status` EXPIRED, ERROR, FINISHED, IN_PROGRESS, PUBLISHED with
`error_message`; `threads_publishing_limit`), reply-management (`/conversation`, `/replies`,
`manage_reply` for top-level replies only), insights (media `insights` with `values`, user
`threads_insights` `followers_count` with `total_value`). Errors are Graph's
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}` in a 400 (throttling
too), with X-App-Usage headers. Images are fetched through `fetch` (the test's), https only.

Not in the docs, and so chosen here: the error for a container published twice, for publishing
over the quota (code 4), for a token refreshed too young, and FAILED_DOWNLOADING_IMAGE.

Webhooks (`webhook_delivery`) follow docs/threads/webhooks: one flat object per event, `app_id`,
`topic` ("moderate" for replies, "interaction" for mentions), `target_id`, `time`,
`subscription_id`, `has_uid_field` and `values` {"field", "value"}. Not in the docs: what
`target_id` names (here the media the event is about), whether a mention's value carries more than
the media fields, and that the body is signed (X-Hub-Signature-256) with the Threads app secret,
as Meta's other webhooks are with theirs: the tests sign with it.
"""

import base64
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import regex
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.chaos import DroppedConnection
from klankbord.channels.tests.fakes.facebook import THROTTLE_MESSAGES, Fault

APP_ID = "990602627938098"
APP_SECRET = "fake-threads-secret-0123456789ab"
SCOPES = [
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_insights",
    "threads_manage_mentions",
]
SHORT_LIVED = 3600
LONG_LIVED = 5_183_944
DAY = 24 * 3600
CONTAINER_LIFETIME = DAY
_VERSION = r"/v1\.0"
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3")
MEDIA_TYPES = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "CAROUSEL": "CAROUSEL_ALBUM"}
METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")


def counted_length(text: str) -> int:
    """Threads' own count: a character is one; an emoji is its UTF-8 bytes."""
    total = 0
    for cluster in _GRAPHEME.findall(text):
        total += len(cluster.encode()) if _EMOJI.search(cluster) else 1
    return total


def default_fetch(url: str) -> bytes:
    return PNG


@dataclass
class Token:
    kind: str  # "short" or "long"
    user_id: str
    issued_at: float
    expires_at: float
    scopes: list[str] = field(default_factory=lambda: list(SCOPES))
    revoked: bool = False


class FakeThreads:
    def __init__(self, server: HTTPServer, fetch: Callable[[str], bytes] = default_fetch) -> None:
        self.server = server
        self.fetch = fetch
        self.ids = itertools.count(17_841_400_000_000_001)
        self.app_id, self.app_secret = APP_ID, APP_SECRET
        self.user = {
            "id": "25025320000000001",
            "username": "bakkerij.vandevelde",
            "name": "Bakkerij Vandevelde",
            "threads_profile_picture_url": "https://scontent.example/threads.jpg",
            "threads_biography": "Brood en banket in Gent",
        }
        self.followers: int | None = 312
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, str] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.user_approves = True
        self.granted = list(SCOPES)
        # Whether /debug_token answers for this user (only app testers may ask).
        self.debug_allowed = True
        # Status reads an image container stays IN_PROGRESS before it is FINISHED.
        self.processing_reads = 0
        self.quota_total, self.reply_quota_total = 250, 1000
        self.drop_after_accept = 0
        self.app_usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # --- Helpers for tests --------------------------------------------------------------

    def issue(self, kind: str = "long", *, age: float = 0, lifetime: float = LONG_LIVED) -> str:
        token = "THAA" + secrets.token_urlsafe(24)
        issued = time.time() - age
        self.tokens[token] = Token(kind, self.user["id"], issued, issued + lifetime)
        return token

    def revoke(self, token: str) -> None:
        self.tokens[token].revoked = True

    def throttle(self, code: int, path: str = "") -> None:
        self.faults.append(
            Fault(400, {"message": THROTTLE_MESSAGES[code], "code": code}, path=path)
        )

    def posts(self) -> list[dict[str, Any]]:
        """The user's published threads and replies, oldest first."""
        return [m for m in self.media.values() if m["owner"] == self.user["id"]]

    def texts(self) -> list[str]:
        return [m["text"] for m in self.posts()]

    def add_reply(
        self,
        to: str,
        text: str,
        *,
        username: str = "jan.peeters",
        user_id: str = "",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Someone replies to a thread or to a reply in it."""
        return self._store(
            text=text,
            media_type="TEXT_POST",
            owner=user_id or str(next(self.ids)),
            username=username,
            reply_to=to,
            at=at,
        )

    def add_mention(
        self, text: str, *, username: str = "lies.wouters", at: datetime | None = None
    ) -> dict[str, Any]:
        """Someone else posts a thread that @-mentions the user (docs/threads/threads-mentions)."""
        post = self._store(
            text=text, media_type="TEXT_POST", owner=str(next(self.ids)), username=username, at=at
        )
        post["mentions"] = self.user["id"]
        return post

    def delete(self, media_id: str) -> None:
        """The author deletes their post."""
        del self.media[media_id]

    def set_metrics(self, media_id: str, **counts: int | None) -> None:
        """Insights of a post; a metric set to None is left out of the answer."""
        self.media[media_id]["insights"].update(counts)

    def webhook_delivery(self, media_id: str, field: str = "replies") -> dict[str, Any]:
        """What Meta pushes for a stored reply (field "replies") or mention ("mentions")."""
        media = self.media[media_id]
        value: dict[str, Any] = {
            name: media[name] for name in ("id", "username", "text", "media_type", "permalink")
        }
        value["timestamp"] = media["timestamp"]
        if field == "replies":
            root = self.media[media["root"]]
            value["replied_to"] = {"id": media["reply_to"]}
            value["root_post"] = {
                "id": root["id"], "owner_id": root["owner"], "username": root["username"]
            }  # fmt: skip
        return {
            "app_id": self.app_id,
            "topic": "moderate" if field == "replies" else "interaction",
            "target_id": media["root"],
            "time": int(time.time()),
            "subscription_id": "234567",
            "has_uid_field": False,
            "values": {"value": value, "field": field},
        }

    def requests_to(self, method: str, pattern: str) -> int:
        return sum(
            1
            for request, _response in self.server.log
            if request.method == method and re.fullmatch(pattern, request.path)
        )

    def _store(
        self,
        *,
        text: str,
        media_type: str,
        owner: str,
        username: str,
        reply_to: str = "",
        at: datetime | None = None,
        children: list[str] | None = None,
    ) -> dict[str, Any]:
        media_id = str(next(self.ids))
        root = self.media[reply_to]["root"] if reply_to else media_id
        self.media[media_id] = {
            "id": media_id,
            "text": text,
            "media_type": media_type,
            "owner": owner,
            "username": username,
            "timestamp": (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink": f"https://www.threads.com/@{username}/post/{secrets.token_urlsafe(8)}",
            "reply_to": reply_to,
            "root": root,
            "hidden": False,
            "children": children or [],
            "insights": {name: 0 for name in METRICS},
        }
        return self.media[media_id]

    # --- Plumbing -------------------------------------------------------------------------

    def _json(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        all_headers = {"X-App-Usage": json.dumps(self.app_usage), **(headers or {})}
        return Response(
            json.dumps(body), status=status, headers=all_headers, content_type="application/json"
        )

    def _error(self, message: str, code: int, subcode: int | None = None) -> Response:
        error: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "A" + secrets.token_hex(8),
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        return self._json({"error": error}, 400)

    def _not_found(self, node_id: str) -> Response:
        return self._error(
            f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            100,
            subcode=33,
        )

    def _token(self, request: Request, scope: str = "threads_basic") -> Token | Response:
        header = request.headers.get("Authorization", "")
        value = header.split(" ", 1)[1] if " " in header else request.values.get("access_token", "")
        token = self.tokens.get(value)
        if token is None:
            return self._error("Invalid OAuth access token - Cannot parse access token", 190)
        if token.revoked or token.expires_at < time.time():
            return self._error(
                "Error validating access token: Session has expired.", 190, subcode=463
            )
        if scope not in token.scopes:
            return self._error("(#10) Application does not have permission for this action", 10)
        return token

    def handle(self, request: Request) -> Response:
        for fault in list(self.faults):
            if not fault.path or re.fullmatch(fault.path, request.path):
                self.faults.remove(fault)
                error = {"type": "OAuthException", "fbtrace_id": "Afault", **fault.error}
                return self._json({"error": error}, fault.status, fault.headers)
        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/oauth/authorize", self.authorize),
            ("POST", r"/oauth/access_token", self.code_exchange),
            ("GET", r"/access_token", self.long_lived),
            ("GET", r"/refresh_access_token", self.refresh),
            ("GET", _VERSION + r"/debug_token", self.debug_token),
            ("GET", _VERSION + r"/me", self.me),
            ("GET", _VERSION + r"/(?P<user>me|\d+)/threads_insights", self.user_insights),
            ("GET", _VERSION + r"/(?P<user>me|\d+)/threads_publishing_limit", self.limit),
            ("POST", _VERSION + r"/(?P<user>me|\d+)/threads", self.create_container),
            ("POST", _VERSION + r"/(?P<user>me|\d+)/threads_publish", self.publish),
            ("GET", _VERSION + r"/(?P<user>me|\d+)/(?P<edge>threads|replies)", self.own_list),
            ("GET", _VERSION + r"/(?P<user>me|\d+)/mentions", self.mentions),
            ("GET", _VERSION + r"/(?P<media_id>\d+)/(?P<edge>conversation|replies)", self.thread),
            ("POST", _VERSION + r"/(?P<media_id>\d+)/manage_reply", self.manage_reply),
            ("GET", _VERSION + r"/(?P<media_id>\d+)/insights", self.insights),
            ("GET", _VERSION + r"/(?P<node_id>\d+)", self.node),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, request.path)
            if match and request.method == method:
                return handler(request, **match.groupdict())
        return self._error("Unsupported request - method type: " + request.method.lower(), 100)

    def _is_me(self, user: str, token: Token) -> bool:
        return user in ("me", token.user_id)

    # --- Authorization ----------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        redirect_uri = request.args.get("redirect_uri", "")
        if request.args.get("client_id") != self.app_id or not redirect_uri:
            return Response("Invalid App ID", status=400)
        state = request.args.get("state", "")
        if not self.user_approves:
            query = urlencode(
                {
                    "error": "access_denied",
                    "error_reason": "user_denied",
                    "error_description": "Permissions error",
                    "state": state,
                }
            )
        else:
            code = "AQB" + secrets.token_urlsafe(32)
            self.codes[code] = redirect_uri
            query = urlencode({"code": code, "state": state})
        # Threads adds "#_" to the address; a browser never sends the fragment on.
        return Response("", status=302, headers={"Location": f"{redirect_uri}?{query}#_"})

    def code_exchange(self, request: Request) -> Response:
        form = request.form
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_secret:
            return self._error("Error validating client secret.", 101)
        if form.get("grant_type") != "authorization_code":
            return self._error("Unsupported grant_type", 100)
        redirect_uri = self.codes.pop(form.get("code", ""), None)
        if redirect_uri is None or redirect_uri != form.get("redirect_uri"):
            return self._error("Error validating verification code.", 100, subcode=36007)
        token = self.issue("short", lifetime=SHORT_LIVED)
        self.tokens[token].scopes = list(self.granted)
        return self._json({"access_token": token, "user_id": int(self.user["id"])})

    def long_lived(self, request: Request) -> Response:
        args = request.args
        if args.get("grant_type") != "th_exchange_token":
            return self._error("Unsupported grant_type", 100)
        if args.get("client_secret") != self.app_secret:
            return self._error("Error validating client secret.", 101)
        short = self.tokens.get(args.get("access_token", ""))
        if short is None or short.kind != "short" or short.expires_at < time.time():
            return self._error("Invalid OAuth access token - Cannot parse access token", 190)
        token = self.issue("long")
        self.tokens[token].scopes = list(short.scopes)
        return self._json({"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED})

    def refresh(self, request: Request) -> Response:
        if request.args.get("grant_type") != "th_refresh_token":
            return self._error("Unsupported grant_type", 100)
        old = self._token(request)
        if isinstance(old, Response):
            return old
        if old.kind != "long" or time.time() - old.issued_at < DAY:
            return self._error("(#100) A token can be refreshed once it is 24 hours old", 100)
        token = self.issue("long")
        self.tokens[token].scopes = list(old.scopes)
        return self._json({"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED})

    def debug_token(self, request: Request) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        if not self.debug_allowed:
            return self._error("(#10) The user is not a Threads tester of this app", 10)
        inspected = self.tokens.get(request.args.get("input_token", ""))
        if inspected is None:
            return self._error("Invalid input_token", 100)
        return self._json(
            {
                "data": {
                    "type": "USER",
                    "application": "Klankbord",
                    "expires_at": int(inspected.expires_at),
                    "issued_at": int(inspected.issued_at),
                    "is_valid": True,
                    "scopes": inspected.scopes,
                    "user_id": inspected.user_id,
                }
            }
        )

    # --- Profile, insights, quota -----------------------------------------------------------

    def me(self, request: Request) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        fields = (request.args.get("fields") or "id").split(",")
        return self._json({k: v for k, v in self.user.items() if k in fields or k == "id"})

    def user_insights(self, request: Request, user: str) -> Response:
        token = self._token(request, "threads_manage_insights")
        if isinstance(token, Response):
            return token
        if not self._is_me(user, token):
            return self._not_found(user)
        data = []
        if "followers_count" in request.args.get("metric", "") and self.followers is not None:
            data.append(
                {
                    "name": "followers_count",
                    "period": "day",
                    "title": "followers_count",
                    "description": "The number of followers on Threads.",
                    "total_value": {"value": self.followers},
                    "id": f"{self.user['id']}/insights/followers_count/day",
                }
            )
        return self._json({"data": data})

    def _used(self, replies: bool) -> int:
        since = time.time() - DAY
        return sum(
            1
            for m in self.posts()
            if bool(m["reply_to"]) == replies and m.get("_published_at", 0) > since
        )

    def limit(self, request: Request, user: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        fields = (request.args.get("fields") or "quota_usage").split(",")
        values = {
            "quota_usage": self._used(False),
            "config": {"quota_total": self.quota_total, "quota_duration": DAY},
            "reply_quota_usage": self._used(True),
            "reply_config": {"quota_total": self.reply_quota_total, "quota_duration": DAY},
        }
        return self._json({"data": [{k: v for k, v in values.items() if k in fields}]})

    # --- Publishing -------------------------------------------------------------------------

    def create_container(self, request: Request, user: str) -> Response:
        token = self._token(request, "threads_content_publish")
        if isinstance(token, Response):
            return token
        if not self._is_me(user, token):
            return self._not_found(user)
        form = request.form
        media_type, text = form.get("media_type", ""), form.get("text", "")
        if media_type not in ("TEXT", "IMAGE", "CAROUSEL"):
            return self._error("(#100) Param media_type must be one of TEXT, IMAGE, CAROUSEL", 100)
        if counted_length(text) > 500:
            return self._error("(#100) Param text must be at most 500 characters long.", 100)
        if media_type == "TEXT" and not text:
            return self._error("(#100) Param text is required for a TEXT post.", 100)
        reply_to = form.get("reply_to_id", "")
        if reply_to and reply_to not in self.media:
            return self._not_found(reply_to)
        container: dict[str, Any] = {
            "id": str(next(self.ids)),
            "media_type": media_type,
            "text": text,
            "reply_to": reply_to,
            "carousel_item": form.get("is_carousel_item") == "true",
            "created": time.time(),
            "status": "FINISHED",
            "error_message": "",
            "reads_left": 0,
            "children": [],
            "published": "",
        }
        refused = self._media_of(container, form)
        if refused is not None:
            return refused
        self.containers[container["id"]] = container
        return self._json({"id": container["id"]})

    def _media_of(self, container: dict[str, Any], form: Any) -> Response | None:
        if container["media_type"] == "IMAGE":
            url = form.get("image_url", "")
            if urlsplit(url).scheme != "https":
                return self._error("(#100) Param image_url must be a public https URL", 100)
            container.update(image_url=url, alt_text=form.get("alt_text", ""))
            container["reads_left"] = self.processing_reads
            try:
                fetched = self.fetch(url)
            except Exception:  # noqa: BLE001 — whatever the server did, the image did not come
                fetched = b""
            if not fetched:
                container.update(status="ERROR", error_message="FAILED_DOWNLOADING_IMAGE")
        if container["media_type"] == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 20:
                return self._error("(#100) A carousel has 2 to 20 children", 100)
            for child in children:
                item = self.containers.get(child)
                if item is None or not item["carousel_item"] or item["status"] == "ERROR":
                    return self._error(f"(#100) Param children has an invalid item {child}", 100)
            container["children"] = children
        return None

    def _status(self, container: dict[str, Any]) -> str:
        if container["published"]:
            return "PUBLISHED"
        if time.time() - container["created"] > CONTAINER_LIFETIME:
            return "EXPIRED"
        if container["reads_left"] > 0:
            return "IN_PROGRESS"
        children = [self.containers[c] for c in container["children"]]
        if any(self._status(child) == "IN_PROGRESS" for child in children):
            return "IN_PROGRESS"
        return str(container["status"])

    def publish(self, request: Request, user: str) -> Response:
        token = self._token(request, "threads_content_publish")
        if isinstance(token, Response):
            return token
        container = self.containers.get(request.values.get("creation_id", ""))
        if container is None or not self._is_me(user, token):
            return self._not_found(request.values.get("creation_id", ""))
        status = self._status(container)
        if status == "PUBLISHED":
            return self._error("(#100) This container has already been published", 100)
        if status != "FINISHED":
            return self._error("Media ID is not available", 9007, subcode=2207027)
        replies = bool(container["reply_to"])
        total = self.reply_quota_total if replies else self.quota_total
        if self._used(replies) >= total:
            return self._error("(#4) Application request limit reached", 4)
        made = self._store(
            text=container["text"],
            media_type=MEDIA_TYPES[container["media_type"]],
            owner=self.user["id"],
            username=self.user["username"],
            reply_to=container["reply_to"],
            children=container["children"],
        )
        made["_published_at"] = time.time()
        container["published"] = made["id"]
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        return self._json({"id": made["id"]})

    # --- Reading ----------------------------------------------------------------------------

    def _paged(self, request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
        limit = int(request.args.get("limit", 25))
        after = request.args.get("after", "")
        start = int(base64.urlsafe_b64decode(after.encode()).decode()) if after else 0
        chunk = items[start : start + limit]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            cursors = [
                base64.urlsafe_b64encode(str(n).encode()).decode()
                for n in (start, start + len(chunk))
            ]
            body["paging"] = {"cursors": {"before": cursors[0], "after": cursors[1]}}
            if start + len(chunk) < len(items):
                query = urlencode({**request.args, "after": cursors[1]})
                body["paging"]["next"] = f"{self.base_url}{request.path}?{query}"
        return body

    def _view(self, media: dict[str, Any], fields: list[str], token: Token) -> dict[str, Any]:
        view: dict[str, Any] = {"id": media["id"]}
        for name in fields:
            if name in ("text", "timestamp", "permalink", "media_type", "username"):
                if media.get(name):
                    view[name] = media[name]
            elif name == "is_reply_owned_by_me":
                view[name] = media["owner"] == token.user_id
            elif name == "replied_to" and media["reply_to"]:
                view[name] = {"id": media["reply_to"]}
            elif name == "root_post" and media["reply_to"]:
                view[name] = {"id": media["root"]}
            elif name == "hide_status" and media["reply_to"]:
                view[name] = "HIDDEN" if media["hidden"] else "NOT_HUSHED"
        return view

    def own_list(self, request: Request, user: str, edge: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        if not self._is_me(user, token):
            return self._not_found(user)
        since = int(request.args.get("since") or 0)
        found = [
            m
            for m in reversed(self.posts())
            if bool(m["reply_to"]) == (edge == "replies") and self._unix(m) >= since
        ]
        fields = (request.args.get("fields") or "id").split(",")
        return self._json(self._paged(request, [self._view(m, fields, token) for m in found]))

    def mentions(self, request: Request, user: str) -> Response:
        """Public posts by others that mention the user, the newest first, from `since` on."""
        token = self._token(request, "threads_manage_mentions")
        if isinstance(token, Response):
            return token
        if not self._is_me(user, token):
            return self._not_found(user)
        since = int(request.args.get("since") or 0)
        if since and since < 1688540400:
            return self._error("(#100) Param since must be at least 1688540400", 100)
        found = [
            m
            for m in reversed(self.media.values())
            if m.get("mentions") == token.user_id and self._unix(m) >= since
        ]
        fields = (request.args.get("fields") or "id").split(",")
        return self._json(self._paged(request, [self._view(m, fields, token) for m in found]))

    @staticmethod
    def _unix(media: dict[str, Any]) -> int:
        return int(datetime.strptime(media["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp())

    def thread(self, request: Request, media_id: str, edge: str) -> Response:
        token = self._token(request, "threads_read_replies")
        if isinstance(token, Response):
            return token
        if media_id not in self.media:
            return self._not_found(media_id)
        if edge == "replies":
            found = [m for m in self.media.values() if m["reply_to"] == media_id]
        else:
            found = [m for m in self.media.values() if m["root"] == media_id and m["reply_to"]]
        if request.args.get("reverse", "true") == "true":
            found.reverse()
        fields = (request.args.get("fields") or "id").split(",")
        return self._json(self._paged(request, [self._view(m, fields, token) for m in found]))

    def manage_reply(self, request: Request, media_id: str) -> Response:
        token = self._token(request, "threads_manage_replies")
        if isinstance(token, Response):
            return token
        reply = self.media.get(media_id)
        if reply is None or not reply["reply_to"]:
            return self._not_found(media_id)
        root = self.media[reply["root"]]
        if root["owner"] != token.user_id:
            return self._error("(#10) Only the author of the thread can hide its replies", 10)
        if reply["reply_to"] != reply["root"]:
            return self._error("(#100) Only top-level replies can be hidden", 100)
        hide = request.values.get("hide")
        if hide not in ("true", "false"):
            return self._error("(#100) Param hide must be a boolean", 100)
        reply["hidden"] = hide == "true"
        return self._json({"success": True})

    def insights(self, request: Request, media_id: str) -> Response:
        token = self._token(request, "threads_manage_insights")
        if isinstance(token, Response):
            return token
        media = self.media.get(media_id)
        if media is None or media["owner"] != token.user_id:
            return self._not_found(media_id)
        asked = (request.args.get("metric") or "").split(",")
        data = [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": media["insights"][name]}],
                "title": name.capitalize(),
                "description": f"The number of {name} of your post.",
                "id": f"{media_id}/insights/{name}/lifetime",
            }
            for name in asked
            if name in METRICS and media["insights"].get(name) is not None
        ]
        return self._json({"data": data})

    def node(self, request: Request, node_id: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        fields = (request.args.get("fields") or "id").split(",")
        container = self.containers.get(node_id)
        if container is not None:
            status = self._status(container)
            # Processing goes on while someone waits: each read of a carousel is one for its items.
            for waited in [container, *(self.containers[c] for c in container["children"])]:
                waited["reads_left"] = max(0, waited["reads_left"] - 1)
            view = {"id": node_id, "status": status}
            if status == "ERROR" and "error_message" in fields:
                view["error_message"] = container["error_message"]
            return self._json(view)
        media = self.media.get(node_id)
        if media is None:
            return self._not_found(node_id)
        return self._json(self._view(media, fields, token))
