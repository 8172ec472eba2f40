"""A fake Facebook Graph API (and its Login dialog) on loopback, for Pages.

Shapes follow developers.facebook.com docs/pages-api/posts, docs/graph-api/overview/rate-limiting,
docs/facebook-login/guides/access-tokens and the Page, PagePost and Photo nodes of
facebook/facebook-business-sdk-codegen: `{page-id}_{post-id}` post ids, cursor paging
(`paging.cursors.before/after`, `paging.next`), errors as
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}` with HTTP 400/403
(throttling too: Meta does not answer 429), and X-App-Usage / X-Page-Usage headers in percent.
Comments (docs/graph-api/reference/object/comments: `{post-id}_{comment-id}` ids, `filter=stream`
lists replies too with their `parent`), hiding one (`POST /{comment-id}` is_hidden), Messenger
conversations with nested `messages`, and the Send API (docs/messenger-platform/send-messages:
`recipient`, `messaging_type`, error 10/2018278 outside the 24-hour window).
Every path is served under any version prefix (`/v24.0/...`). Tokens are checked the way Graph
checks them: a user token lists pages, a Page token posts as its page.
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
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import DroppedConnection

APP_ID = "1234567890123456"
APP_SECRET = "fake-app-secret-0123456789abcdef"
SCOPES = [
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
    "read_insights",
]
SHORT_LIVED = 5400  # seconds: about an hour and a half, as a code exchange gives
LONG_LIVED = 5_183_944  # seconds: about 60 days, as fb_exchange_token gives
_VERSION = r"/v\d+\.\d+"
# What Graph says for each throttling code (docs/graph-api/overview/rate-limiting).
THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
}
TOKEN_MESSAGES = {
    463: "Error validating access token: Session has expired on Sunday, 06-Dec-26 09:00:00 PST.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
}
# The fields this fake serves on each node, by the facebook-business adobjects class listing
# them (that SDK has no Message or StoryAttachment); test_fakes_match_graph checks every name.
NODE_FIELDS: dict[str, frozenset[str]] = {
    "Page": frozenset(
        {
            "id",
            "name",
            "category",
            "category_list",
            "access_token",
            "tasks",
            "link",
            "followers_count",
            "picture",
            "instagram_business_account",
        }
    ),
    "PagePost": frozenset(
        {
            "id",
            "message",
            "from",
            "created_time",
            "permalink_url",
            "attachments",
            "shares",
            "reactions",
            "comments",
        }
    ),
    "Comment": frozenset(
        {"id", "message", "from", "created_time", "parent", "is_hidden", "permalink_url"}
    ),
    "UnifiedThread": frozenset({"id", "updated_time", "messages"}),
    "Message": frozenset({"id", "message", "from", "created_time"}),
    "StoryAttachment": frozenset({"type", "target", "media", "url", "subattachments"}),
    "User": frozenset({"id", "name"}),
}
# Page post insights this fake answers: title and description, as Graph gives them. Viewers are
# served as the views (in truth at most as many).
POST_METRICS = {
    "post_media_view": ("Views", "The number of times your post was on screen."),
    "post_total_media_view_unique": ("Viewers", "The number of people who saw your post."),
}
# The parameters each create or update reads, by the facebook-business method for its path.
POST_PARAMS: dict[str, frozenset[str]] = {
    "Page.create_feed": frozenset({"message", "link", "attached_media"}),  # /{page-id}/feed
    "Page.create_photo": frozenset(  # /{page-id}/photos
        {"source", "url", "caption", "message", "alt_text_custom", "published"}
    ),
    "PagePost.create_comment": frozenset({"message"}),  # /{post-id}/comments
    "Comment.create_comment": frozenset({"message"}),  # /{comment-id}/comments
    "Comment.api_update": frozenset({"is_hidden"}),  # /{comment-id}
    "Page.create_message": frozenset({"recipient", "messaging_type", "message"}),  # Send API
}
# The fields of each create's or update's answer.
ANSWER_FIELDS: dict[str, frozenset[str]] = {
    "Page.create_feed": frozenset({"id"}),
    "Page.create_photo": frozenset({"id", "post_id"}),
    "PagePost.create_comment": frozenset({"id"}),
    "Comment.create_comment": frozenset({"id"}),
    "Comment.api_update": frozenset({"success"}),
    "Page.create_message": frozenset({"recipient_id", "message_id"}),
}


def requested_fields(spec: str) -> dict[str, str]:
    """Each field a `fields=` value names, with what it asks of that field's own fields:
    "id,messages{id,from},reactions.summary(true)" → {"id": "", "messages": "id,from", ...}."""
    found: dict[str, str] = {}
    depth, start = 0, 0
    for index, char in enumerate(spec + ","):
        depth += (char in "{(") - (char in "})")
        if char == "," and depth == 0:
            item = spec[start:index].strip()
            start = index + 1
            if item:
                name = re.split(r"[.{(]", item, maxsplit=1)[0]
                nested = re.search(r"\{(.*)\}\s*$", item)
                found[name] = nested.group(1) if nested else ""
    return found


class UnknownField(Exception):
    def __init__(self, name: str, node: str) -> None:
        super().__init__(name, node)
        self.name, self.node = name, node


# What the fields of a field are served as, where this fake checks them.
NESTED_NODES = {("UnifiedThread", "messages"): "Message"}


def refuse_unknown(asked: dict[str, str], node: str) -> None:
    for name, nested in asked.items():
        if name not in NODE_FIELDS[node]:
            raise UnknownField(name, node)
        inner = NESTED_NODES.get((node, name))
        if inner and nested:
            refuse_unknown(requested_fields(nested), inner)


@dataclass
class Token:
    kind: str  # "user" or "page"
    owner: str  # the user id or the page id
    expires_at: int = 0  # unix seconds; 0: never
    scopes: list[str] = field(default_factory=lambda: list(SCOPES))
    # Why Graph refuses it from now on (an error_subcode), 0 while it works.
    broken: int = 0


@dataclass
class Fault:
    """One error answer to send instead of handling a request (for `path`, or any)."""

    status: int
    error: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""


class FakeFacebook:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.ids = itertools.count(100_000_000_000_001)
        self.app_id, self.app_secret = APP_ID, APP_SECRET
        self.user_id = "10160000000000001"
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, str] = {}  # code → redirect_uri it was issued for
        self.pages: dict[str, dict[str, Any]] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.photos: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        # conversation id → {"id", "page_id", "psid", "name", "messages": [newest first]}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        # Routes of another fake on this server (Instagram's), tried first; None passes on.
        self.extra_routes: list[tuple[str, str, Callable[..., Response | None]]] = []
        # Percentages for X-App-Usage and X-Page-Usage on every answer.
        self.app_usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
        self.page_usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
        # More headers on every answer (X-Business-Use-Case-Usage, for one).
        self.extra_headers: dict[str, str] = {}
        # Creates to drop after (or before) storing them, without an answer.
        self.drop_after_accept = 0
        self.drop_before_accept = 0
        self.hang_after_accept = 0
        # What the dialog does when the user gets there: approve, or cancel.
        self.user_approves = True
        self.granted = list(SCOPES)
        for name in ("Bakkerij Vandevelde", "Bakkerij Vandevelde Gent"):
            self.add_page(name)
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # --- Helpers for tests --------------------------------------------------------------

    def add_page(self, name: str) -> dict[str, Any]:
        page_id = str(next(self.ids))
        token = self._issue("page", page_id)
        self.pages[page_id] = {
            "id": page_id,
            "name": name,
            "category": "Bakery",
            "category_list": [{"id": "197871390225897", "name": "Bakery"}],
            "access_token": token,
            "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"],
            "link": f"https://www.facebook.com/{page_id}",
            "followers_count": 240,
        }
        return self.pages[page_id]

    def page_token(self, page_id: str) -> str:
        return str(self.pages[page_id]["access_token"])

    def first_page(self) -> dict[str, Any]:
        return next(iter(self.pages.values()))

    def break_token(self, token: str, subcode: int = 463) -> None:
        """From now on Graph refuses this token: 463 expired, 460 password changed."""
        self.tokens[token].broken = subcode

    def throttle(self, code: int, status: int = 400, path: str = "") -> None:
        self.faults.append(
            Fault(status, {"message": THROTTLE_MESSAGES[code], "code": code}, path=path)
        )

    def published_messages(self, page_id: str) -> list[str]:
        return [p["message"] for p in self.posts.values() if p["page_id"] == page_id]

    def add_comment(
        self,
        post_id: str,
        message: str,
        *,
        name: str = "Jan Peeters",
        user_id: str = "",
        parent: str = "",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A visitor's comment on a post (or, with `parent`, a reply to a comment)."""
        comment_id = f"{post_id.split('_')[-1]}_{next(self.ids)}"
        author = {"id": user_id or str(next(self.ids)), "name": name}
        self.comments[comment_id] = {
            "id": comment_id,
            "post_id": post_id,
            "message": message,
            "from": author,
            "created_time": self._stamp(at),
            "parent": parent,
            "is_hidden": False,
            "permalink_url": f"https://www.facebook.com/{post_id.replace('_', '/posts/')}"
            f"?comment_id={comment_id.split('_')[1]}",
        }
        return self.comments[comment_id]

    def react(self, post_id: str, reactions: int = 0, shares: int = 0) -> None:
        """Visitors react to (like, love, ...) and share a post."""
        post = self.posts[post_id]
        post["_reactions"] = post.get("_reactions", 0) + reactions
        post["_shares"] = post.get("_shares", 0) + shares

    def withhold(self, post_id: str, *edges: str) -> None:
        """From now on Graph leaves these counts ("reactions", "comments", "shares") out."""
        self.posts[post_id].setdefault("_withheld", set()).update(edges)

    def set_views(self, post_id: str, views: int | None) -> None:
        """What Page post insights say of the post from now on; None: "not enough viewers"."""
        self.posts[post_id]["_views"] = views

    def add_visitor_post(
        self, page_id: str, message: str, *, name: str = "Lies Wouters", at: datetime | None = None
    ) -> dict[str, Any]:
        """Someone posts on the Page itself (docs/graph-api/reference/page/feed: "posts by
        visitors to this Page"): it has the Page's id, and a person as its author."""
        author = {"id": str(next(self.ids)), "name": name}
        return self._new_post(page_id, message, author=author, created_time=self._stamp(at))

    def add_tagging_post(
        self, page_id: str, message: str, *, name: str = "Tom Claes", at: datetime | None = None
    ) -> dict[str, Any]:
        """Someone tags the Page in a post on their own profile (docs/graph-api/reference/
        page/tagged): the post is theirs, the Page sees it on its `tagged` edge and its feed."""
        author = {"id": str(next(self.ids)), "name": name}
        return self._new_post(
            author["id"],
            message,
            author=author,
            tagged=[page_id],
            created_time=self._stamp(at),
        )

    def delete_post(self, post_id: str) -> None:
        """Someone deletes the post on Facebook itself."""
        del self.posts[post_id]

    def add_message(
        self, page_id: str, text: str, *, name: str = "Els Maes", at: datetime | None = None
    ) -> dict[str, Any]:
        """A customer writes to the Page in Messenger; one conversation per customer."""
        conversation = next(
            (
                c
                for c in self.conversations.values()
                if c["name"] == name and c["page_id"] == page_id
            ),
            None,
        )
        if conversation is None:
            conversation = self._new_conversation(page_id, name)
        sender = {"id": conversation["psid"], "name": name}
        return self._add_to(conversation, sender, text, at)

    def _new_conversation(self, page_id: str, name: str) -> dict[str, Any]:
        conversation_id = f"t_{next(self.ids)}"
        conversation = {
            "id": conversation_id,
            "page_id": page_id,
            "psid": str(next(self.ids)),
            "name": name,
            "messages": [],
        }
        self.conversations[conversation_id] = conversation
        return conversation

    def _add_to(
        self, conversation: dict[str, Any], sender: dict[str, str], text: str, at: datetime | None
    ) -> dict[str, Any]:
        message = {
            "id": f"m_{secrets.token_urlsafe(16)}",
            "message": text,
            "from": sender,
            "created_time": self._stamp(at),
        }
        conversation["messages"].insert(0, message)
        return message

    @staticmethod
    def _stamp(at: datetime | None) -> str:
        return (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+0000")

    def requests_to(self, method: str, pattern: str) -> int:
        return sum(
            1
            for request, _response in self.server.log
            if request.method == method and re.fullmatch(_VERSION + pattern, request.path)
        )

    def _issue(self, kind: str, owner: str, lifetime: int = 0) -> str:
        token = "EAAB" + secrets.token_urlsafe(24)
        expires_at = int(time.time()) + lifetime if lifetime else 0
        self.tokens[token] = Token(kind=kind, owner=owner, expires_at=expires_at)
        return token

    # --- Plumbing -------------------------------------------------------------------------

    def _json(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        all_headers = {
            "X-App-Usage": json.dumps(self.app_usage),
            "X-Page-Usage": json.dumps(self.page_usage),
            "x-fb-trace-id": "AbCdEfGhIjK",
            **self.extra_headers,
            **(headers or {}),
        }
        return Response(
            json.dumps(body), status=status, headers=all_headers, content_type="application/json"
        )

    def _error(
        self, message: str, code: int, status: int = 400, subcode: int | None = None, **extra: Any
    ) -> Response:
        error: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "A" + secrets.token_hex(8),
            **extra,
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        return self._json({"error": error}, status)

    def _token(self, request: Request) -> tuple[Token | None, Response | None]:
        header = request.headers.get("Authorization", "")
        value = header.split(" ", 1)[1] if " " in header else ""
        value = value or request.values.get("access_token", "")
        if not value:
            return None, self._error(
                "An active access token must be used to query information about the current user.",
                2500,
            )
        token = self.tokens.get(value)
        if token is None:
            return None, self._error("Invalid OAuth access token - Cannot parse access token", 190)
        expired = token.expires_at and token.expires_at < time.time()
        if token.broken or expired:
            subcode = token.broken or 463
            return None, self._error(TOKEN_MESSAGES[subcode], 190, subcode=subcode)
        return token, None

    def _drop(self) -> Response:
        return DroppedConnection()

    def _after_accept(self, body: dict[str, Any]) -> Response:
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return self._drop()
        if self.hang_after_accept:
            # Stored, but the answer never arrives in time.
            self.hang_after_accept -= 1
            time.sleep(1.5)
        return self._json(body)

    def handle(self, request: Request) -> Response:
        for fault in list(self.faults):
            if not fault.path or re.fullmatch(_VERSION + fault.path, request.path):
                self.faults.remove(fault)
                error = {"type": "OAuthException", "fbtrace_id": "Afault", **fault.error}
                return self._json({"error": error}, fault.status, fault.headers)
        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/dialog/oauth", self.dialog),
            ("GET", r"/oauth/access_token", self.access_token),
            ("GET", r"/debug_token", self.debug_token),
            ("GET", r"/me", self.me),
            ("GET", r"/me/accounts", self.accounts),
            ("POST", r"/(?P<page_id>\d+)/feed", self.create_post),
            ("POST", r"/(?P<page_id>\d+)/photos", self.create_photo),
            ("GET", r"/(?P<page_id>\d+)/published_posts", self.published_posts),
            ("GET", r"/(?P<page_id>\d+)/(?P<edge>feed|tagged)", self.page_edge),
            ("GET", r"/(?P<node_id>\d+(?:_\d+)?)/comments", self.list_comments),
            ("POST", r"/(?P<node_id>\d+_\d+)/comments", self.create_comment),
            ("POST", r"/(?P<comment_id>\d+_\d+)", self.update_comment),
            ("GET", r"/(?P<page_id>\d+)/conversations", self.list_conversations),
            ("POST", r"/(?P<page_id>\d+)/messages", self.send_message),
            ("GET", r"/(?P<conversation_id>t_\d+)/messages", self.conversation_messages),
            ("GET", r"/(?P<post_id>\d+_\d+)/insights", self.post_insights),
            ("GET", r"/(?P<node_id>\d+(?:_\d+)?)", self.node),
        ]
        for method, pattern, handler in [*self.extra_routes, *routes]:
            match = re.fullmatch(_VERSION + pattern, request.path)
            if match and request.method == method:
                try:
                    answer = handler(request, **match.groupdict())
                    if answer is not None:
                        return answer
                except UnknownField as unknown:
                    return self._error(
                        f"(#100) Tried accessing nonexisting field ({unknown.name}) on node "
                        f"type ({unknown.node})",
                        100,
                    )
        return self._error(
            "Unsupported request - method type: " + request.method.lower(), 100, subcode=33
        )

    # --- Login ------------------------------------------------------------------------------

    def dialog(self, request: Request) -> Response:
        # docs/facebook-login/guides/advanced/manual-flow: the user says yes (or cancels) at once.
        redirect_uri = request.args.get("redirect_uri", "")
        if request.args.get("client_id") != self.app_id or not redirect_uri:
            return Response("Invalid App ID", status=400)
        state = request.args.get("state", "")
        if not self.user_approves:
            query = urlencode(
                {
                    "error": "access_denied",
                    "error_code": "200",
                    "error_description": "Permissions error",
                    "error_reason": "user_denied",
                    "state": state,
                }
            )
        else:
            code = "AQ" + secrets.token_urlsafe(32)
            self.codes[code] = redirect_uri
            query = urlencode({"code": code, "state": state})
        return Response("", status=302, headers={"Location": f"{redirect_uri}?{query}"})

    def access_token(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.app_id or args.get("client_secret") != self.app_secret:
            return self._error("Error validating client secret.", 1, subcode=None)
        if args.get("grant_type") == "fb_exchange_token":
            short = self.tokens.get(args.get("fb_exchange_token", ""))
            if short is None or short.kind != "user":
                return self._error("Invalid OAuth access token - Cannot parse access token", 190)
            token = self._issue("user", self.user_id, LONG_LIVED)
            self.tokens[token].scopes = list(self.granted)
            return self._json(
                {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED}
            )
        code = args.get("code", "")
        if self.codes.get(code) != args.get("redirect_uri"):
            return self._error(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                100,
                subcode=36008,
            )
        del self.codes[code]
        token = self._issue("user", self.user_id, SHORT_LIVED)
        self.tokens[token].scopes = list(self.granted)
        return self._json(
            {"access_token": token, "token_type": "bearer", "expires_in": SHORT_LIVED}
        )

    def debug_token(self, request: Request) -> Response:
        # The app's own token, "app_id|app_secret", may inspect any token of the app.
        if request.args.get("access_token") != f"{self.app_id}|{self.app_secret}":
            return self._error("Invalid OAuth access token - Cannot parse access token", 190)
        token = self.tokens.get(request.args.get("input_token", ""))
        if token is None:
            return self._json(
                {
                    "data": {
                        "error": {"code": 190, "message": "Invalid OAuth access token."},
                        "is_valid": False,
                        "scopes": [],
                    }
                }
            )
        data = {
            "app_id": self.app_id,
            "type": token.kind.upper(),
            "application": "Klankbord",
            "data_access_expires_at": int(time.time()) + 90 * 86400,
            "expires_at": token.expires_at,
            "is_valid": not token.broken,
            "scopes": token.scopes,
            "user_id": self.user_id,
        }
        if token.kind == "page":
            data["profile_id"] = token.owner
        return self._json({"data": data})

    def me(self, request: Request) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        if token.kind == "page":
            return self._json(self._page_view(token.owner, request))
        return self._json({"id": self.user_id, "name": "Alice Vandevelde"})

    def accounts(self, request: Request) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        if token.kind != "user":
            return self._error(
                "(#100) Tried accessing nonexisting field (accounts) on node type (Page)", 100
            )
        if "pages_show_list" not in token.scopes:
            return self._error("(#200) Requires pages_show_list permission", 200, status=403)
        pages = list(self.pages.values())
        for page in pages:
            if self.tokens[page["access_token"]].broken:
                # A new login gives the Page a new token.
                page["access_token"] = self._issue("page", page["id"])
        limit = int(request.args.get("limit", 25))
        start = int(request.args.get("after", "0") or 0)
        chunk = pages[start : start + limit]
        fields = self._fields(request, "name,access_token,category,category_list,tasks,id", "Page")
        body: dict[str, Any] = {"data": [{k: p[k] for k in fields if k in p} for p in chunk]}
        if chunk:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(pages):
                query = urlencode({**request.args, "after": str(start + len(chunk))})
                body["paging"]["next"] = f"{self.base_url}{request.path}?{query}"
        return self._json(body)

    # --- Pages and posts --------------------------------------------------------------------

    @staticmethod
    def _fields(request: Request, default: str, node: str = "") -> list[str]:
        """The fields asked for; with `node`, one that node does not have is refused, as
        Graph refuses it."""
        asked = requested_fields(request.args.get("fields") or default)
        if node:
            refuse_unknown(asked, node)
        return list(asked)

    def _page_token(self, request: Request, page_id: str) -> tuple[Token | None, Response | None]:
        token, refused = self._token(request)
        if token is None:
            return None, refused
        if page_id not in self.pages:
            return None, self._error(
                f"Unsupported post request. Object with ID '{page_id}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                100,
                subcode=33,
            )
        if token.kind != "page" or token.owner != page_id:
            return None, self._error(
                "(#200) If posting to a page, requires both pages_read_engagement and "
                "pages_manage_posts as an admin with sufficient administrative permission",
                200,
                status=403,
            )
        return token, None

    def _new_post(
        self, page_id: str, message: str, *, author: dict[str, str] | None = None, **extra: Any
    ) -> dict[str, Any]:
        post_id = f"{page_id}_{next(self.ids)}"
        page_name = str(self.pages.get(page_id, {}).get("name", ""))
        self.posts[post_id] = {
            "id": post_id,
            "page_id": page_id,
            "from": author or {"id": page_id, "name": page_name},
            "tagged": [],
            "message": message,
            "created_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{post_id.split('_')[1]}",
            "attachments": [],
            **extra,
        }
        return self.posts[post_id]

    def create_post(self, request: Request, page_id: str) -> Response:
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        if self.drop_before_accept:
            self.drop_before_accept -= 1
            return self._drop()
        form = request.form
        message, link = form.get("message", ""), form.get("link", "")
        media = self._attached_media(form)
        if media is None:
            return self._error(
                "(#100) param attached_media must be an array of objects with media_fbid", 100
            )
        for media_fbid in media:
            photo = self.photos.get(media_fbid)
            if photo is None or photo["page_id"] != page_id or photo["published"]:
                return self._error(f"(#100) Invalid media_fbid: {media_fbid}", 100)
        if not (message or link or media):
            return self._error("(#100) Missing message or attachment.", 100)
        if link and not re.match(r"https?://", link):
            return self._error("(#100) The parameter link must be a valid URL", 100)
        photos = [self._photo_attachment(m) for m in media]
        # One photo shows as a photo; several as an album with the photos inside.
        attachments = photos if len(photos) < 2 else [self._album(photos)]
        if link:
            attachments.append({"type": "share", "url": link})
        post = self._new_post(page_id, message, attachments=attachments)
        for media_fbid in media:
            self.photos[media_fbid]["post_id"] = post["id"]
        return self._after_accept({"id": post["id"]})

    def _photo_attachment(self, photo_id: str) -> dict[str, Any]:
        # The alt text is not served back in attachments; tests read it from `photos`.
        return {
            "type": "photo",
            "target": {
                "id": photo_id,
                "url": f"https://www.facebook.com/photo.php?fbid={photo_id}",
            },
            "media": {"image": {"src": f"https://scontent.example/{photo_id}.jpg"}},
        }

    @staticmethod
    def _album(photos: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "album", "subattachments": {"data": photos}}

    @staticmethod
    def _attached_media(form: Any) -> list[str] | None:
        """attached_media[0]={"media_fbid":"…"} form fields, or one JSON array."""
        items = [
            form[k]
            for k in sorted(form, key=lambda k: (len(k), k))
            if k.startswith("attached_media[")
        ]
        if "attached_media" in form:
            try:
                items += [json.dumps(i) for i in json.loads(form["attached_media"])]
            except ValueError:
                return None
        found = []
        for item in items:
            try:
                found.append(str(json.loads(item)["media_fbid"]))
            except (ValueError, KeyError, TypeError):
                return None
        return found

    def create_photo(self, request: Request, page_id: str) -> Response:
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        form = request.form
        source = request.files.get("source")
        if source is None and not form.get("url"):
            return self._error("(#324) Requires upload file", 324)
        if source is not None and not source.read():
            return self._error("(#324) Missing or invalid image file", 324)
        published = form.get("published", "true").lower() not in ("false", "0")
        if published and self.drop_before_accept:
            self.drop_before_accept -= 1
            return self._drop()
        photo_id = str(next(self.ids))
        self.photos[photo_id] = {
            "id": photo_id,
            "page_id": page_id,
            "alt_text": form.get("alt_text_custom", ""),
            "published": published,
            "post_id": "",
        }
        if not published:
            return self._json({"id": photo_id})
        caption = form.get("caption") or form.get("message", "")
        attachment = self._photo_attachment(photo_id)
        post = self._new_post(page_id, caption, attachments=[attachment])
        self.photos[photo_id]["post_id"] = post["id"]
        return self._after_accept({"id": photo_id, "post_id": post["id"]})

    def published_posts(self, request: Request, page_id: str) -> Response:
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        since = int(request.args.get("since", "0") or 0)
        posts = [
            p
            for p in reversed(self.posts.values())
            if p["from"]["id"] == page_id and self._unix(p["created_time"]) >= since
        ]
        limit = int(request.args.get("limit", 25))
        start = int(request.args.get("after", "0") or 0)
        chunk = posts[start : start + limit]
        fields = self._fields(request, "id,message,created_time", "PagePost")
        body: dict[str, Any] = {"data": [self._post_view(p, fields) for p in chunk]}
        if chunk:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(posts):
                query = urlencode({**request.args, "after": str(start + len(chunk))})
                body["paging"]["next"] = f"{self.base_url}{request.path}?{query}"
        return self._json(body)

    @staticmethod
    def _unix(created_time: str) -> int:
        return int(datetime.strptime(created_time, "%Y-%m-%dT%H:%M:%S%z").timestamp())

    def _post_view(self, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        served = NODE_FIELDS["PagePost"] - {"attachments"}
        view = {k: post[k] for k in fields if k in post and k in served}
        if post["from"]["id"] not in self.pages:
            # "For user posts, the from field will only be returned if the user making the
            # request is the same user who created the post" (docs/graph-api/reference/page/tagged).
            view.pop("from", None)
        if "message" in view and not view["message"]:
            del view["message"]  # Graph leaves out a field with no value
        if "attachments" in fields and post["attachments"]:
            view["attachments"] = {"data": post["attachments"]}
        return view

    def _page_view(self, page_id: str, request: Request) -> dict[str, Any]:
        page = self.pages[page_id]
        fields = self._fields(request, "name,id", "Page")
        view = {k: page[k] for k in fields if k in page and k != "access_token"}
        if "picture" in fields:
            view["picture"] = {
                "data": {
                    "url": f"https://scontent.example/{page_id}.jpg",
                    "height": 50,
                    "width": 50,
                    "is_silhouette": False,
                }
            }
        return view

    def node(self, request: Request, node_id: str) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        if node_id in self.pages:
            return self._json(self._page_view(node_id, request))
        customer = next((c for c in self.conversations.values() if c["psid"] == node_id), None)
        if customer is not None and token.kind == "page" and token.owner == customer["page_id"]:
            # The User Profile API: a Page may read the name of whoever wrote to it.
            self._fields(request, "id,name", "User")
            return self._json({"id": node_id, "name": customer["name"]})
        comment = self.comments.get(node_id)
        if comment is not None and token.kind == "page" and token.owner in self._pages_of(node_id):
            # docs/graph-api/reference/comment: a comment read on its own.
            fields = self._fields(request, "id,created_time,message,from", "Comment")
            return self._json(self._comment_view(comment, fields))
        post = self.posts.get(node_id)
        if post is None or (token.kind == "page" and token.owner not in self._pages_of(node_id)):
            return self._error(
                f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                100,
                subcode=33,
            )
        view = self._post_view(post, self._fields(request, "id,created_time,message", "PagePost"))
        return self._json({**view, **self._counts(post, request.args.get("fields") or "")})

    def _counts(self, post: dict[str, Any], fields: str) -> dict[str, Any]:
        """shares, and the reactions and comments edges with their summary when asked for one.

        Graph leaves `shares` out while nobody shared the post; `summary(total_count)` (or
        `summary(true)`) adds `{"total_count": N}`; `limit(0)` leaves `data` empty."""
        withheld = post.get("_withheld", set())
        asked = {spec.split(".")[0]: spec for spec in fields.split(",")}
        counts: dict[str, Any] = {}
        if "shares" in asked and post.get("_shares") and "shares" not in withheld:
            counts["shares"] = {"count": post["_shares"]}
        totals = {
            "reactions": post.get("_reactions", 0),
            "comments": sum(
                1 for c in self.comments.values() if c["post_id"] == post["id"] and not c["parent"]
            ),
        }
        for edge, total in totals.items():
            if edge not in asked:
                continue
            counts[edge] = {"data": []}
            if ".summary(" in asked[edge] and edge not in withheld:
                counts[edge]["summary"] = {"total_count": total}
                if edge == "reactions":
                    counts[edge]["summary"]["viewer_reaction"] = "NONE"
                else:
                    counts[edge]["summary"].update(order="ranked", can_comment=True)
        return counts

    def post_insights(self, request: Request, post_id: str) -> Response:
        """docs/graph-api/reference/insights, Page post metrics: one entry per metric asked for,
        (#10) while too few people saw the post, (#100) for a metric Graph does not have."""
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        post = self.posts.get(post_id)
        if post is None or token.kind != "page" or token.owner != post["page_id"]:
            return self._not_found(post_id)
        if "read_insights" not in token.scopes:
            return self._error("(#10) Requires read_insights permission to access insights", 10)
        asked = [name for name in request.args.get("metric", "").split(",") if name]
        if not asked or any(name not in POST_METRICS for name in asked):
            return self._error("(#100) The value must be a valid insights metric", 100)
        views = post.get("_views", 0)
        if views is None:
            return self._error("(#10) Not enough viewers for the media to show insights", 10)
        period = request.args.get("period", "lifetime")
        data = [
            {
                "name": name,
                "period": period,
                "values": [{"value": views}],
                "title": POST_METRICS[name][0],
                "description": POST_METRICS[name][1],
                "id": f"{post_id}/insights/{name}/{period}",
            }
            for name in asked
        ]
        return self._json({"data": data})

    # --- Comments ---------------------------------------------------------------------------

    def _paged(
        self, request: Request, items: list[dict[str, Any]], default: int = 25
    ) -> dict[str, Any]:
        """Cursor paging as Graph does it: opaque `after` cursors and a `next` link."""
        limit = int(request.args.get("limit", default))
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

    def _not_found(self, node_id: str, verb: str = "get") -> Response:
        return self._error(
            f"Unsupported {verb} request. Object with ID '{node_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            100,
            subcode=33,
        )

    def _pages_of(self, node_id: str) -> set[str]:
        """The Pages that see a post or comment: its own, and those its post tags."""
        post_id = self.comments[node_id]["post_id"] if node_id in self.comments else node_id
        tagged = self.posts[post_id]["tagged"] if post_id in self.posts else []
        return {self._page_of(node_id), *tagged} - {""}

    def page_edge(self, request: Request, page_id: str, edge: str) -> Response:
        """A Page's feed (its own posts, visitors' posts, posts tagging it) or its `tagged`
        edge (posts tagging it), newest first, from `since` on."""
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        since = int(request.args.get("since", "0") or 0)
        found = [
            p
            for p in reversed(self.posts.values())
            if self._unix(p["created_time"]) >= since
            and (page_id in p["tagged"] or (edge == "feed" and p["page_id"] == page_id))
        ]
        fields = self._fields(request, "id,message,created_time", "PagePost")
        return self._json(self._paged(request, [self._post_view(p, fields) for p in found]))

    def _page_of(self, node_id: str) -> str:
        """The Page a post or comment belongs to, or "" when there is no such node."""
        if node_id in self.posts:
            return str(self.posts[node_id]["page_id"])
        if node_id in self.comments:
            return self._page_of(self.comments[node_id]["post_id"])
        return ""

    def _comment_view(self, comment: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        served = NODE_FIELDS["Comment"] - {"parent"}
        view = {k: comment[k] for k in fields if k in comment and k in served}
        if "parent" in fields and comment["parent"]:
            parent = self.comments[comment["parent"]]
            view["parent"] = {
                "id": parent["id"],
                "created_time": parent["created_time"],
                "from": parent["from"],
                "message": parent["message"],
            }
        return view

    def list_comments(self, request: Request, node_id: str) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        if token.kind != "page" or token.owner not in self._pages_of(node_id):
            return self._not_found(node_id)
        if node_id in self.posts:
            found = [c for c in self.comments.values() if c["post_id"] == node_id]
            if request.args.get("filter", "toplevel") != "stream":
                found = [c for c in found if not c["parent"]]
        else:
            found = [c for c in self.comments.values() if c["parent"] == node_id]
        # Hidden comments are listed to the Page that hid them, with is_hidden set.
        if request.args.get("order") == "reverse_chronological":
            found.reverse()
        fields = self._fields(request, "id,message,created_time,from", "Comment")
        return self._json(self._paged(request, [self._comment_view(c, fields) for c in found]))

    def create_comment(self, request: Request, node_id: str) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        if token.kind != "page" or token.owner not in self._pages_of(node_id):
            return self._not_found(node_id, "post")
        page_id = token.owner
        message = request.form.get("message", "")
        if not message:
            return self._error("(#100) Missing message or attachment.", 100)
        if self.drop_before_accept:
            self.drop_before_accept -= 1
            return self._drop()
        post_id = node_id if node_id in self.posts else self.comments[node_id]["post_id"]
        parent = "" if node_id in self.posts else node_id
        page = self.pages[page_id]
        comment = self.add_comment(
            post_id, message, name=page["name"], user_id=page_id, parent=parent
        )
        return self._after_accept({"id": comment["id"]})

    def update_comment(self, request: Request, comment_id: str) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        comment = self.comments.get(comment_id)
        if comment is None or token.kind != "page" or token.owner != self._page_of(comment_id):
            return self._not_found(comment_id, "post")
        hidden = request.values.get("is_hidden")
        if hidden not in ("true", "false"):
            return self._error("(#100) The parameter is_hidden must be a boolean", 100)
        if comment["from"]["id"] == token.owner:
            return self._error("(#100) A Page cannot hide its own comment", 100)
        comment["is_hidden"] = hidden == "true"
        return self._json({"success": True})

    # --- Messenger --------------------------------------------------------------------------

    def list_conversations(self, request: Request, page_id: str) -> Response:
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        if request.args.get("platform", "messenger") != "messenger":
            return self._error("(#100) Invalid platform", 100)
        user_id = request.args.get("user_id", "")
        found = sorted(
            (
                c
                for c in self.conversations.values()
                if c["page_id"] == page_id
                and c["messages"]
                and (not user_id or c["psid"] == user_id)
            ),
            key=lambda c: c["messages"][0]["created_time"],
            reverse=True,
        )
        wanted = self._fields(request, "id", "UnifiedThread")
        views = []
        for conversation in found:
            view: dict[str, Any] = {
                "id": conversation["id"],
                "updated_time": conversation["messages"][0]["created_time"],
            }
            if "messages" in wanted:
                # The nested edge answers the newest 25 messages, newest first.
                newest = conversation["messages"][:25]
                view["messages"] = {"data": newest}
                if len(conversation["messages"]) > 25:
                    view["messages"]["paging"] = {"next": f"{self.base_url}/more"}
            views.append(view)
        return self._json(self._paged(request, views))

    def send_message(self, request: Request, page_id: str) -> Response:
        _token, refused = self._page_token(request, page_id)
        if refused is not None:
            return refused
        try:
            recipient = json.loads(request.values.get("recipient", "{}"))
            message = json.loads(request.values.get("message", "{}"))
        except ValueError:
            return self._error("(#100) param recipient must be JSON", 100)
        if recipient.get("comment_id"):
            return self._private_reply(page_id, str(recipient["comment_id"]), message)
        if recipient.get("post_id"):
            return self._private_reply(page_id, str(recipient["post_id"]), message, kind="post")
        messaging_type = request.values.get("messaging_type", "")
        if messaging_type not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return self._error("(#100) Param messaging_type is required", 100)
        conversation = next(
            (
                c
                for c in self.conversations.values()
                if c["page_id"] == page_id and c["psid"] == str(recipient.get("id"))
            ),
            None,
        )
        if conversation is None:
            return self._error("(#100) No matching user found", 100, subcode=2018001)
        if not message.get("text"):
            return self._error("(#100) The parameter message[text] is required", 100)
        theirs = [m for m in conversation["messages"] if m["from"]["id"] == conversation["psid"]]
        last = self._unix(theirs[0]["created_time"]) if theirs else 0
        if messaging_type == "RESPONSE" and time.time() - last > 24 * 3600:
            return self._error(
                "(#10) This message is sent outside of allowed window. Learn more about the new "
                "policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
                10,
                subcode=2018278,
            )
        if self.drop_before_accept:
            self.drop_before_accept -= 1
            return self._drop()
        page = self.pages[page_id]
        sent = self._add_to(
            conversation, {"id": page_id, "name": page["name"]}, message["text"], None
        )
        return self._after_accept({"recipient_id": conversation["psid"], "message_id": sent["id"]})

    def _private_reply(
        self, page_id: str, target_id: str, message: dict[str, Any], kind: str = "comment"
    ) -> Response:
        """Private Replies (docs/messenger-platform/discovery/private-replies): one message to the
        author of a comment, or of a visitor's post on the Page (`post_id`), within 7 days; a
        second gets code 10900 (the code is unverified)."""
        if kind == "post":
            comment = self.posts.get(target_id)
            on_page = comment is not None and comment["page_id"] == page_id
            ours = comment is not None and comment["from"]["id"] == page_id
        else:
            comment = self.comments.get(target_id)
            on_page = comment is not None and comment["post_id"].split("_")[0] == page_id
            ours = False
        if comment is None or not on_page or ours:
            return self._error(f"(#100) Invalid {kind}_id", 100)
        if comment.get("private_reply"):
            return self._error("(#10900) Activity already replied to", 10900)
        if time.time() - self._unix(comment["created_time"]) > 7 * 24 * 3600:
            return self._error("(#10903) This activity can't be replied to", 10903)
        if not message.get("text"):
            return self._error("(#100) The parameter message[text] is required", 100)
        author = comment["from"]
        # The reply opens a Messenger conversation with the commenter.
        name = author.get("name", "")
        conversation = next(
            (
                c
                for c in self.conversations.values()
                if c["name"] == name and c["page_id"] == page_id
            ),
            None,
        ) or self._new_conversation(page_id, name)
        page = self.pages[page_id]
        sent = self._add_to(
            conversation, {"id": page_id, "name": page["name"]}, message["text"], None
        )
        comment["private_reply"] = sent["id"]
        return self._after_accept({"recipient_id": conversation["psid"], "message_id": sent["id"]})

    def conversation_messages(self, request: Request, conversation_id: str) -> Response:
        token, refused = self._token(request)
        if token is None:
            return refused  # type: ignore[return-value]
        conversation = self.conversations.get(conversation_id)
        if conversation is None or token.kind != "page" or token.owner != conversation["page_id"]:
            return self._not_found(conversation_id)
        self._fields(request, "id,message,from,created_time", "Message")
        return self._json(self._paged(request, conversation["messages"]))
