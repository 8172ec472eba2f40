"""A fake Mastodon instance on loopback that behaves like the real API.

Shapes follow https://docs.joinmastodon.org/entities/ (Status, Account, MediaAttachment,
Notification, Instance) and the documented status codes, error bodies, rate-limit headers,
Link pagination, media processing (202/206) and Idempotency-Key behaviour (a key is kept for
an hour, as in Mastodon's PostStatusService). It can also break that promise as servers in the
wild do: ignore the key, or answer a repeated key with HTTP 500 (mastodon/mastodon#40399), and
drop the connection of a create, before or after accepting it, without an answer.

A status's `content` is HTML rendered the way Mastodon's TextFormatter does it: mentions,
hashtags and URLs become links (a mention shows "@name" without its server, a long URL is cut
to 30 characters in view), newlines become <br /> and blank lines paragraphs. The plain `text` a
status was written with is kept for the tests but never served: Mastodon only returns it to
redraft a deleted status.
"""

import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import Chaos, DroppedConnection, chaos_response

# How long Mastodon remembers an Idempotency-Key (redis setex 3_600 in PostStatusService).
IDEMPOTENCY_TTL = timedelta(hours=1)
# What TextFormatter links, in the order it finds them.
_ENTITY = re.compile(
    r"(?P<url>https?://[^\s<>\"]+)"
    r"|(?<![=/\w])@(?P<mention>\w(?:[\w.-]*\w)?(?:@\w(?:[\w.-]*\w)?)?)"
    # A hashtag needs a letter: "#1" stays text.
    r"|(?<![&/\w])#(?P<tag>\w*[^\W\d_]\w*)",
    re.IGNORECASE,
)
_URL_PREFIX = re.compile(r"https?://(?:www\.)?", re.IGNORECASE)
# Punctuation that ends a sentence rather than a URL.
_URL_TRAILING = ".,:;!?'\")]"
# Rails' boolean cast: these (and a missing value) are false, anything else is true.
_FALSE = {"", "0", "f", "false", "off", "F", "FALSE", "OFF", "False"}


# What Rails serves for an unhandled exception (Mastodon's public/500.html, shortened).
SERVER_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong</title></head>"
    "<body><h1>We're sorry, but something went wrong on our end.</h1></body></html>"
)


def escape(text: str) -> str:
    """ERB::Util.html_escape, as Mastodon escapes the text around its links."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def simple_format(html: str) -> str:
    """Rails' simple_format with Mastodon's .delete("\\n"): paragraphs and <br />."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n\n+", html)
    return "".join(f"<p>{part.replace(chr(10), '<br />')}</p>" for part in paragraphs)


@dataclass
class Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""


class FakeMastodon:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.ids = itertools.count(110_000_000_000_000_000)
        self.followers = 12  # what verify_credentials says; tests move it
        self.apps: dict[str, dict[str, str]] = {}
        self.codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.account = {
            "id": "109000000000000001",
            "username": "bakkerij",
            "acct": "bakkerij",
            "display_name": "Bakkerij Vandevelde",
            "avatar": self.url("/avatars/original/missing.png"),
            "url": self.url("/@bakkerij"),
        }
        self.statuses: dict[str, dict[str, Any]] = {}
        # Idempotency-Key → (status id, when it was made); forgotten after IDEMPOTENCY_TTL.
        self.idempotency: dict[str, tuple[str, datetime]] = {}
        # Accounts the fake "resolved" for mentions, by acct.
        self.known_accounts: dict[str, dict[str, str]] = {"bakkerij": self.account}
        self.media: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.chaos: Chaos | None = None
        self.hang_after_accept = 0
        # What a repeated Idempotency-Key gets: "kept" (the first status, as documented),
        # "ignored" (a new status, as on some servers), "error" (HTTP 500, mastodon#40399).
        self.idempotency_mode = "kept"
        # Creates to drop without an answer: the next n, then `drop_rate` of them (seeded).
        self.drop_after_accept = 0
        self.drop_before_accept = 0
        self.drop_rate = 0.0
        self.drops = random.Random(0)
        self.dropped = 0
        self.repeated_keys = 0
        self.remaining = 300
        self.max_characters = 500
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path).rstrip("/") if path == "/" else self.server.url_for(path)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # --- Helpers for tests --------------------------------------------------------------

    def issue_token(self) -> str:
        token = f"token-{next(self.ids)}"
        self.tokens[token] = self.account["id"]
        return token

    def revoke_all_tokens(self) -> None:
        self.tokens.clear()

    def add_mention(
        self,
        text: str,
        *,
        acct: str = "klant@example.social",
        reply_to: str = "",
        visibility: str = "public",
    ) -> dict:
        """A status that mentions us; visibility "direct" makes it a private mention (a DM)."""
        author = {
            "id": "2",
            "username": acct.split("@")[0],
            "acct": acct,
            "display_name": acct.split("@")[0],
            "url": f"https://{acct.split('@')[-1]}/@{acct.split('@')[0]}",
        }
        self.known_accounts.setdefault(acct, author)
        status = self._status(text, account=author, visibility=visibility)
        if reply_to:
            status["in_reply_to_id"] = reply_to
            status["in_reply_to_account_id"] = self.account["id"]
            self.statuses[reply_to]["replies_count"] += 1
        self.statuses[status["id"]] = status
        self.notifications.append(
            {
                "id": str(next(self.ids)),
                "type": "mention",
                "created_at": status["created_at"],
                "account": status["account"],
                "status": status,
            }
        )
        return status

    def delete_status(self, status_id: str) -> None:
        """The author deleted it: the API answers 404 for it from now on."""
        del self.statuses[status_id]

    def published_texts(self) -> list[str]:
        return [
            s["text"] for s in self.statuses.values() if s["account"]["id"] == self.account["id"]
        ]

    def render(self, text: str) -> tuple[str, list[dict], list[dict]]:
        """Mastodon's TextFormatter: (content HTML, mentions, tags) for a status's text."""
        html, mentions, tags, last = "", [], [], 0
        for found in _ENTITY.finditer(text):
            html += escape(text[last : found.start()])
            last = found.end()
            if found["url"]:
                url = found["url"].rstrip(_URL_TRAILING)
                last = found.start() + len(url)
                html += self._link_to_url(url)
            elif found["mention"]:
                account = self._resolve(found["mention"])
                mentions.append({k: account[k] for k in ("id", "username", "url", "acct")})
                html += (
                    f'<span class="h-card" translate="no"><a href="{escape(account["url"])}" '
                    f'class="u-url mention">@<span>{escape(account["username"])}</span></a></span>'
                )
            else:
                tag = found["tag"]
                url = self.url(f"/tags/{tag.lower()}")
                tags.append({"name": tag.lower(), "url": url})
                html += (
                    f'<a href="{escape(url)}" class="mention hashtag" rel="tag">'
                    f"#<span>{escape(tag)}</span></a>"
                )
        html += escape(text[last:])
        return (simple_format(html) if text else ""), mentions, tags

    @staticmethod
    def _link_to_url(url: str) -> str:
        prefix = _URL_PREFIX.match(url)
        start = prefix.end() if prefix else 0
        shown, rest = url[start : start + 30], url[start + 30 :]
        return (
            f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener noreferrer" '
            f'translate="no"><span class="invisible">{escape(url[:start])}</span>'
            f'<span class="{"ellipsis" if rest else ""}">{escape(shown)}</span>'
            f'<span class="invisible">{escape(rest)}</span></a>'
        )

    def _resolve(self, handle: str) -> dict[str, str]:
        """The account a mention names; the fake resolves every one it is asked for."""
        username, _, domain = handle.partition("@")
        if domain.lower() == self.server.host.lower():
            domain = ""
        acct = f"{username}@{domain}" if domain else username
        if acct not in self.known_accounts:
            self.known_accounts[acct] = {
                "id": str(next(self.ids)),
                "username": username,
                "acct": acct,
                "display_name": username,
                "url": f"https://{domain}/@{username}" if domain else self.url(f"/@{username}"),
            }
        return self.known_accounts[acct]

    @staticmethod
    def view(status: dict) -> dict:
        """A status as the API serves it: without the source `text`."""
        return {k: v for k, v in status.items() if k != "text"}

    # --- Request handling -----------------------------------------------------------------

    def set_chaos(self, rate: float, seed: int = 7) -> None:
        """On `rate` of requests answer 429 or 503; on `rate` of creates, accept then hang."""
        self.chaos = Chaos(
            rate,
            seed,
            lambda request: request.method == "POST" and request.path == "/api/v1/statuses",
        )

    def drop_creates(self, rate: float, seed: int = 7) -> None:
        """Accept `rate` of creates (seeded), then drop the connection without an answer."""
        self.drop_rate, self.drops = rate, random.Random(seed)

    def _dropping(self, accepted: bool) -> bool:
        if not accepted and self.drop_before_accept:
            self.drop_before_accept -= 1
            return True
        if accepted and self.drop_after_accept:
            self.drop_after_accept -= 1
            return True
        return accepted and self.drop_rate > 0 and self.drops.random() < self.drop_rate

    def _drop(self) -> Response:
        """Close the connection with nothing sent."""
        self.dropped += 1
        return DroppedConnection()

    def handle(self, request: Request) -> Response:
        injected = chaos_response(self.chaos, request, self._json)
        if injected is not None:
            return injected
        if self.chaos is not None and self.chaos.hang_after_accept(request):
            self.hang_after_accept += 1
        for fault in list(self.faults):
            if not fault.path or fault.path == request.path:
                self.faults.remove(fault)
                return self._json(fault.body, fault.status, fault.headers)
        routes = [
            ("POST", r"/api/v1/apps", self.create_app),
            ("GET", r"/oauth/authorize", self.authorize),
            ("POST", r"/oauth/token", self.token),
            ("GET", r"/api/v2/instance", self.instance),
            ("GET", r"/api/v1/accounts/verify_credentials", self.verify_credentials),
            ("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses", self.account_statuses),
            ("POST", r"/api/v2/media", self.upload_media),
            ("GET", r"/api/v1/media/(?P<id>\d+)", self.get_media),
            ("POST", r"/api/v1/statuses", self.create_status),
            ("GET", r"/api/v1/statuses/(?P<id>\d+)/context", self.context),
            ("GET", r"/api/v1/statuses/(?P<id>\d+)", self.get_status),
            ("GET", r"/api/v1/notifications", self.list_notifications),
            ("GET", r"/api/v1/timelines/tag/(?P<tag>[^/]+)", self.tag_timeline),
            ("GET", r"/api/v2/search", self.search),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, request.path)
            if match and request.method == method:
                return handler(request, **match.groupdict())
        return self._json({"error": "Record not found"}, 404)

    def _json(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        reset = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        all_headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": reset,
            **(headers or {}),
        }
        return Response(
            json.dumps(body), status=status, headers=all_headers, content_type="application/json"
        )

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.tokens

    def _unauthorised(self) -> Response:
        return self._json({"error": "The access token is invalid"}, 401)

    def create_app(self, request: Request) -> Response:
        if not request.form.get("client_name") or not request.form.get("redirect_uris"):
            return self._json({"error": "Validation failed: Application name can't be blank"}, 422)
        client_id = f"client-{next(self.ids)}"
        self.apps[client_id] = {
            "secret": f"secret-{next(self.ids)}",
            "redirect_uri": request.form["redirect_uris"],
        }
        return self._json(
            {
                "id": str(next(self.ids)),
                "name": request.form["client_name"],
                "website": request.form.get("website"),
                "redirect_uri": request.form["redirect_uris"],
                "client_id": client_id,
                "client_secret": self.apps[client_id]["secret"],
                "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
            }
        )

    def authorize(self, request: Request) -> Response:
        # The user says yes at once: redirect back with a code, as the real flow ends.
        app = self.apps.get(request.args.get("client_id", ""))
        if app is None or app["redirect_uri"] != request.args.get("redirect_uri"):
            return Response("invalid client", status=400)
        code = f"code-{next(self.ids)}"
        self.codes[code] = request.args["client_id"]
        query = urlencode({"code": code, "state": request.args.get("state", "")})
        return Response("", status=302, headers={"Location": f"{app['redirect_uri']}?{query}"})

    def token(self, request: Request) -> Response:
        code, client_id = request.form.get("code", ""), request.form.get("client_id", "")
        app = self.apps.get(client_id)
        if (
            app is None
            or request.form.get("client_secret") != app["secret"]
            or self.codes.pop(code, None) != client_id
        ):
            return self._json(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
                },
                400,
            )
        return self._json(
            {
                "access_token": self.issue_token(),
                "token_type": "Bearer",
                "scope": "read write",
                "created_at": int(time.time()),
            }
        )

    def instance(self, request: Request) -> Response:
        return self._json(
            {
                "domain": self.server.host,
                "title": "Fake Mastodon",
                "version": "4.3.0",
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": 4,
                        "characters_reserved_per_url": 23,
                    },
                    "media_attachments": {
                        "image_size_limit": 16777216,
                        "supported_mime_types": ["image/jpeg", "image/png"],
                    },
                },
            }
        )

    def verify_credentials(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        return self._json(
            {
                **self.account,
                "followers_count": self.followers,
                "statuses_count": len(self.statuses),
            }
        )

    def upload_media(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        if "file" not in request.files:
            return self._json({"error": "Validation failed: File can't be blank"}, 422)
        media_id = str(next(self.ids))
        self.media[media_id] = {
            "id": media_id,
            "type": "image",
            "url": None,
            "preview_url": None,
            "description": request.form.get("description"),
            "polls": 0,
        }
        return self._json(self._media_view(media_id), 202)

    def _media_view(self, media_id: str) -> dict:
        return {k: v for k, v in self.media[media_id].items() if k != "polls"}

    def get_media(self, request: Request, id: str) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        media = self.media.get(id)
        if media is None:
            return self._json({"error": "Record not found"}, 404)
        media["polls"] += 1
        if media["polls"] < 2:
            return self._json(self._media_view(id), 206)
        media["url"] = self.url(f"/system/media/{id}.png")
        return self._json(self._media_view(id), 200)

    def _status(self, text: str, *, account: dict | None = None, **extra: Any) -> dict:
        status_id = str(next(self.ids))
        who = account or self.account
        # Mastodon strips the text before it stores it (Status#prepare_contents).
        text = text.strip()
        content, mentions, tags = self.render(text)
        return {
            "id": status_id,
            "uri": self.url(f"/users/{who['username']}/statuses/{status_id}"),
            "url": self.url(f"/@{who['username']}/{status_id}"),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "edited_at": None,
            "account": who,
            "content": content,
            "text": text,
            "visibility": "public",
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [],
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "language": "nl",
            "mentions": mentions,
            "tags": tags,
            "emojis": [],
            "reblog": None,
            "poll": None,
            "card": None,
            **extra,
        }

    def create_status(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        # Checked before the Idempotency-Key, as Mastodon's set_thread runs first.
        in_reply_to = request.form.get("in_reply_to_id")
        if in_reply_to and in_reply_to not in self.statuses:
            return self._json(
                {"error": "The post you are trying to reply to does not appear to exist."}, 404
            )
        key = request.headers.get("Idempotency-Key")
        if key:
            key = f"{self.tokens[request.headers['Authorization'][7:]]}:{key}"
            remembered = self.idempotency.get(key)
            if remembered and datetime.now(UTC) - remembered[1] < IDEMPOTENCY_TTL:
                self.repeated_keys += 1
                if self.idempotency_mode == "error":
                    # The duplicate is recognised, then postprocessing fails on it (#40399).
                    return Response(SERVER_ERROR_PAGE, status=500, content_type="text/html")
                if self.idempotency_mode == "kept":
                    return self._json(self.view(self.statuses[remembered[0]]))
        if self._dropping(accepted=False):
            return self._drop()
        text = request.form.get("status", "")
        media_ids = request.form.getlist("media_ids[]")
        if not text and not media_ids:
            return self._json({"error": "Validation failed: Text can't be blank"}, 422)
        if len(text) > self.max_characters:
            return self._json(
                {
                    "error": f"Validation failed: Text character limit of {self.max_characters} exceeded"
                },
                422,
            )
        if any(self.media.get(m, {}).get("url") is None for m in media_ids):
            return self._json(
                {
                    "error": "Cannot attach files that have not finished processing. Try again in a moment!"
                },
                422,
            )
        status = self._status(
            text,
            visibility=request.form.get("visibility", "public"),
            spoiler_text=request.form.get("spoiler_text", "").strip(),
            in_reply_to_id=in_reply_to,
            in_reply_to_account_id=(
                self.statuses[in_reply_to]["account"]["id"] if in_reply_to else None
            ),
            media_attachments=[self._media_view(m) for m in media_ids],
        )
        self.statuses[status["id"]] = status
        if key:
            self.idempotency[key] = (status["id"], datetime.now(UTC))
        if self._dropping(accepted=True):
            return self._drop()
        if self.hang_after_accept:
            # The post is stored, but the answer never arrives in time.
            self.hang_after_accept -= 1
            time.sleep(1.5)
        return self._json(self.view(status))

    def get_status(self, request: Request, id: str) -> Response:
        status = self.statuses.get(id)
        if status is None:
            return self._json({"error": "Record not found"}, 404)
        return self._json(self.view(status))

    def context(self, request: Request, id: str) -> Response:
        if id not in self.statuses:
            return self._json({"error": "Record not found"}, 404)
        replies = [self.view(s) for s in self.statuses.values() if s.get("in_reply_to_id") == id]
        return self._json({"ancestors": [], "descendants": replies})

    def list_notifications(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        types = request.args.getlist("types[]")
        items = [n for n in self.notifications if not types or n["type"] in types]
        limit = min(int(request.args.get("limit", 40)), 80)
        max_id, since_id, min_id = (request.args.get(k) for k in ("max_id", "since_id", "min_id"))
        newest_first = sorted(items, key=lambda n: int(n["id"]), reverse=True)
        if max_id:
            newest_first = [n for n in newest_first if int(n["id"]) < int(max_id)]
        if since_id:
            newest_first = [n for n in newest_first if int(n["id"]) > int(since_id)]
        if min_id:
            # min_id: the page right after min_id (oldest first), returned newest first.
            after = sorted(
                (n for n in newest_first if int(n["id"]) > int(min_id)), key=lambda n: int(n["id"])
            )
            page = list(reversed(after[:limit]))
        else:
            page = newest_first[:limit]
        headers = {}
        if page:
            base = self.url("/api/v1/notifications")
            headers["Link"] = (
                f'<{base}?max_id={page[-1]["id"]}>; rel="next", <{base}?min_id={page[0]["id"]}>; rel="prev"'
            )
        page = [{**n, "status": self.view(n["status"])} if n.get("status") else n for n in page]
        return self._json(page, 200, headers)

    def account_statuses(self, request: Request, id: str) -> Response:
        """GET /api/v1/accounts/:id/statuses: newest first; its author sees them all."""
        viewer = None
        if request.headers.get("Authorization"):
            if not self._authorised(request):
                return self._unauthorised()
            viewer = self.tokens[request.headers["Authorization"][7:]]
        known = {self.account["id"]} | {s["account"]["id"] for s in self.statuses.values()}
        if id not in known:
            return self._json({"error": "Record not found"}, 404)
        statuses = [s for s in self.statuses.values() if s["account"]["id"] == id]
        if viewer != id:
            # Others see what is public (the fake has no followers or mentioned viewers).
            statuses = [s for s in statuses if s["visibility"] in ("public", "unlisted")]
        args = request.args
        if args.get("pinned", "") not in _FALSE:
            statuses = []  # nothing is pinned on the fake
        if args.get("exclude_replies", "") not in _FALSE:
            statuses = [s for s in statuses if not s.get("in_reply_to_id")]
        if args.get("only_media", "") not in _FALSE:
            statuses = [s for s in statuses if s["media_attachments"]]
        if args.get("tagged"):
            wanted = args["tagged"].lower()
            statuses = [s for s in statuses if any(t["name"] == wanted for t in s["tags"])]
        limit = min(int(args.get("limit", 20)), 40)
        newest_first = sorted(statuses, key=lambda s: int(s["id"]), reverse=True)
        max_id, since_id, min_id = (args.get(k) for k in ("max_id", "since_id", "min_id"))
        if max_id:
            newest_first = [s for s in newest_first if int(s["id"]) < int(max_id)]
        if since_id:
            newest_first = [s for s in newest_first if int(s["id"]) > int(since_id)]
        if min_id:
            after = sorted(
                (s for s in newest_first if int(s["id"]) > int(min_id)), key=lambda s: int(s["id"])
            )
            page = list(reversed(after[:limit]))
        else:
            page = newest_first[:limit]
        headers = {}
        if page:
            base = self.url(f"/api/v1/accounts/{id}/statuses")
            headers["Link"] = (
                f'<{base}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                f'<{base}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"'
            )
        return self._json([self.view(s) for s in page], 200, headers)

    def _with_tag(self, tag: str) -> list[dict]:
        wanted = f"#{tag}".lower()
        return [s for s in self.statuses.values() if wanted in s["text"].lower()]

    def tag_timeline(self, request: Request, tag: str) -> Response:
        statuses = sorted(self._with_tag(tag), key=lambda s: int(s["id"]))
        limit = min(int(request.args.get("limit", 20)), 40)
        min_id = request.args.get("min_id")
        if min_id:
            statuses = [s for s in statuses if int(s["id"]) > int(min_id)][:limit]
        else:
            statuses = statuses[-limit:]
        return self._json([self.view(s) for s in reversed(statuses)])

    def search(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        words = request.args.get("q", "").lower().split()
        hits = [s for s in self.statuses.values() if all(w in s["text"].lower() for w in words)]
        offset = int(request.args.get("offset", 0))
        limit = min(int(request.args.get("limit", 20)), 40)
        return self._json(
            {
                "accounts": [],
                "hashtags": [],
                "statuses": [self.view(s) for s in hits[offset : offset + limit]],
            }
        )
