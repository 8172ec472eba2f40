"""A fake LinkedIn (REST API and OAuth 2.0 endpoints) on loopback.

Shapes follow learn.microsoft.com/linkedin: shared/authentication/authorization-code-flow
(`/oauth/v2/authorization` redirects with `code` and `state`, or `error=user_cancelled_authorize`;
`POST /oauth/v2/accessToken` → `{"access_token", "expires_in": 5184000, "scope"}`, with
`refresh_token` and `refresh_token_expires_in` for apps LinkedIn allows to refresh),
shared/api-guide/concepts/error-handling (`{"status", "serviceErrorCode", "code", "message"}`),
rate-limits (429 with that body and no headers), protocol versions (`LinkedIn-Version` and
`X-Restli-Protocol-Version: 2.0.0` required: 400 without), community-management posts-api
(201, no body, the URN in `x-restli-id`; find by author with `elements` and `paging`),
little-text-format (an unescaped reserved character ends the text), images-api
(`initializeUpload`, then PUT to the upload address), comments-api, share-statistics,
organization-access-control-by-role, organization-lookup-api (networkSizes).

Not in the docs, and so chosen here: the serviceErrorCode numbers, the exact truncation (at the
first unescaped reserved character that does not start a mention or a hashtag), and the upload
address (on this server).
"""

import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import DroppedConnection

CLIENT_ID = "78fakelinkedin01"
CLIENT_SECRET = "fake-linkedin-secret-0123456789"
LIFETIME = 5_184_000  # 60 days
REFRESH_LIFETIME = 31_536_000  # 365 days
PAGE_SCOPES = ["r_organization_social", "w_organization_social", "rw_organization_admin"]
PROFILE_SCOPES = ["openid", "profile", "w_member_social"]
RESERVED = set("\\|{}@[]()<>#*_~")
MENTION = re.compile(r"@\[[^\]\\]*\]\(urn:li:(?:person|organization):[\w-]+\)")
HASHTAG = re.compile(r"#[^\W_]+")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
THROTTLED = "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."


def little_text(commentary: str) -> str:
    """What LinkedIn keeps of a commentary: up to the first unescaped reserved character."""
    kept, index = [], 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary):
            kept.append(commentary[index : index + 2])
            index += 2
            continue
        if char in RESERVED:
            element = MENTION.match(commentary, index) or HASHTAG.match(commentary, index)
            if element is None:
                break  # the silent truncation: 201, and the rest of the text gone
            kept.append(element.group(0))
            index = element.end()
            continue
        kept.append(char)
        index += 1
    return "".join(kept)


def shown(commentary: str) -> str:
    """The text a reader sees: escapes removed."""
    return re.sub(r"\\(.)", r"\1", commentary)


@dataclass
class Token:
    member: str
    scopes: list[str]
    expires_at: float
    revoked: bool = False


@dataclass
class Fault:
    status: int
    path: str
    body: dict[str, Any] = field(default_factory=dict)
    method: str = ""


class FakeLinkedIn:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.ids = itertools.count(7_140_000_000_000_000_001)
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.member = {
            "sub": "dXJuOmxpOnBlcnNvbjpFbHM",
            "name": "Els Peeters",
            "given_name": "Els",
            "family_name": "Peeters",
            "picture": "https://media.licdn.example/els.jpg",
            "locale": {"country": "BE", "language": "nl"},
        }
        self.organizations: dict[str, dict[str, Any]] = {
            "urn:li:organization:2414183": {
                "id": 2414183,
                "localizedName": "Bakkerij Vandevelde",
                "vanityName": "bakkerij-vandevelde",
            },
            "urn:li:organization:5550001": {
                "id": 5550001,
                "localizedName": "Vandevelde Catering",
                "vanityName": "vandevelde-catering",
            },
        }
        # (member, organization, role, state)
        self.acls: list[tuple[str, str, str, str]] = [
            (self.person, "urn:li:organization:2414183", "ADMINISTRATOR", "APPROVED"),
            (self.person, "urn:li:organization:5550001", "ADMINISTRATOR", "APPROVED"),
        ]
        self.followers: dict[str, int] = {"urn:li:organization:2414183": 1312}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, tuple[str, list[str], float]] = {}
        self.codes: dict[str, tuple[str, list[str]]] = {}
        self.user_approves = True
        # Scopes a member grants, whatever is asked for (None: what was asked for).
        self.granted: list[str] | None = None
        # Whether the app may refresh tokens (LinkedIn allows it for approved partners only).
        self.gives_refresh_tokens = False
        self.posts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, str] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.statistics: dict[str, dict[str, int]] = {}
        self.faults: list[Fault] = []
        self.drop_after_accept = 0
        self.fail_after_accept = 0
        # Status reads an uploaded image stays PROCESSING before it is AVAILABLE.
        self.processing_reads = 0
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def person(self) -> str:
        return f"urn:li:person:{self.member['sub']}"

    @property
    def page(self) -> str:
        return "urn:li:organization:2414183"

    # --- Helpers for tests --------------------------------------------------------------

    def issue(self, scopes: list[str] | None = None, *, lifetime: float = LIFETIME) -> str:
        token = "AQV" + secrets.token_urlsafe(32)
        self.tokens[token] = Token(self.person, list(scopes or PAGE_SCOPES), time.time() + lifetime)
        return token

    def issue_refresh(self, scopes: list[str] | None = None) -> str:
        token = "AQW" + secrets.token_urlsafe(32)
        expires = time.time() + REFRESH_LIFETIME
        self.refresh_tokens[token] = (self.person, list(scopes or PAGE_SCOPES), expires)
        return token

    def revoke(self, token: str) -> None:
        self.tokens[token].revoked = True

    def throttle(self, path: str = "", method: str = "") -> None:
        body = {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS"}
        self.faults.append(Fault(429, path, {**body, "message": THROTTLED}, method))

    def texts(self, author: str = "") -> list[str]:
        """What readers see of each post of `author` (all when empty), oldest first."""
        return [
            shown(p["commentary"])
            for p in self.posts.values()
            if not author or p["author"] == author
        ]

    def add_comment(
        self, target: str, text: str, *, actor: str = "urn:li:person:jan", at_ms: int = 0
    ) -> dict[str, Any]:
        """Someone comments on a post, or answers a comment (`target` a comment URN)."""
        return self._comment(target, {"actor": actor, "message": {"text": text}}, at_ms)

    def set_statistics(self, urn: str, **counts: int | None) -> None:
        """Share statistics of a post; a count set to None is left out of the answer."""
        stats = self.statistics.setdefault(urn, {})
        for name, value in counts.items():
            if value is None:
                stats.pop(name, None)
            else:
                stats[name] = value

    def requests_to(self, method: str, pattern: str) -> int:
        return sum(
            1
            for request, _response in self.server.log
            if request.method == method and re.fullmatch(pattern, request.path)
        )

    # --- Plumbing -------------------------------------------------------------------------

    def _json(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
        )

    def _error(self, status: int, code: str, message: str, service: int = 0) -> Response:
        body = {"status": status, "serviceErrorCode": service or status, "code": code}
        return self._json({**body, "message": message}, status)

    def _oauth_error(self, error: str, description: str) -> Response:
        return self._json({"error": error, "error_description": description}, 400)

    def _token(self, request: Request, *scopes: str) -> Token | Response:
        header = request.headers.get("Authorization", "")
        token = self.tokens.get(header.removeprefix("Bearer "))
        if token is None:
            return self._error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        if token.revoked:
            message = "The token used in the request has been revoked by the user"
            return self._error(401, "REVOKED_ACCESS_TOKEN", message, 65602)
        if token.expires_at < time.time():
            return self._error(
                401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601
            )
        if scopes and not set(scopes) & set(token.scopes):
            message = f"Not enough permissions to access: {request.method} {request.path}"
            return self._error(403, "ACCESS_DENIED", message, 100)
        return token

    def _may_act_as(self, token: Token, author: str, *scopes: str) -> bool:
        """A member acts as themselves, or as a page they administer, with the scope."""
        if not set(scopes) & set(token.scopes):
            return False
        if author == token.member:
            return True
        return (token.member, author, "ADMINISTRATOR", "APPROVED") in self.acls

    def _denied(self, request: Request) -> Response:
        message = f"Not enough permissions to access: {request.method} {request.path}"
        return self._error(403, "ACCESS_DENIED", message, 100)

    def handle(self, request: Request) -> Response:
        for fault in list(self.faults):
            method_ok = not fault.method or fault.method == request.method
            if method_ok and (not fault.path or re.fullmatch(fault.path, request.path)):
                self.faults.remove(fault)
                return self._json(fault.body, fault.status)  # LinkedIn sends no rate headers
        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/oauth/v2/authorization", self.authorize),
            ("POST", r"/oauth/v2/accessToken", self.access_token),
            ("PUT", r"/upload/(?P<key>[\w-]+)", self.upload),
            ("GET", r"/v2/userinfo", self.userinfo),
        ]
        rest: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/rest/organizationAcls", self.organization_acls),
            ("GET", r"/rest/organizations/(?P<org_id>\d+)", self.organization),
            ("GET", r"/rest/networkSizes/(?P<urn>[^/]+)", self.network_size),
            ("POST", r"/rest/images", self.initialize_upload),
            ("GET", r"/rest/images/(?P<urn>[^/]+)", self.image),
            ("POST", r"/rest/posts", self.create_post),
            ("GET", r"/rest/posts", self.find_posts),
            ("GET", r"/rest/socialActions/(?P<urn>[^/]+)/comments", self.list_comments),
            ("POST", r"/rest/socialActions/(?P<urn>[^/]+)/comments", self.create_comment),
            (
                "GET",
                r"/rest/socialActions/(?P<urn>[^/]+)/comments/(?P<comment_id>\d+)",
                self.comment,
            ),
            ("GET", r"/rest/socialMetadata/(?P<urn>[^/]+)", self.social_metadata),
            ("GET", r"/rest/organizationalEntityShareStatistics", self.share_statistics),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, request.path)
            if match and request.method == method:
                return handler(request, **match.groupdict())
        for method, pattern, handler in rest:
            match = re.fullmatch(pattern, request.path)
            if match and request.method == method:
                refused = self._versioned(request)
                return refused or handler(request, **match.groupdict())
        return self._error(404, "NOT_FOUND", f"No resource found for {request.path}")

    def _versioned(self, request: Request) -> Response | None:
        if not re.fullmatch(r"\d{6}", request.headers.get("LinkedIn-Version", "")):
            return self._error(400, "VERSION_MISSING", "A version must be present.", 1000)
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return self._error(
                400, "PROTOCOL_VERSION", "X-Restli-Protocol-Version 2.0.0 is required.", 1001
            )
        return None

    # --- OAuth --------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") != self.client_id or not redirect_uri:
            return Response("The client_id is not valid.", status=400)
        state = args.get("state", "")
        if not self.user_approves:
            query = urlencode(
                {
                    "error": "user_cancelled_authorize",
                    "error_description": "The user cancelled the authorization",
                    "state": state,
                }
            )
        else:
            code = "AQT" + secrets.token_urlsafe(32)
            asked = args.get("scope", "").split()
            granted = asked if self.granted is None else [s for s in asked if s in self.granted]
            self.codes[code] = (redirect_uri, granted)
            query = urlencode({"code": code, "state": state})
        return Response("", status=302, headers={"Location": f"{redirect_uri}?{query}"})

    def access_token(self, request: Request) -> Response:
        form = request.form
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return self._json(
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                401,
            )
        if form.get("grant_type") == "refresh_token":
            return self._refresh(form.get("refresh_token", ""))
        if form.get("grant_type") != "authorization_code":
            return self._oauth_error("unsupported_grant_type", "Unsupported grant_type")
        found = self.codes.pop(form.get("code", ""), None)
        if found is None or found[0] != form.get("redirect_uri"):
            return self._oauth_error(
                "invalid_request",
                "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                "match authorization code. Or authorization code expired.",
            )
        return self._json(self._grant(found[1]))

    def _grant(self, scopes: list[str]) -> dict[str, Any]:
        token = self.issue(scopes)
        body: dict[str, Any] = {
            "access_token": token,
            "expires_in": LIFETIME,
            "scope": ",".join(scopes),
        }
        if self.gives_refresh_tokens:
            body["refresh_token"] = self.issue_refresh(scopes)
            body["refresh_token_expires_in"] = REFRESH_LIFETIME
        return body

    def _refresh(self, refresh_token: str) -> Response:
        found = self.refresh_tokens.get(refresh_token)
        if found is None or found[2] < time.time():
            return self._oauth_error("invalid_grant", "The provided authorization grant is invalid")
        _member, scopes, expires = found
        token = self.issue(scopes)
        # The refresh token keeps its own fixed lifetime: LinkedIn sends it back with what is left.
        return self._json(
            {
                "access_token": token,
                "expires_in": LIFETIME,
                "refresh_token": refresh_token,
                "refresh_token_expires_in": int(expires - time.time()),
                "scope": ",".join(scopes),
            }
        )

    def userinfo(self, request: Request) -> Response:
        token = self._token(request, "openid")
        if isinstance(token, Response):
            return token
        return self._json(self.member)

    # --- Organisations ------------------------------------------------------------------

    def organization_acls(self, request: Request) -> Response:
        token = self._token(request, "rw_organization_admin")
        if isinstance(token, Response):
            return token
        args = request.args
        if args.get("q") != "roleAssignee":
            return self._error(400, "ILLEGAL_ARGUMENT", "Unsupported finder")
        elements = [
            {"roleAssignee": member, "state": state, "role": role, "organization": org}
            for member, org, role, state in self.acls
            if member == token.member
            and role == args.get("role", role)
            and state == args.get("state", state)
        ]
        return self._json(self._paged(request, elements))

    def organization(self, request: Request, org_id: str) -> Response:
        token = self._token(request, "rw_organization_admin", "r_organization_social")
        if isinstance(token, Response):
            return token
        org = self.organizations.get(f"urn:li:organization:{org_id}")
        if org is None:
            return self._error(404, "NOT_FOUND", f"Organization {org_id} not found")
        return self._json(org)

    def network_size(self, request: Request, urn: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        if request.args.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            return self._error(400, "ILLEGAL_ARGUMENT", "edgeType is required")
        if urn not in self.followers:
            return self._error(404, "NOT_FOUND", f"No network size for {urn}")
        return self._json({"firstDegreeSize": self.followers[urn]})

    def _paged(self, request: Request, elements: list[dict[str, Any]]) -> dict[str, Any]:
        start, count = int(request.args.get("start", 0)), int(request.args.get("count", 10))
        return {
            "elements": elements[start : start + count],
            "paging": {"start": start, "count": count, "total": len(elements), "links": []},
        }

    # --- Images ---------------------------------------------------------------------------

    def initialize_upload(self, request: Request) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        if request.args.get("action") != "initializeUpload":
            return self._error(400, "ILLEGAL_ARGUMENT", "Unsupported action")
        owner = ((request.get_json(silent=True) or {}).get("initializeUploadRequest") or {}).get(
            "owner", ""
        )
        if not self._may_act_as(token, owner, "w_organization_social", "w_member_social"):
            return self._denied(request)
        urn = "urn:li:image:D" + secrets.token_hex(8).upper()
        key = secrets.token_urlsafe(12)
        self.images[urn] = {
            "owner": owner,
            "status": "WAITING_UPLOAD",
            "content": b"",
            "reads_left": 0,
        }
        self.uploads[key] = urn
        value = {
            "uploadUrlExpiresAt": int((time.time() + 86400) * 1000),
            "uploadUrl": f"{self.base_url}/upload/{key}",
            "image": urn,
        }
        return self._json({"value": value})

    def image(self, request: Request, urn: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        image = self.images.get(urn)
        if image is None:
            return self._error(404, "NOT_FOUND", f"{urn} not found")
        if image["status"] == "PROCESSING" and image["reads_left"] <= 0:
            image["status"] = "AVAILABLE"
        image["reads_left"] -= 1
        view = {"id": urn, "owner": image["owner"], "status": image["status"]}
        if image["status"] == "AVAILABLE":
            view["downloadUrl"] = f"https://media.licdn.example/{urn.rsplit(':', 1)[1]}"
        return self._json(view)

    def upload(self, request: Request, key: str) -> Response:
        urn = self.uploads.get(key)
        token = self.tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if urn is None or token is None:
            return Response("", status=401 if urn else 404)
        content = request.get_data()
        image = self.images[urn]
        image["content"] = content
        if not content.startswith(IMAGE_MAGIC):
            image["status"] = "PROCESSING_FAILED"
        else:
            image["status"] = "PROCESSING" if self.processing_reads else "AVAILABLE"
            image["reads_left"] = self.processing_reads
        return Response("", status=201)

    # --- Posts ----------------------------------------------------------------------------

    def create_post(self, request: Request) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        body = request.get_json(silent=True) or {}
        author = str(body.get("author") or "")
        scope = "w_organization_social" if "organization" in author else "w_member_social"
        if not self._may_act_as(token, author, scope):
            return self._denied(request)
        for required in ("visibility", "distribution", "lifecycleState"):
            if required not in body:
                return self._error(422, "UNPROCESSABLE_ENTITY", f"/{required} is required", 422)
        refused = self._content_refused(body.get("content"), author)
        if refused:
            return self._error(422, "UNPROCESSABLE_ENTITY", refused, 422)
        now_ms = int(time.time() * 1000)
        urn = f"urn:li:share:{next(self.ids)}"
        self.posts[urn] = {
            "id": urn,
            "author": author,
            "commentary": little_text(str(body.get("commentary") or "")),
            "visibility": body["visibility"],
            "lifecycleState": body["lifecycleState"],
            "content": body.get("content"),
            "createdAt": now_ms,
            "publishedAt": now_ms,
            "lastModifiedAt": now_ms,
        }
        self.statistics[urn] = {
            "impressionCount": 0,
            "clickCount": 0,
            "likeCount": 0,
            "commentCount": 0,
            "shareCount": 0,
        }
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        if self.fail_after_accept:
            self.fail_after_accept -= 1
            return self._error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
        return Response("", status=201, headers={"x-restli-id": urn})

    def _content_refused(self, content: Any, author: str) -> str:
        if not content:
            return ""
        if "article" in content:
            article = content["article"]
            return "" if article.get("source") and article.get("title") else "/content/article"
        images = (
            [content["media"]]
            if "media" in content
            else content.get("multiImage", {}).get("images")
        )
        if not images:
            return "/content is not a supported type"
        if "multiImage" in content and not 2 <= len(images) <= 20:
            return "/content/multiImage/images must have 2 to 20 images"
        for image in images:
            found = self.images.get(str(image.get("id")))
            if found is None or found["owner"] != author:
                return f"Image {image.get('id')} does not exist or belongs to someone else"
            if found["status"] != "AVAILABLE":
                return f"Image {image.get('id')} is not AVAILABLE but {found['status']}"
        return ""

    def find_posts(self, request: Request) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        if request.args.get("q") != "author":
            return self._error(400, "ILLEGAL_ARGUMENT", "Unsupported finder")
        author = request.args.get("author", "")
        scope = "r_organization_social" if "organization" in author else "r_member_social"
        if not self._may_act_as(token, author, scope):
            return self._denied(request)
        found = sorted(
            (p for p in self.posts.values() if p["author"] == author),
            key=lambda p: p["lastModifiedAt"],
            reverse=True,
        )
        return self._json(self._paged(request, found))

    # --- Comments -----------------------------------------------------------------------

    def _comment(self, target: str, body: dict[str, Any], at_ms: int = 0) -> dict[str, Any]:
        parent = self.comments.get(target)
        post_urn = parent["object"] if parent else target
        comment_id = str(next(self.ids))
        urn = f"urn:li:comment:({post_urn},{comment_id})"
        created = at_ms or int(time.time() * 1000)
        comment: dict[str, Any] = {
            "id": comment_id,
            "commentUrn": urn,
            "$URN": urn,
            "actor": body["actor"],
            "object": post_urn,
            "message": {"text": str((body.get("message") or {}).get("text") or "")},
            "created": {"actor": body["actor"], "time": created},
            "lastModified": {"actor": body["actor"], "time": created},
            "commentsSummary": {"aggregatedTotalComments": 0, "totalFirstLevelComments": 0},
        }
        if parent:
            comment["parentComment"] = target
            parent["commentsSummary"]["aggregatedTotalComments"] += 1
        self.comments[urn] = comment
        return comment

    def _under(self, target: str) -> list[dict[str, Any]]:
        if target in self.comments:
            return [c for c in self.comments.values() if c.get("parentComment") == target]
        return [
            c for c in self.comments.values() if c["object"] == target and "parentComment" not in c
        ]

    def list_comments(self, request: Request, urn: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        post = self.posts.get(self.comments[urn]["object"] if urn in self.comments else urn)
        if post is None:
            return self._error(404, "NOT_FOUND", f"{urn} not found")
        scope = "r_organization_social" if "organization" in post["author"] else "r_member_social"
        if not self._may_act_as(token, post["author"], scope):
            return self._denied(request)
        found = sorted(self._under(urn), key=lambda c: c["created"]["time"], reverse=True)
        return self._json(self._paged(request, found))

    def comment(self, request: Request, urn: str, comment_id: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        found = self.comments.get(f"urn:li:comment:({urn},{comment_id})")
        if found is None:
            return self._error(404, "NOT_FOUND", f"Comment {comment_id} not found")
        return self._json(found)

    def create_comment(self, request: Request, urn: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        body = request.get_json(silent=True) or {}
        actor = str(body.get("actor") or "")
        scope = "w_organization_social" if "organization" in actor else "w_member_social"
        if not self._may_act_as(token, actor, scope):
            return self._denied(request)
        parent = body.get("parentComment")
        if parent and parent != urn:
            return self._error(400, "ILLEGAL_ARGUMENT", "parentComment must be the path's comment")
        if "parentComment" in self.comments.get(urn, {}):
            return self._error(400, "ILLEGAL_ARGUMENT", "Nested comments are one level deep only")
        if urn not in self.comments and urn not in self.posts:
            return self._error(404, "NOT_FOUND", f"{urn} not found")
        if not (body.get("message") or {}).get("text"):
            return self._error(422, "UNPROCESSABLE_ENTITY", "/message/text is required", 422)
        comment = self._comment(urn, body)
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        return self._json(comment, 201, {"x-restli-id": comment["id"]})

    # --- Results --------------------------------------------------------------------------

    def social_metadata(self, request: Request, urn: str) -> Response:
        token = self._token(request)
        if isinstance(token, Response):
            return token
        post = self.posts.get(urn)
        if post is None:
            return self._error(404, "NOT_FOUND", f"{urn} not found")
        scope = "r_organization_social" if "organization" in post["author"] else "r_member_social"
        if not self._may_act_as(token, post["author"], scope):
            return self._denied(request)
        stats = self.statistics.get(urn, {})
        comments = len([c for c in self.comments.values() if c["object"] == urn])
        return self._json(
            {
                "entity": urn,
                "reactionSummaries": {
                    "LIKE": {"reactionType": "LIKE", "count": stats.get("likeCount", 0)}
                },
                "commentSummary": {"count": comments, "topLevelCount": comments},
                "commentsState": "OPEN",
            }
        )

    def share_statistics(self, request: Request) -> Response:
        token = self._token(request, "r_organization_social", "rw_organization_admin")
        if isinstance(token, Response):
            return token
        # The raw query: List(...) is REST.li syntax around percent-encoded URNs.
        query = dict(parse_qsl(request.query_string.decode(), keep_blank_values=True))
        entity = query.get("organizationalEntity", "")
        if query.get("q") != "organizationalEntity" or not entity:
            return self._error(400, "ILLEGAL_ARGUMENT", "organizationalEntity is required")
        if (token.member, entity, "ADMINISTRATOR", "APPROVED") not in self.acls:
            return self._denied(request)
        elements = []
        for param, key in (("shares", "share"), ("ugcPosts", "ugcPost")):
            listed = query.get(param, "")
            if not listed:
                continue
            if not (listed.startswith("List(") and listed.endswith(")")):
                return self._error(400, "ILLEGAL_ARGUMENT", f"{param} must be a List(...)")
            for urn in filter(None, listed[5:-1].split(",")):
                if urn in self.statistics and self.posts.get(urn, {}).get("author") == entity:
                    elements.append(
                        {
                            key: urn,
                            "organizationalEntity": entity,
                            "totalShareStatistics": dict(self.statistics[urn]),
                        }
                    )
        return self._json({"elements": elements, "paging": {"start": 0, "count": 10, "links": []}})
