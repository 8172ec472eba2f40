"""A fake Instagram Graph API (Instagram API with Facebook Login), served beside FakeFacebook.

It answers on the same loopback server and accepts the same tokens: the Page token speaks for
the Page's Instagram professional account. Shapes follow developers.facebook.com
docs/instagram-platform: content publishing (containers with `status_code` IN_PROGRESS →
FINISHED | ERROR | EXPIRED, then PUBLISHED once `media_publish` used them; a container is
published once), `content_publishing_limit` (`quota_usage`, `config.quota_total`,
`config.quota_duration`), the error codes page (code/subcode pairs below), media insights
(`views`, `reach`, `saved`, `shares`; "(#10) Not enough viewers for the media to show insights"
while few saw a post; impressions and plays refused since v22), comments with `replies`,
hiding (`hide`), and direct messages through the Page (Messenger Platform for Instagram:
conversations with `platform=instagram`, the Send API with an IGSID as recipient).

Meta fetches `image_url` itself: so does this fake, through `fetch` (set by a test), refusing what
Meta refuses (not https, not JPEG, over 8 MiB, aspect ratio outside 4:5 … 1.91:1).
"""

import base64
import io
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.facebook import (
    FakeFacebook,
    Token,
    UnknownField,
    requested_fields,
)

# The fields this fake serves on each node, by the facebook-business adobjects class listing
# them (ShadowIGMediaBuilder is the container; the SDK has no Message class).
NODE_FIELDS: dict[str, frozenset[str]] = {
    "IGUser": frozenset(
        {
            "id",
            "username",
            "name",
            "profile_picture_url",
            "followers_count",
            "follows_count",
            "media_count",
            "biography",
            "website",
            "mentioned_media",
            "mentioned_comment",
        }
    ),
    "IGMedia": frozenset(
        {
            "id",
            "caption",
            "timestamp",
            "permalink",
            "media_type",
            "media_url",
            "shortcode",
            "like_count",
            "comments_count",
            "alt_text",
            "username",
        }
    ),
    "IGComment": frozenset(
        {"id", "text", "timestamp", "username", "from", "parent_id", "hidden", "like_count"}
    ),
    "ShadowIGMediaBuilder": frozenset({"id", "status_code", "status"}),
    # A customer as the Page sees them (the User Profile API for Instagram messaging).
    "InstagramUser": frozenset({"id", "username"}),
    "UnifiedThread": frozenset({"id", "updated_time", "messages"}),
    "Message": frozenset({"id", "created_time", "from", "message"}),
}
# Edges read as a nested field, and the node their items are.
NESTED_NODES = {
    ("IGComment", "replies"): "IGComment",
    ("UnifiedThread", "messages"): "Message",
    ("IGUser", "mentioned_media"): "IGMedia",
    ("IGUser", "mentioned_comment"): "IGComment",
}
# The parameters each create or update reads, by the facebook-business method for its path.
POST_PARAMS: dict[str, frozenset[str]] = {
    "IGUser.create_media": frozenset(  # /{ig-user-id}/media
        {"image_url", "caption", "alt_text", "is_carousel_item", "media_type", "children"}
    ),
    "IGUser.create_media_publish": frozenset({"creation_id"}),  # /{ig-user-id}/media_publish
    "IGComment.create_reply": frozenset({"message"}),  # /{ig-comment-id}/replies
    "IGComment.api_update": frozenset({"hide"}),  # /{ig-comment-id}
    "Page.create_message": frozenset({"recipient", "messaging_type", "message"}),  # Send API
    "IGUser.create_mention": frozenset({"media_id", "comment_id", "message"}),  # /mentions
}
ANSWER_FIELDS: dict[str, frozenset[str]] = {
    "IGUser.create_media": frozenset({"id"}),
    "IGUser.create_media_publish": frozenset({"id"}),
    "IGComment.create_reply": frozenset({"id"}),
    "IGComment.api_update": frozenset({"success"}),
    "Page.create_message": frozenset({"recipient_id", "message_id"}),
    "IGUser.create_mention": frozenset({"id"}),
}
# What media insights answer to (docs/instagram-platform/reference/instagram-media/insights), and
# the names removed in v22 (Meta answers those with an error naming the replacement, views).
INSIGHT_METRICS = frozenset(
    {"views", "reach", "saved", "shares", "likes", "comments", "total_interactions", "follows"}
)
REMOVED_METRICS = frozenset({"impressions", "plays", "video_views", "clips_replays_count"})
# The status text Graph gives with each status_code of a container.
STATUS_TEXT = {
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "PUBLISHED": "Published: Media has been successfully published.",
    "EXPIRED": "Expired: Media was not published within 24 hours.",
}
MAX_BYTES = 8 * 1024 * 1024
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
CAPTION_LIMIT, HASHTAG_LIMIT = 2200, 30
CONTAINER_LIFETIME = timedelta(hours=24)
MESSAGING_WINDOW = 24 * 3600


class Gone(Exception):
    """What a mentioned_media or mentioned_comment names is not there (any more)."""


class FetchFailed(Exception):
    """Meta could not download the image at `image_url`."""


def refuse_to_fetch(url: str) -> tuple[bytes, str]:
    """Meta's side of the internet is not reachable from a test: nothing can be fetched."""
    raise FetchFailed(url)


def jpeg(width: int = 1080, height: int = 1080, *, size: int = 0) -> bytes:
    """A JPEG of this shape, padded (after its end marker) to `size` bytes when asked."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data + b"\0" * max(0, size - len(data))


def refuse_unknown(asked: dict[str, str], node: str) -> None:
    for name, nested in asked.items():
        inner = NESTED_NODES.get((node, name))
        if name not in NODE_FIELDS[node] and not inner:
            raise UnknownField(name, node)
        if inner and nested:
            refuse_unknown(requested_fields(nested), inner)


class FakeInstagram:
    """The Instagram professional account linked to one Page of `facebook`."""

    def __init__(
        self,
        facebook: FakeFacebook,
        *,
        page_id: str = "",
        username: str = "bakkerijvandevelde",
    ) -> None:
        self.facebook = facebook
        page = facebook.pages[page_id] if page_id else facebook.first_page()
        self.page_id = str(page["id"])
        self.user_id = f"1784{self.page_id[-11:]}"
        self.ids = itertools.count(17_900_000_000_000_001)
        self.user = {
            "id": self.user_id,
            "username": username,
            "name": page["name"],
            "profile_picture_url": f"https://scontent.cdninstagram.example/{self.user_id}.jpg",
            "followers_count": 180,
            "follows_count": 35,
            "biography": "Ambachtelijke bakkerij",
            "website": "https://bakkerij.example",
        }
        # The Page shows its linked account, as Graph's Page node does.
        page["instagram_business_account"] = {
            k: self.user[k] for k in ("id", "username", "name", "profile_picture_url")
        }
        self.containers: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        # Posts by other accounts that tag the account ("tagged") or @-mention it in their
        # caption ("mentions"): docs/instagram-platform/instagram-api-with-facebook-login/mentions
        self.others: dict[str, dict[str, Any]] = {}
        # conversation id → {"id", "igsid", "username", "messages": [newest first]}
        self.conversations: dict[str, dict[str, Any]] = {}
        # How Meta downloads image_url: a test gives it the image.
        self.fetch: Callable[[str], tuple[bytes, str]] = refuse_to_fetch
        # A new container answers IN_PROGRESS this many times, then this outcome.
        self.polls_in_progress = 0
        self.outcome = "FINISHED"
        self.error_status = "Error: Media upload has failed with error code 2207026"
        # The publishing limit (content_publishing_limit), and posts counted in it from before.
        self.quota_total = 50
        self.quota_duration = 86400
        self.published_before = 0
        # media_publish, replies and messages to drop after storing them, without an answer.
        self.drop_after_accept = 0
        facebook.extra_routes.extend(self.routes())

    # --- Helpers for tests ----------------------------------------------------------------

    def serve_images(self, images: dict[str, bytes]) -> None:
        """Meta finds these images at these addresses (anything else: not found)."""

        def fetch(url: str) -> tuple[bytes, str]:
            if url not in images:
                raise FetchFailed(url)
            data = images[url]
            return data, "image/jpeg" if data.startswith(b"\xff\xd8\xff") else "image/png"

        self.fetch = fetch

    def published(self) -> list[dict[str, Any]]:
        return list(self.media.values())

    def expire(self, container_id: str) -> None:
        """A day passed: the container can no longer be published."""
        self.containers[container_id]["status_code"] = "EXPIRED"

    def add_media(self, caption: str, *, at: datetime | None = None) -> dict[str, Any]:
        """A post the account made in the Instagram app."""
        return self._new_media(caption, "IMAGE", at=at)

    def view(self, media_id: str, **insights: int | None) -> None:
        """Enough people saw the post for insights: views, reach, saved, shares (None: left
        out)."""
        defaults = {"views": 0, "reach": 0, "saved": 0, "shares": 0}
        self.media[media_id]["_insights"] = {**defaults, **insights}

    def like(self, media_id: str, likes: int) -> None:
        self.media[media_id]["like_count"] += likes

    def add_comment(
        self,
        media_id: str,
        text: str,
        *,
        username: str = "jan.peeters",
        parent: str = "",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A visitor's comment on a post (or, with `parent`, a reply to a comment)."""
        user_id = (
            self.user_id if username == self.user["username"] else f"1789{abs(hash(username))}"
        )
        comment_id = str(next(self.ids))
        self.comments[comment_id] = {
            "id": comment_id,
            "media_id": media_id,
            "text": text,
            "username": username,
            "from": {"id": user_id, "username": username},
            "timestamp": self._stamp(at),
            "parent_id": parent,
            "hidden": False,
            "like_count": 0,
        }
        return self.comments[comment_id]

    def add_others_post(
        self,
        caption: str,
        *,
        username: str = "lies.wouters",
        tagged: bool = False,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Another account posts; with `tagged` it tags ours, an @-mention in the caption
        mentions it."""
        media_id = str(next(self.ids))
        shortcode = base64.urlsafe_b64encode(secrets.token_bytes(8)).decode().rstrip("=")
        self.others[media_id] = {
            "id": media_id,
            "caption": caption,
            "media_type": "IMAGE",
            "timestamp": self._stamp(at),
            "permalink": f"https://www.instagram.com/p/{shortcode}/",
            "shortcode": shortcode,
            "username": username,
            "tagged": tagged,
            "mentions": f"@{self.user['username']}" in caption,
        }
        return self.others[media_id]

    def add_comment_on_others(
        self, media_id: str, text: str, *, username: str = "jan.peeters"
    ) -> dict[str, Any]:
        """A comment on another account's post, @-mentioning ours when the text does."""
        comment = self.add_comment(media_id, text, username=username)
        comment["mentions"] = f"@{self.user['username']}" in text
        return comment

    def delete_others_post(self, media_id: str) -> None:
        """The other account deletes its post, with the comments on it."""
        del self.others[media_id]
        for comment_id in [c for c, v in self.comments.items() if v["media_id"] == media_id]:
            del self.comments[comment_id]

    def add_message(
        self, text: str, *, username: str = "els.maes", at: datetime | None = None
    ) -> dict[str, Any]:
        """A customer writes to the account in Instagram Direct; one conversation each."""
        conversation = next(
            (c for c in self.conversations.values() if c["username"] == username), None
        )
        if conversation is None:
            conversation_id = "aWdfZAG06MTpJR01lc3NhZA" + secrets.token_urlsafe(12)
            conversation = {
                "id": conversation_id,
                "igsid": str(next(self.ids)),
                "username": username,
                "messages": [],
            }
            self.conversations[conversation_id] = conversation
        sender = {"id": conversation["igsid"], "username": username}
        return self._add_to(conversation, sender, text, at)

    def requests_to(self, method: str, pattern: str) -> int:
        return self.facebook.requests_to(method, pattern)

    # --- Plumbing -------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Callable[..., Response | None]]]:
        return [
            ("POST", r"/(?P<user_id>\d+)/media", self.create_container),
            ("GET", r"/(?P<user_id>\d+)/media", self.list_media),
            ("GET", r"/(?P<user_id>\d+)/tags", self.list_tags),
            ("POST", r"/(?P<user_id>\d+)/mentions", self.create_mention),
            ("POST", r"/(?P<user_id>\d+)/media_publish", self.media_publish),
            ("GET", r"/(?P<user_id>\d+)/content_publishing_limit", self.publishing_limit),
            ("GET", r"/(?P<node_id>\d+)/insights", self.insights),
            ("GET", r"/(?P<node_id>\d+)/comments", self.list_comments),
            ("GET", r"/(?P<node_id>\d+)/replies", self.list_replies),
            ("POST", r"/(?P<node_id>\d+)/replies", self.create_reply),
            ("POST", r"/(?P<node_id>\d+)", self.update_comment),
            ("GET", r"/(?P<node_id>\d+)", self.node),
            ("GET", r"/(?P<page_id>\d+)/conversations", self.list_conversations),
            ("POST", r"/(?P<page_id>\d+)/messages", self.send_message),
            ("GET", r"/(?P<conversation_id>aWdf[\w-]+)/messages", self.conversation_messages),
        ]

    def _authorised(self, request: Request, node_id: str) -> Response | None:
        """None when the request's token is this account's Page token; else Graph's refusal."""
        token, refused = self.facebook._token(request)
        if token is None:
            return refused
        if not self._speaks_for_us(token):
            return self.facebook._not_found(node_id)
        return None

    def _speaks_for_us(self, token: Token) -> bool:
        return token.kind == "page" and token.owner == self.page_id

    def _error(self, message: str, code: int, subcode: int | None = None, **extra: Any) -> Response:
        return self.facebook._error(message, code, subcode=subcode, is_transient=False, **extra)

    def _fields(self, request: Request, default: str, node: str) -> dict[str, str]:
        asked = requested_fields(request.args.get("fields") or default)
        refuse_unknown(asked, node)
        return asked

    @staticmethod
    def _stamp(at: datetime | None = None) -> str:
        return (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+0000")

    @staticmethod
    def _time(stamp: str) -> datetime:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")

    def _answer(self, body: dict[str, Any]) -> Response:
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return self.facebook._drop()
        return self.facebook._json(body)

    # --- Content publishing ---------------------------------------------------------------

    def create_container(self, request: Request, user_id: str) -> Response | None:
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        form = request.form
        if form.get("media_type") == "CAROUSEL":
            return self._create_carousel(form)
        caption = form.get("caption", "")
        if caption and form.get("is_carousel_item") != "true":
            wrong = self._caption_problem(caption)
            if wrong is not None:
                return wrong
        url = form.get("image_url", "")
        if not url:
            return self._error("(#100) The parameter image_url is required.", 100)
        problem = self._image_problem(url)
        if problem is not None:
            return problem
        kind = "ITEM" if form.get("is_carousel_item") == "true" else "IMAGE"
        return self.facebook._json(
            {"id": self._new_container(kind, caption, alt_text=form.get("alt_text", ""))}
        )

    def _create_carousel(self, form: Any) -> Response:
        caption = form.get("caption", "")
        wrong = self._caption_problem(caption)
        if wrong is not None:
            return wrong
        children = [c for c in form.get("children", "").split(",") if c]
        if not 2 <= len(children) <= 10:
            # Wording of this refusal unverified; its code is Graph's invalid parameter.
            return self._error(
                "(#100) A carousel needs between 2 and 10 items.", 100, subcode=2207028
            )
        for child in children:
            item = self.containers.get(child)
            ready = item is not None and self._container_status(item, look=False) == "FINISHED"
            if item is None or item["kind"] != "ITEM" or not ready:
                return self._error(
                    f"(#100) The carousel item {child} is not a finished carousel item.", 100
                )
        return self.facebook._json(
            {"id": self._new_container("CAROUSEL", caption, children=children)}
        )

    def _caption_problem(self, caption: str) -> Response | None:
        # Meta's wording for these two is unverified; its code is Graph's invalid parameter.
        if len(caption) > CAPTION_LIMIT:
            return self._error("(#100) The caption is longer than 2200 characters.", 100)
        if caption.count("#") > HASHTAG_LIMIT:
            return self._error("(#100) The caption has more than 30 hashtags.", 100)
        return None

    def _image_problem(self, url: str) -> Response | None:
        """What Meta answers when the image at `url` cannot be used (or None)."""
        try:
            if not url.startswith("https://"):
                raise FetchFailed(url)
            data, content_type = self.fetch(url)
        except FetchFailed:
            return self._error(
                "Media download has failed.",
                9004,
                subcode=2207052,
                error_user_title="Media download has failed",
                error_user_msg=f"The media could not be fetched from this uri: {url}",
            )
        if len(data) > MAX_BYTES:
            return self._error(
                "The image size is too large.",
                36000,
                subcode=2207004,
                error_user_title="Image size too large",
                error_user_msg="The image is too large to download. It should be less than 8 MiB.",
            )
        if content_type != "image/jpeg" or not data.startswith(b"\xff\xd8\xff"):
            return self._error(
                "The image format is not supported.",
                36001,
                subcode=2207005,
                error_user_title="Unsupported image format",
                error_user_msg="The image format is not supported. Supported formats are: JPEG",
            )
        width, height = Image.open(io.BytesIO(data)).size
        if not MIN_RATIO <= width / height <= MAX_RATIO:
            return self._error(
                "The aspect ratio is not supported.",
                36003,
                subcode=2207009,
                error_user_title="Invalid aspect ratio",
                error_user_msg=f"The submitted image with aspect ratio ('{width}/{height}') "
                "cannot be published. Please submit an image with a valid aspect ratio.",
            )
        return None

    def _new_container(
        self, kind: str, caption: str, *, alt_text: str = "", children: list[str] | None = None
    ) -> str:
        container_id = str(next(self.ids))
        self.containers[container_id] = {
            "id": container_id,
            "kind": kind,
            "caption": caption,
            "alt_text": alt_text,
            "children": children or [],
            # Carousel items are images: ready at once. What is published waits a while.
            "polls_left": 0 if kind == "ITEM" else self.polls_in_progress,
            "outcome": "FINISHED" if kind == "ITEM" else self.outcome,
            "status_code": "IN_PROGRESS",
            "created": time.time(),
            "media_id": "",
        }
        return container_id

    def _container_status(self, container: dict[str, Any], *, look: bool) -> str:
        """The container's state; each `look` at one in progress brings it nearer its outcome."""
        if container["status_code"] == "IN_PROGRESS":
            if container["polls_left"] <= 0:
                container["status_code"] = container["outcome"]
            elif look:
                container["polls_left"] -= 1
        too_old = time.time() - container["created"] > CONTAINER_LIFETIME.total_seconds()
        if container["status_code"] == "FINISHED" and too_old:
            container["status_code"] = "EXPIRED"
        return str(container["status_code"])

    def media_publish(self, request: Request, user_id: str) -> Response | None:
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        container = self.containers.get(request.form.get("creation_id", ""))
        if container is None or container["kind"] == "ITEM":
            return self._error(
                "The media with the specified ID could not be found.", 24, subcode=2207006
            )
        status = self._container_status(container, look=False)
        if status == "IN_PROGRESS":
            return self._error(
                "Media ID is not available",
                9007,
                subcode=2207027,
                error_user_msg="The media is not ready for publishing, please wait for a moment",
            )
        if status == "EXPIRED":
            return self._error(
                "The media you are trying to access has expired. Please try to upload again.",
                -2,
                subcode=2207020,
            )
        if status == "PUBLISHED":
            # Wording unverified: a container is published once, never twice.
            return self._error("(#100) This media container has already been published.", 100)
        if status == "ERROR":
            return self._error("(#100) The media container failed and cannot be published.", 100)
        if self._quota_used() >= self.quota_total:
            return self._error(
                "Application request limit reached",
                9,
                subcode=2207042,
                error_user_title="Publishing limit reached",
                error_user_msg="You reached maximum number of posts that is allowed to be "
                "published by Content Publishing API.",
            )
        kind = "CAROUSEL_ALBUM" if container["kind"] == "CAROUSEL" else "IMAGE"
        media = self._new_media(container["caption"], kind, container=container["id"])
        container["status_code"], container["media_id"] = "PUBLISHED", media["id"]
        return self._answer({"id": media["id"]})

    def _new_media(
        self, caption: str, kind: str, *, container: str = "", at: datetime | None = None
    ) -> dict[str, Any]:
        media_id = str(next(self.ids))
        shortcode = base64.urlsafe_b64encode(secrets.token_bytes(8)).decode().rstrip("=")
        self.media[media_id] = {
            "id": media_id,
            "caption": caption,
            "media_type": kind,
            "timestamp": self._stamp(at),
            "permalink": f"https://www.instagram.com/p/{shortcode}/",
            "shortcode": shortcode,
            "media_url": f"https://scontent.cdninstagram.example/{media_id}.jpg",
            "username": self.user["username"],
            "like_count": 0,
            "container": container,
            "_insights": None,  # not enough viewers yet
        }
        return self.media[media_id]

    def _quota_used(self) -> int:
        since = time.time() - self.quota_duration
        recent = sum(1 for m in self.media.values() if m["container"] and self._unix(m) > since)
        return self.published_before + recent

    def _unix(self, media: dict[str, Any]) -> float:
        return self._time(media["timestamp"]).timestamp()

    def publishing_limit(self, request: Request, user_id: str) -> Response | None:
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        asked = requested_fields(request.args.get("fields") or "quota_usage")
        entry: dict[str, Any] = {}
        if "quota_usage" in asked:
            entry["quota_usage"] = self._quota_used()
        if "config" in asked:
            entry["config"] = {
                "quota_total": self.quota_total,
                "quota_duration": self.quota_duration,
            }
        return self.facebook._json({"data": [entry]})

    # --- Nodes and lists --------------------------------------------------------------------

    def node(self, request: Request, node_id: str) -> Response | None:
        if node_id == self.user_id:
            try:
                view = self._user_view(request)
            except Gone as gone:
                return self.facebook._not_found(str(gone))
        elif node_id in self.containers:
            view = self._container_view(request, self.containers[node_id])
        elif node_id in self.media:
            asked = self._fields(request, "id", "IGMedia")
            view = self._media_view(self.media[node_id], asked)
        elif node_id in self.comments:
            asked = self._fields(request, "id,text,timestamp", "IGComment")
            view = self._comment_view(self.comments[node_id], asked)
        elif customer := self._customer(node_id):
            asked = self._fields(request, "id", "InstagramUser")
            view = {k: customer[k] for k in asked if k in customer}
        else:
            return None
        refused = self._authorised(request, node_id)
        return refused if refused is not None else self.facebook._json(view)

    def _customer(self, igsid: str) -> dict[str, str]:
        """Someone who wrote to the account, by their Instagram-scoped id ({} if nobody)."""
        for conversation in self.conversations.values():
            if conversation["igsid"] == igsid:
                return {"id": igsid, "username": conversation["username"]}
        return {}

    def _user_view(self, request: Request) -> dict[str, Any]:
        asked = self._fields(request, "id,username", "IGUser")
        view = {k: self.user[k] for k in asked if k in self.user}
        if "media_count" in asked:
            view["media_count"] = len(self.media)
        spec = request.args.get("fields") or ""
        if "mentioned_media" in asked:
            view["mentioned_media"] = self._mentioned_media(spec, asked["mentioned_media"])
        if "mentioned_comment" in asked:
            view["mentioned_comment"] = self._mentioned_comment(spec, asked["mentioned_comment"])
        return view

    def _mentioned_media(self, spec: str, nested: str) -> dict[str, Any]:
        """mentioned_media.media_id({id}){fields}: a post whose caption mentions us."""
        found = re.search(r"mentioned_media\.media_id\((\d+)\)", spec)
        media = self.others.get(found.group(1)) if found else None
        if media is None or not media["mentions"]:
            raise Gone(found.group(1) if found else "")
        return self._media_view(media, requested_fields(nested or "id"))

    def _mentioned_comment(self, spec: str, nested: str) -> dict[str, Any]:
        """mentioned_comment.comment_id({id}){fields}: a comment that mentions us."""
        found = re.search(r"mentioned_comment\.comment_id\((\d+)\)", spec)
        comment = self.comments.get(found.group(1)) if found else None
        if comment is None or not comment.get("mentions"):
            raise Gone(found.group(1) if found else "")
        return self._comment_view(comment, requested_fields(nested or "id"))

    def list_tags(self, request: Request, user_id: str) -> Response | None:
        """Posts that tag the account, the newest first (docs/instagram-platform/
        instagram-graph-api/reference/ig-user/tags)."""
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id", "IGMedia")
        found = [m for m in reversed(self.others.values()) if m["tagged"]]
        views = [self._media_view(m, asked) for m in found]
        return self.facebook._json(self.facebook._paged(request, views))

    def create_mention(self, request: Request, user_id: str) -> Response | None:
        """An answer to a caption or comment that mentions the account (docs/instagram-platform/
        instagram-graph-api/reference/ig-user/mentions): a comment below it."""
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        form = request.form
        media = self.others.get(form.get("media_id", ""))
        comment = self.comments.get(form.get("comment_id", "")) if form.get("comment_id") else None
        if media is None or (form.get("comment_id") and comment is None):
            return self.facebook._not_found(form.get("media_id", ""), "post")
        if not form.get("message"):
            return self._error("(#100) The parameter message is required", 100)
        if comment is None and not media["mentions"]:
            # "Commenting on photos in which you were tagged is not supported."
            return self._error("(#100) The account is not mentioned in this media's caption", 100)
        parent = (comment["parent_id"] or comment["id"]) if comment else ""
        made = self.add_comment(
            media["id"], form["message"], username=self.user["username"], parent=parent
        )
        return self._answer({"id": made["id"]})

    def _container_view(self, request: Request, container: dict[str, Any]) -> dict[str, Any]:
        asked = self._fields(request, "id", "ShadowIGMediaBuilder")
        status = self._container_status(container, look=True)
        view: dict[str, Any] = {"id": container["id"]}
        if "status_code" in asked:
            view["status_code"] = status
        if "status" in asked:
            view["status"] = self.error_status if status == "ERROR" else STATUS_TEXT[status]
        return view

    def _media_view(self, media: dict[str, Any], asked: dict[str, str]) -> dict[str, Any]:
        counted = {
            **media,
            "comments_count": sum(
                1 for c in self.comments.values() if c["media_id"] == media["id"]
            ),
        }
        view = {k: counted[k] for k in asked if k in counted and not k.startswith("_")}
        if not media["caption"]:
            view.pop("caption", None)  # Graph leaves out a field with no value
        return view

    def _comment_view(self, comment: dict[str, Any], asked: dict[str, str]) -> dict[str, Any]:
        view = {k: comment[k] for k in asked if k in comment and k != "replies"}
        if not comment["parent_id"]:
            view.pop("parent_id", None)
        if "replies" in asked:
            replies = [c for c in self.comments.values() if c["parent_id"] == comment["id"]]
            inner = requested_fields(asked["replies"] or "id,text,timestamp")
            view["replies"] = {"data": [self._comment_view(r, inner) for r in replies]}
        return view

    def list_media(self, request: Request, user_id: str) -> Response | None:
        if user_id != self.user_id:
            return None
        refused = self._authorised(request, user_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id", "IGMedia")
        since = int(request.args.get("since", "0") or 0)
        until = int(request.args.get("until", "0") or 0) or float("inf")
        found = [m for m in reversed(self.media.values()) if since <= self._unix(m) <= until]
        views = [self._media_view(m, asked) for m in found]
        return self.facebook._json(self.facebook._paged(request, views))

    def insights(self, request: Request, node_id: str) -> Response | None:
        media = self.media.get(node_id)
        if media is None:
            return None
        refused = self._authorised(request, node_id)
        if refused is not None:
            return refused
        metrics = [m for m in request.args.get("metric", "").split(",") if m]
        for metric in metrics:
            if metric in REMOVED_METRICS:
                return self._error(
                    f"(#100) Starting from version v22.0 and above, the {metric} metric is no "
                    "longer supported. Please use the views metric instead.",
                    100,
                )
            if metric not in INSIGHT_METRICS:
                return self._error(
                    "(#100) metric[0] must be one of the following values: "
                    + ", ".join(sorted(INSIGHT_METRICS)),
                    100,
                )
        if media["_insights"] is None:
            return self._error("(#10) Not enough viewers for the media to show insights", 10)
        data = [
            {
                "name": metric,
                "period": "lifetime",
                "values": [{"value": media["_insights"][metric]}],
                "title": metric.capitalize(),
                "description": f"The {metric} of this media.",
                "id": f"{node_id}/insights/{metric}/lifetime",
            }
            for metric in metrics
            if media["_insights"].get(metric) is not None
        ]
        return self.facebook._json({"data": data})

    # --- Comments ---------------------------------------------------------------------------

    def list_comments(self, request: Request, node_id: str) -> Response | None:
        if node_id not in self.media:
            return None
        refused = self._authorised(request, node_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id,text,timestamp", "IGComment")
        # Top-level comments, the newest first; replies only through `replies`.
        found = [
            c
            for c in reversed(self.comments.values())
            if c["media_id"] == node_id and not c["parent_id"]
        ]
        views = [self._comment_view(c, asked) for c in found]
        return self.facebook._json(self.facebook._paged(request, views))

    def list_replies(self, request: Request, node_id: str) -> Response | None:
        if node_id not in self.comments:
            return None
        refused = self._authorised(request, node_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id,text,timestamp", "IGComment")
        found = [c for c in self.comments.values() if c["parent_id"] == node_id]
        views = [self._comment_view(c, asked) for c in found]
        return self.facebook._json(self.facebook._paged(request, views))

    def create_reply(self, request: Request, node_id: str) -> Response | None:
        comment = self.comments.get(node_id)
        if comment is None:
            return None
        refused = self._authorised(request, node_id)
        if refused is not None:
            return refused
        message = request.form.get("message", "")
        if not message:
            return self._error("(#100) The parameter message is required", 100)
        # Replies belong to a top-level comment; a reply to a reply joins its parent.
        parent = comment["parent_id"] or comment["id"]
        reply = self.add_comment(
            comment["media_id"], message, username=self.user["username"], parent=parent
        )
        return self._answer({"id": reply["id"]})

    def update_comment(self, request: Request, node_id: str) -> Response | None:
        comment = self.comments.get(node_id)
        if comment is None:
            return None
        refused = self._authorised(request, node_id)
        if refused is not None:
            return refused
        hide = request.values.get("hide")
        if hide not in ("true", "false"):
            return self._error("(#100) The parameter hide is required", 100)
        if comment["from"]["id"] == self.user_id:
            return self._error("(#100) Comments by the media owner cannot be hidden", 100)
        comment["hidden"] = hide == "true"
        return self.facebook._json({"success": True})

    # --- Direct messages --------------------------------------------------------------------

    def _add_to(
        self, conversation: dict[str, Any], sender: dict[str, str], text: str, at: datetime | None
    ) -> dict[str, Any]:
        message = {
            "id": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlE" + secrets.token_urlsafe(16),
            "created_time": self._stamp(at),
            "from": sender,
            "message": text,
        }
        conversation["messages"].insert(0, message)
        return message

    def list_conversations(self, request: Request, page_id: str) -> Response | None:
        if page_id != self.page_id or request.args.get("platform") != "instagram":
            return None
        refused = self._authorised(request, page_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id", "UnifiedThread")
        user_id = request.args.get("user_id", "")
        found = sorted(
            (
                c
                for c in self.conversations.values()
                if c["messages"] and (not user_id or c["igsid"] == user_id)
            ),
            key=lambda c: c["messages"][0]["created_time"],
            reverse=True,
        )
        views = []
        for conversation in found:
            view: dict[str, Any] = {"id": conversation["id"]}
            if "updated_time" in asked:
                view["updated_time"] = conversation["messages"][0]["created_time"]
            if "messages" in asked:
                inner = requested_fields(asked["messages"] or "id,created_time")
                newest = conversation["messages"][:25]
                view["messages"] = {"data": [{k: m[k] for k in inner if k in m} for m in newest]}
            views.append(view)
        return self.facebook._json(self.facebook._paged(request, views))

    def send_message(self, request: Request, page_id: str) -> Response | None:
        try:
            recipient = json.loads(request.values.get("recipient", "{}"))
            message = json.loads(request.values.get("message", "{}"))
        except ValueError:
            return None
        if recipient.get("comment_id") in self.comments and page_id == self.page_id:
            return self._private_reply(request, self.comments[recipient["comment_id"]], message)
        conversation = next(
            (c for c in self.conversations.values() if c["igsid"] == str(recipient.get("id"))),
            None,
        )
        if page_id != self.page_id or conversation is None:
            return None
        refused = self._authorised(request, page_id)
        if refused is not None:
            return refused
        if request.values.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return self._error("(#100) Param messaging_type is required", 100)
        if not message.get("text"):
            return self._error("(#100) The parameter message[text] is required", 100)
        theirs = [m for m in conversation["messages"] if m["from"]["id"] == conversation["igsid"]]
        last = self._time(theirs[0]["created_time"]).timestamp() if theirs else 0
        if time.time() - last > MESSAGING_WINDOW:
            return self._error(
                "(#10) This message is sent outside of allowed window.", 10, subcode=2018278
            )
        us = {"id": self.user_id, "username": self.user["username"]}
        sent = self._add_to(conversation, us, message["text"], None)
        return self._answer({"recipient_id": conversation["igsid"], "message_id": sent["id"]})

    def _private_reply(
        self, request: Request, comment: dict[str, Any], message: dict[str, Any]
    ) -> Response:
        """Private Replies (docs/messenger-platform/instagram/features/private-replies): one
        message to a commenter within 7 days; a second gets code 10900 (unverified)."""
        refused = self._authorised(request, self.page_id)
        if refused is not None:
            return refused
        if comment.get("private_reply"):
            return self._error("(#10900) Activity already replied to", 10900)
        if time.time() - self._time(comment["timestamp"]).timestamp() > 7 * 24 * 3600:
            return self._error("(#10903) This activity can't be replied to", 10903)
        if not message.get("text"):
            return self._error("(#100) The parameter message[text] is required", 100)
        username = comment["username"]
        conversation = next(
            (c for c in self.conversations.values() if c["username"] == username), None
        )
        if conversation is None:
            self.add_message("", username=username)
            conversation = next(c for c in self.conversations.values() if c["username"] == username)
            conversation["messages"].clear()
        us = {"id": self.user_id, "username": self.user["username"]}
        sent = self._add_to(conversation, us, message["text"], None)
        comment["private_reply"] = sent["id"]
        return self._answer({"recipient_id": conversation["igsid"], "message_id": sent["id"]})

    def conversation_messages(self, request: Request, conversation_id: str) -> Response | None:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            return None
        refused = self._authorised(request, conversation_id)
        if refused is not None:
            return refused
        asked = self._fields(request, "id,created_time", "Message")
        views = [{k: m[k] for k in asked if k in m} for m in conversation["messages"]]
        return self.facebook._json(self.facebook._paged(request, views))


def connect_instagram(world: Any, fake: FakeInstagram, organisation: Any = None) -> Any:
    """A Channel connected as choosing the account after Facebook Login does: the IG user id,
    the Page's token, and the Page and username in its settings."""
    from klankbord.channels.networks.base import Account
    from klankbord.channels.networks.instagram import InstagramConnector
    from klankbord.channels.services import channel_connect

    account = Account(
        external_id=fake.user_id,
        base_url=fake.facebook.base_url,
        secrets={"access_token": fake.facebook.page_token(fake.page_id)},
        settings={"page_id": fake.page_id, "username": fake.user["username"]},
    )
    return channel_connect(
        organisation=organisation or world.org,
        network="instagram",
        profile=InstagramConnector(account, allow_loopback=True).profile(),
        by=world.alice,
        base_url=fake.facebook.base_url,
        secrets=account.secrets,
        settings=account.settings,
    )
