"""A fake Bluesky PDS and AppView on loopback. Every request and response it handles is
validated against the AT Protocol lexicons, so the fake cannot drift from the real schema.
Direct messages go to its chat service, in bluesky_chat.py."""

import base64
import hashlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.bluesky_chat import FakeChat
from klankbord.channels.tests.fakes.chaos import Chaos, chaos_response
from klankbord.channels.tests.fakes.lexicon import document, validate, validate_call
from klankbord.lib.tid import new_tid

DID = "did:plc:bakkerijvandevelde0000"
HANDLE = "bakkerij.bsky.social"
KLANT = "klant.bsky.social"
BUUR = "buur.bsky.social"
NAMES = {HANDLE: "Bakkerij Vandevelde", KLANT: "Klant", BUUR: "Buur"}


def jwt(scope: str, sub: str, lifetime: int) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    payload = {"scope": scope, "sub": sub, "iat": now, "exp": now + lifetime, "jti": new_tid()}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(payload)}.c2lnbmF0dXJl"


def cid_for(data: Any) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")[:52]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    nsid: str = ""


class FakeBluesky:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.app_password = "abcd-efgh-ijkl-mnop"
        self.app_password_dms = True  # made with "Allow access to your direct messages"
        self.followers = 120  # what getProfile says; tests move it
        self.access_lifetime = 7200
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.privileged: set[str] = set()  # access tokens that may reach the chat service
        self.records: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.counts: dict[str, dict[str, int]] = {}
        self.faults: list[Fault] = []
        self.chaos: Chaos | None = None
        self.calls: list[str] = []
        self.handles = {
            HANDLE: DID,
            KLANT: "did:plc:klant000000000000000000",
            BUUR: "did:plc:buur0000000000000000000",
        }
        self.blocked: set[str] = set()  # DIDs that block us, or that we block
        self.hang_after_create = 0
        self.ids = itertools.count(1)
        self.chat = FakeChat(self, DID)
        server.expect_request(re.compile(r"^/xrpc/.*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # --- Test helpers ---------------------------------------------------------------------

    def post_uri(self, rkey: str, did: str = DID) -> str:
        return f"at://{did}/app.bsky.feed.post/{rkey}"

    def our_posts(self) -> list[dict[str, Any]]:
        return [r["value"] for uri, r in self.records.items() if uri.startswith(f"at://{DID}/")]

    def add_mention(
        self, text: str, *, reason: str = "mention", reply_to: str = "", author: str = KLANT
    ) -> str:
        """A post by `author` that notifies us; with `reply_to`, a reply anywhere in a thread."""
        author_did = self.handles[author]
        rkey = new_tid()
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": now_iso(),
        }
        if reply_to:
            parent = {"uri": reply_to, "cid": self.records[reply_to]["cid"]}
            # The root is the thread's first post: the parent's root when the parent is a reply.
            root = self.records[reply_to]["value"].get("reply", {}).get("root", parent)
            record["reply"] = {"root": root, "parent": parent}
            self.counts.setdefault(reply_to, {})["replyCount"] = (
                self.counts.get(reply_to, {}).get("replyCount", 0) + 1
            )
        uri = self.post_uri(rkey, author_did)
        self.records[uri] = {"uri": uri, "cid": cid_for(record), "value": record}
        self.notifications.append(
            {
                "uri": uri,
                "cid": cid_for(record),
                "author": {"did": author_did, "handle": author, "displayName": NAMES[author]},
                "reason": reason,
                "record": record,
                "isRead": False,
                "indexedAt": now_iso(),
                "seq": next(self.ids),
            }
        )
        time.sleep(0.002)
        return uri

    def delete_post(self, uri: str) -> None:
        del self.records[uri]

    def expire_access_tokens(self) -> None:
        self.access.clear()

    def revoke_everything(self) -> None:
        self.access.clear()
        self.refresh.clear()
        self.app_password = "revoked-" + new_tid()

    # --- Plumbing -------------------------------------------------------------------------

    def set_chaos(self, rate: float, seed: int = 7) -> None:
        """On `rate` of requests answer 429 or 503; on `rate` of creates, accept then hang."""
        self.chaos = Chaos(
            rate, seed, lambda request: request.path == "/xrpc/com.atproto.repo.createRecord"
        )

    def handle(self, request: Request) -> Response:
        injected = chaos_response(self.chaos, request, self._json)
        if injected is not None:
            return injected
        if self.chaos is not None and self.chaos.hang_after_accept(request):
            self.hang_after_create += 1
        nsid = request.path.removeprefix("/xrpc/")
        self.calls.append(nsid)
        for fault in list(self.faults):
            if not fault.nsid or fault.nsid == nsid:
                self.faults.remove(fault)
                return self._json(fault.body, fault.status, fault.headers)
        if nsid.startswith("chat.bsky."):
            return self.chat.handle(request, nsid)
        handler = getattr(self, nsid.replace(".", "_"), None)
        if handler is None:
            return self._json(
                {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501
            )
        params = self._params(nsid, request)
        body = request.get_json(silent=True) if request.mimetype == "application/json" else None
        validate_call(nsid, params=params, body=body, output=None)
        status, output = handler(request, params, body)
        if status == 200 and request.mimetype != "application/octet-stream":
            validate_call(nsid, params=None, body=None, output=output)
        return self._json(output, status)

    def _params(self, nsid: str, request: Request) -> dict[str, Any]:
        schema = document(nsid)["defs"]["main"].get("parameters", {}).get("properties", {})
        params: dict[str, Any] = {}
        for name, prop in schema.items():
            if name not in request.args:
                continue
            if prop["type"] == "array":
                params[name] = request.args.getlist(name)
            elif prop["type"] == "integer":
                params[name] = int(request.args[name])
            elif prop["type"] == "boolean":
                params[name] = request.args[name] == "true"
            else:
                params[name] = request.args[name]
        return params

    def _json(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        all_headers = {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "2999",
            "RateLimit-Reset": str(int(time.time()) + 300),
            "RateLimit-Policy": "3000;w=300",
            **(headers or {}),
        }
        return Response(
            json.dumps(body), status=status, headers=all_headers, content_type="application/json"
        )

    def _bearer(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        return header[7:] if header.startswith("Bearer ") else ""

    def _authorised(self, request: Request) -> bool:
        return self._bearer(request) in self.access

    def _expired(self) -> tuple[int, dict[str, str]]:
        return 400, {"error": "ExpiredToken", "message": "Token has expired"}

    def _session(self) -> dict[str, Any]:
        scope = "com.atproto.appPassPrivileged" if self.app_password_dms else "com.atproto.appPass"
        access = jwt(scope, DID, self.access_lifetime)
        refresh = jwt("com.atproto.refresh", DID, 90 * 86400)
        self.access.add(access)
        if self.app_password_dms:
            self.privileged.add(access)
        self.refresh.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": HANDLE,
            "did": DID,
            "active": True,
        }

    def _profile(self, did: str) -> dict[str, Any]:
        handle = next((h for h, d in self.handles.items() if d == did), HANDLE)
        return {
            "did": did,
            "handle": handle,
            "displayName": NAMES.get(handle, handle),
            "avatar": f"{self.base_url}/img/avatar/{did}.jpg",
        }

    def _post_view(self, uri: str) -> dict[str, Any]:
        stored = self.records[uri]
        did = uri.split("/")[2]
        counts = self.counts.get(uri, {})
        return {
            "uri": uri,
            "cid": stored["cid"],
            "author": self._profile(did),
            "record": stored["value"],
            "indexedAt": stored["value"]["createdAt"],
            **{
                k: counts.get(k, 0)
                for k in ("likeCount", "repostCount", "replyCount", "quoteCount")
            },
        }

    # --- com.atproto ------------------------------------------------------------------------

    def com_atproto_server_createSession(
        self, request: Request, params: dict, body: dict
    ) -> tuple[int, Any]:
        if body.get("identifier") not in (HANDLE, DID) or body.get("password") != self.app_password:
            return 401, {
                "error": "AuthenticationRequired",
                "message": "Invalid identifier or password",
            }
        return 200, self._session()

    def com_atproto_server_refreshSession(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        token = self._bearer(request)
        if token not in self.refresh:
            return 400, {"error": "ExpiredToken", "message": "Token has been revoked"}
        self.refresh.discard(token)
        return 200, self._session()

    def com_atproto_identity_resolveHandle(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        did = self.handles.get(params["handle"])
        if did is None:
            return 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}
        return 200, {"did": did}

    def com_atproto_repo_uploadBlob(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        if not self._authorised(request):
            return self._expired()
        data = request.get_data()
        blob = {
            "$type": "blob",
            "ref": {"$link": cid_for(data.hex())},
            "mimeType": request.mimetype,
            "size": len(data),
        }
        self.blobs[blob["ref"]["$link"]] = blob
        return 200, {"blob": blob}

    def com_atproto_repo_createRecord(
        self, request: Request, params: dict, body: dict
    ) -> tuple[int, Any]:
        if not self._authorised(request):
            return self._expired()
        record = body["record"]
        collection = body["collection"]
        validate(record, document(collection)["defs"]["main"], collection, "record")
        for image in record.get("embed", {}).get("images", []):
            assert image["image"]["ref"]["$link"] in self.blobs, "image blob was not uploaded"
        rkey = body.get("rkey") or new_tid()
        uri = f"at://{DID}/{collection}/{rkey}"
        if uri in self.records:
            return 400, {"error": "InvalidRequest", "message": "Record already exists"}
        self.records[uri] = {"uri": uri, "cid": cid_for(record), "value": record}
        if self.hang_after_create:
            self.hang_after_create -= 1
            time.sleep(1.5)
        return 200, {"uri": uri, "cid": self.records[uri]["cid"], "validationStatus": "valid"}

    def com_atproto_repo_getRecord(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        repo = self.handles.get(params["repo"], params["repo"])
        uri = f"at://{repo}/{params['collection']}/{params['rkey']}"
        if uri not in self.records:
            return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
        stored = self.records[uri]
        return 200, {"uri": uri, "cid": stored["cid"], "value": stored["value"]}

    # --- app.bsky ---------------------------------------------------------------------------

    def app_bsky_actor_getProfile(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        if not self._authorised(request):
            return self._expired()
        actor = params["actor"]
        did = self.handles.get(actor, actor)
        return 200, {
            **self._profile(did),
            "followersCount": self.followers,
            "postsCount": len(self.our_posts()),
        }

    def app_bsky_feed_getPosts(self, request: Request, params: dict, body: Any) -> tuple[int, Any]:
        return 200, {
            "posts": [self._post_view(uri) for uri in params["uris"] if uri in self.records]
        }

    def app_bsky_feed_getPostThread(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        uri = params["uri"]
        if uri not in self.records:
            # The AppView answers an unknown or deleted post with 400, not 404.
            return 400, {"error": "NotFound", "message": f"Post not found: {uri}"}
        thread = self._thread_view(uri, params.get("depth", 6))
        parent = self._parent_view(uri, params.get("parentHeight", 80))
        if parent:
            thread["parent"] = parent
        return 200, {"thread": thread}

    def _thread_view(self, uri: str, depth: int) -> dict[str, Any]:
        """A threadViewPost with `depth` levels of replies below it, oldest reply first."""
        view: dict[str, Any] = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self._post_view(uri),
        }
        if depth > 0:
            view["replies"] = [self._reply_view(child, depth - 1) for child in self._children(uri)]
        return view

    def _reply_view(self, uri: str, depth: int) -> dict[str, Any]:
        author = uri.split("/")[2]
        if author in self.blocked:
            return {
                "$type": "app.bsky.feed.defs#blockedPost",
                "uri": uri,
                "blocked": True,
                "author": {"did": author},
            }
        return self._thread_view(uri, depth)

    def _children(self, uri: str) -> list[str]:
        children = [
            (datetime.fromisoformat(r["value"]["createdAt"].replace("Z", "+00:00")), child)
            for child, r in self.records.items()
            if r["value"].get("reply", {}).get("parent", {}).get("uri") == uri
        ]
        return [child for _created, child in sorted(children)]

    def _parent_view(self, uri: str, height: int) -> dict[str, Any] | None:
        """The ancestors up to `height` levels, each without its other replies."""
        parent = self.records[uri]["value"].get("reply", {}).get("parent", {}).get("uri")
        if not parent or height <= 0:
            return None
        if parent not in self.records:
            return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent, "notFound": True}
        view: dict[str, Any] = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self._post_view(parent),
        }
        grandparent = self._parent_view(parent, height - 1)
        if grandparent:
            view["parent"] = grandparent
        return view

    def app_bsky_feed_searchPosts(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        words = params["q"].lower().split()
        hits = [
            uri
            for uri, r in self.records.items()
            if all(w in r["value"].get("text", "").lower() for w in words)
        ]
        hits.sort(reverse=True)
        start = int(params.get("cursor", 0))
        limit = params.get("limit", 25)
        page = hits[start : start + limit]
        output: dict[str, Any] = {
            "posts": [self._post_view(uri) for uri in page],
            "hitsTotal": len(hits),
        }
        if start + limit < len(hits):
            output["cursor"] = str(start + limit)
        return 200, output

    def app_bsky_notification_listNotifications(
        self, request: Request, params: dict, body: Any
    ) -> tuple[int, Any]:
        if not self._authorised(request):
            return self._expired()
        reasons = params.get("reasons")
        items = [n for n in self.notifications if not reasons or n["reason"] in reasons]
        items.sort(key=lambda n: n["seq"], reverse=True)
        if "cursor" in params:
            items = [n for n in items if n["seq"] < int(params["cursor"])]
        page = items[: params.get("limit", 50)]
        output: dict[str, Any] = {
            "notifications": [{k: v for k, v in n.items() if k != "seq"} for n in page]
        }
        if len(items) > len(page):
            output["cursor"] = str(page[-1]["seq"])
        return 200, output
