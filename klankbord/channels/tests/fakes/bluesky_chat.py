"""The fake Bluesky's chat service: direct messages, reached through the PDS with the
`atproto-proxy` header, as the real one is at did:web:api.bsky.chat.

The chat lexicons are not among the fixtures, so every request and answer is checked against the
atproto package's models of them instead (strict, DID and datetime formats included).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from atproto_client import models
from atproto_client.models.utils import get_or_create
from werkzeug import Request, Response

from klankbord.lib.text import grapheme_count
from klankbord.lib.tid import encode, new_tid

if TYPE_CHECKING:
    from klankbord.channels.tests.fakes.bluesky import FakeBluesky

PROXY = "did:web:api.bsky.chat#bsky_chat"
MESSAGE_VIEW = "chat.bsky.convo.defs#messageView"
# What the chat service answers when the other person does not take messages from us.
DISABLED = "recipient has disabled incoming messages"
FOLLOWERS_ONLY = "recipient requires incoming messages to come from someone they follow"
Answer = tuple[int, dict[str, Any]]


class ChatModelError(AssertionError):
    pass


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Convo:
    id: str
    rev: str
    members: list[str]  # DIDs, ours first
    messages: list[dict[str, Any]] = field(default_factory=list)  # messageViews, oldest first
    status: str = "accepted"  # "request" until we answer someone who wrote first
    group: bool = False


class FakeChat:
    def __init__(self, fake: "FakeBluesky", our_did: str) -> None:
        self.fake = fake
        self.did = our_did
        self.convos: dict[str, Convo] = {}
        self.not_accepting: dict[str, str] = {}  # DID → why they take no message from us
        self.hang_after_send = 0
        self.last_rev = 0
        # Each method: the model of its parameters or input, of its output, and its handler.
        self.endpoints: dict[str, tuple[Any, Any, Callable[..., Answer]]] = {
            "chat.bsky.convo.listConvos": (
                models.ChatBskyConvoListConvos.Params,
                models.ChatBskyConvoListConvos.Response,
                self.list_convos,
            ),
            "chat.bsky.convo.getMessages": (
                models.ChatBskyConvoGetMessages.Params,
                models.ChatBskyConvoGetMessages.Response,
                self.get_messages,
            ),
            "chat.bsky.convo.sendMessage": (
                models.ChatBskyConvoSendMessage.Data,
                models.ChatBskyConvoDefs.MessageView,
                self.send_message,
            ),
            "chat.bsky.convo.getConvoForMembers": (
                models.ChatBskyConvoGetConvoForMembers.Params,
                models.ChatBskyConvoGetConvoForMembers.Response,
                self.get_convo_for_members,
            ),
        }

    # --- Test helpers ---------------------------------------------------------------------

    def rev(self) -> str:
        # Revisions only grow, across all conversations, and sort like TIDs.
        self.last_rev = max(self.last_rev + 1, (time.time_ns() // 1000) << 10)
        return encode(self.last_rev)

    def convo_with(self, handle: str) -> Convo:
        """The direct conversation between us and `handle`, started by them when it is new."""
        did = self.fake.handles[handle]
        for convo in self.convos.values():
            if not convo.group and convo.members[1:] == [did]:
                return convo
        return self._new_convo([did], status="request")

    def add_message(self, text: str, *, author: str) -> tuple[str, str]:
        """A message from `author` (a handle) to us; returns the conversation and message ids."""
        convo = self.convo_with(author)
        return convo.id, self._append(convo, self.fake.handles[author], text)["id"]

    def add_group_message(self, text: str, *, authors: list[str]) -> str:
        convo = self._new_convo([self.fake.handles[handle] for handle in authors], group=True)
        self._append(convo, convo.members[1], text)
        return convo.id

    def our_messages(self) -> list[str]:
        messages = [m for convo in self.convos.values() for m in convo.messages]
        return [m["text"] for m in messages if m["sender"]["did"] == self.did]

    def _new_convo(
        self, others: list[str], *, status: str = "accepted", group: bool = False
    ) -> Convo:
        convo = Convo(
            id=new_tid(), rev=self.rev(), members=[self.did, *others], status=status, group=group
        )
        self.convos[convo.id] = convo
        return convo

    def _append(
        self, convo: Convo, sender: str, text: str, facets: list[Any] | None = None
    ) -> dict[str, Any]:
        message = {
            "$type": MESSAGE_VIEW,
            "id": new_tid(),
            "rev": self.rev(),
            "text": text,
            "sender": {"did": sender},
            "sentAt": now_iso(),
        }
        if facets:
            message["facets"] = facets
        convo.messages.append(message)
        convo.rev = message["rev"]
        return message

    # --- Plumbing -------------------------------------------------------------------------

    def handle(self, request: Request, nsid: str) -> Response:
        if request.headers.get("atproto-proxy") != PROXY:
            # Without the proxy header the PDS looks for the method itself, and has none.
            return self.fake._json(
                {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501
            )
        token = self.fake._bearer(request)
        if token not in self.fake.access:
            status, body = self.fake._expired()
            return self.fake._json(body, status)
        if token not in self.fake.privileged:
            # An app password made without "Allow access to your direct messages".
            return self.fake._json({"error": "InvalidToken", "message": "Bad token method"}, 400)
        if nsid not in self.endpoints:
            return self.fake._json(
                {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501
            )
        given, answers, handler = self.endpoints[nsid]
        is_procedure = request.method == "POST"
        status, output = handler(
            self._checked(
                request.get_json() if is_procedure else self._params(request), given, nsid
            )
        )
        if status == 200:
            self._checked(output, answers, nsid)
        return self.fake._json(output, status)

    @staticmethod
    def _params(request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.args.items())
        if "limit" in params:
            params["limit"] = int(params["limit"])
        if "members" in request.args:
            params["members"] = request.args.getlist("members")
        return params

    @staticmethod
    def _checked(data: Any, model: Any, nsid: str) -> dict[str, Any]:
        try:
            get_or_create(data, model, strict=True, strict_string_format=True)
        except Exception as error:
            raise ChatModelError(f"{nsid}: {error}") from error
        return dict(data)

    def _view(self, convo: Convo) -> dict[str, Any]:
        ours = self.did
        unread = 0
        for message in reversed(convo.messages):
            if message["sender"]["did"] == ours:
                break
            unread += 1
        view: dict[str, Any] = {
            "id": convo.id,
            "rev": convo.rev,
            "members": [self.fake._profile(did) for did in convo.members],
            "muted": False,
            "status": convo.status,
            "unreadCount": unread,
        }
        if convo.messages:
            view["lastMessage"] = convo.messages[-1]
        if convo.group:
            view["kind"] = {
                "$type": "chat.bsky.convo.defs#groupConvo",
                "name": "Buurt",
                "lockStatus": "unlocked",
                "lockStatusModerationOverride": False,
                "memberLimit": 50,
                "memberCount": len(convo.members),
                "createdAt": convo.messages[0]["sentAt"] if convo.messages else now_iso(),
            }
        return view

    def _convo(self, convo_id: str) -> Convo | None:
        convo = self.convos.get(convo_id)
        return convo if convo and self.did in convo.members else None

    # --- chat.bsky.convo --------------------------------------------------------------------

    def list_convos(self, params: dict[str, Any]) -> Answer:
        # The most recently active first; the cursor is the last revision of the page.
        convos = sorted(self.convos.values(), key=lambda c: c.rev, reverse=True)
        if "cursor" in params:
            convos = [c for c in convos if c.rev < params["cursor"]]
        page = convos[: params.get("limit", 50)]
        output: dict[str, Any] = {"convos": [self._view(c) for c in page]}
        if len(convos) > len(page):
            output["cursor"] = page[-1].rev
        return 200, output

    def get_messages(self, params: dict[str, Any]) -> Answer:
        convo = self._convo(params["convoId"])
        if convo is None:
            return 400, {"error": "InvalidRequest", "message": "Convo not found"}
        # Newest first; the cursor walks back to older messages.
        messages = list(reversed(convo.messages))
        if "cursor" in params:
            messages = [m for m in messages if m["rev"] < params["cursor"]]
        page = messages[: params.get("limit", 50)]
        output: dict[str, Any] = {"messages": page}
        if len(messages) > len(page):
            output["cursor"] = page[-1]["rev"]
        return 200, output

    def send_message(self, body: dict[str, Any]) -> Answer:
        convo = self._convo(body["convoId"])
        if convo is None:
            return 400, {"error": "InvalidRequest", "message": "Convo not found"}
        text = body["message"]["text"]
        if grapheme_count(text) > 1000:
            return 400, {"error": "InvalidRequest", "message": "Message text is too long"}
        message = self._append(convo, self.did, text, body["message"].get("facets"))
        convo.status = "accepted"  # answering a request accepts it
        if self.hang_after_send:
            self.hang_after_send -= 1
            time.sleep(1.5)
        return 200, message

    def get_convo_for_members(self, params: dict[str, Any]) -> Answer:
        others = sorted(set(params["members"]) - {self.did})
        for convo in self.convos.values():
            if not convo.group and sorted(convo.members[1:]) == others:
                return 200, {"convo": self._view(convo)}
        for did in others:
            if did in self.not_accepting:
                return 400, {"error": "InvalidRequest", "message": self.not_accepting[did]}
        return 200, {"convo": self._view(self._new_convo(others))}
