"""Facebook Pages through the Graph API (https://developers.facebook.com/docs/pages-api/).

Plain HTTP through our seam rather than the facebook-business SDK: its `requests` stack would
bypass our timeouts, budgets and the rule that a post is never sent twice blindly. Each
organisation brings its own Meta app; a channel holds one Page's access token.
"""

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
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
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.lib import http
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK_IN_SENTENCE

GRAPH_URL = "https://graph.facebook.com"
DIALOG_URL = "https://www.facebook.com"
VERSION = "v24.0"
# What the Login dialog asks for: publishing, comments, messages and the views of posts.
SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
    # A post's views: Page insights need it (docs/graph-api/reference/insights); without it
    # only the views are missing.
    "read_insights",
)
# Without these a Page cannot be listed or posted to.
REQUIRED_SCOPES = frozenset({"pages_show_list", "pages_manage_posts", "pages_read_engagement"})
# What the same dialog asks for when connecting the Instagram professional account of a Page
# (Instagram API with Facebook Login: developers.facebook.com/docs/instagram-platform/overview).
INSTAGRAM_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
)
# Without these the account cannot be found or posted to.
INSTAGRAM_REQUIRED_SCOPES = frozenset(
    {"pages_show_list", "pages_read_engagement", "instagram_basic", "instagram_content_publish"}
)
MAX_LENGTH = 63206
MAX_IMAGES = 10
# Meta throttles with these error codes in a 400 or 403, not with HTTP 429
# (docs/graph-api/overview/rate-limiting): app, user, page, API-specific, Pages and
# Instagram business use case.
THROTTLE_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
# Meta's windows roll over an hour; without an estimate we wait this long before trying again.
THROTTLE_WAIT = timedelta(minutes=15)
# From this usage (percent of a limit) on, calls pause a while so the limit is never reached.
SLOW_DOWN_AT = 80
PAUSE_PER_PERCENT = timedelta(seconds=45)
# A look-up reads the Page's posts this far back, in pages of 100, at most this many pages.
LOOKUP_WINDOW = timedelta(days=7)
LOOKUP_PAGE_SIZE = 100
LOOKUP_PAGES = 5
# Our clock and Meta's may differ a little: a look-up reads this much before the attempt.
CLOCK_SKEW = timedelta(minutes=5)
# Comments are read on the Page's posts of this long ago; webhooks bring those on older posts.
COMMENTS_ON_POSTS_SINCE = timedelta(days=14)
COMMENT_PAGES = 5
COMMENT_FIELDS = "id,message,from,created_time,parent,permalink_url"
# Posts by others that concern the Page: visitors' posts on it, and posts that tag it.
POST_FIELDS = "id,message,from,created_time,permalink_url"
MENTION_PAGES = 5
# The Page's edges they are read from (cursor kind → edge). Visitor posts come from `feed`
# without the Page's own: visitor_posts is "not supported for Pages that have been migrated to
# the New Pages Experience" (https://developers.facebook.com/docs/graph-api/reference/page/visitor_posts/),
# while the feed holds "posts by visitors to this Page" and posts that tag it
# (https://developers.facebook.com/docs/graph-api/reference/page/feed). `tagged`:
# https://developers.facebook.com/docs/graph-api/reference/page/tagged
MENTION_EDGES = {"posts": "feed", "tagged": "tagged"}
CONVERSATION_PAGES = 5
# Messenger's standard messaging window: a Page answers within 24 hours of the customer's message.
# https://developers.facebook.com/docs/messenger-platform/policy/policy-overview
MESSAGING_WINDOW = timedelta(hours=24)
# Meta's Private Replies: one message to the author of a comment, within 7 days of it.
# https://developers.facebook.com/docs/messenger-platform/discovery/private-replies
PRIVATE_REPLY_WINDOW = timedelta(days=7)
# What Graph answers to a second private reply to the same comment ("Activity already replied to").
ALREADY_REPLIED = 10900
# Our remote id of a Messenger message: messenger/{psid}/{message-id}; a webhook names no
# conversation, only the customer's page-scoped id (PSID), so the id does without it.
MESSENGER = "messenger/"


def graph_url() -> str:
    return str(getattr(settings, "FACEBOOK_GRAPH_URL", GRAPH_URL)).rstrip("/")


def dialog_base_url() -> str:
    return str(getattr(settings, "FACEBOOK_DIALOG_URL", DIALOG_URL)).rstrip("/")


def comparable(text: str) -> str:
    """Text as we sent it and as Graph returns it: whitespace collapsed, Unicode composed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def parse_time(value: str | None) -> datetime | None:
    # Graph writes "2026-12-06T16:00:00+0000".
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def usage_percent(headers: httpx.Headers) -> int:
    """The highest share of any limit used, from X-App-Usage, X-Page-Usage and BUC headers."""
    found = [0]
    for name in ("x-app-usage", "x-page-usage", "x-business-use-case-usage"):
        try:
            value = json.loads(headers.get(name) or "{}")
        except ValueError:
            continue
        # X-Business-Use-Case-Usage is {"<id>": [{"call_count": …}, …]}.
        entries = [e for v in value.values() for e in v] if name.endswith("case-usage") else [value]
        for entry in entries:
            if isinstance(entry, dict):
                found += [int(v) for k, v in entry.items() if k != "type" and _is_number(v)]
    return max(found)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def regain_after(headers: httpx.Headers) -> timedelta:
    """How long Meta says to wait (estimated_time_to_regain_access, minutes) or our default."""
    try:
        value = json.loads(headers.get("x-business-use-case-usage") or "{}")
        minutes = max(
            int(e.get("estimated_time_to_regain_access") or 0) for v in value.values() for e in v
        )
    except (ValueError, AttributeError, TypeError):
        minutes = 0
    return timedelta(minutes=minutes) if minutes > 0 else THROTTLE_WAIT


class ServerError(ConnectorError):
    """Graph answered 5xx or "unknown error": a create may have made its post anyway."""


class MissingPermission(AuthError):
    """The token works, but lacks a permission (or Meta's feature approval) this call needs:
    Graph code 10 or 200-299."""


class Withheld(ConnectorError):
    """Graph keeps a count back ("not enough viewers", a metric this object does not have):
    the count is missing, not zero, and access is fine."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def withholds(code: int, message: str) -> bool:
    """Whether an insights error keeps a count back rather than refusing access."""
    # "(#10) Not enough viewers for the media to show insights" (docs/instagram-api/reference/
    # ig-media/insights) and "(#100) ... must be a valid insights metric".
    lowered = message.lower()
    if code == 10:
        return "viewers" in lowered or "insights" in lowered
    return code == 100 and "insights metric" in lowered


@dataclass(frozen=True)
class App:
    app_id: str
    app_secret: str


@dataclass(frozen=True)
class Page:
    page_id: str
    name: str
    access_token: str
    tasks: tuple[str, ...] = ()
    # The Instagram professional account linked to the Page, when asked for and there is one.
    instagram_id: str = ""
    instagram_username: str = ""

    def __repr__(self) -> str:
        return f"<Page {self.page_id} {self.name}>"  # never the token


class Client(ApiClient):
    """The HTTP calls, with Graph's error bodies turned into our errors."""

    network = "Facebook"

    def call(self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any) -> Any:
        url = f"{self.base_url}/{VERSION}{path}"
        response = self.send(method, url, idempotent=idempotent, **kwargs)
        self._watch_usage(response)
        return self._result(response)

    def items(
        self, path: str, params: dict[str, str], *, pages: int, too_many: str = ""
    ) -> Iterator[dict[str, Any]]:
        """Every item of a Graph list, following its cursors for at most `pages` pages; with
        `too_many`, a list longer than that is an error instead of quietly cut."""
        # https://developers.facebook.com/docs/graph-api/results — cursor-based pagination
        for _page in range(pages):
            body = self.call("GET", path, params=params)
            yield from body.get("data", [])
            paging = body.get("paging") or {}
            if not paging.get("next"):
                return
            params = {**params, "after": paging["cursors"]["after"]}
        if too_many:
            raise ConnectorError(too_many)

    def _watch_usage(self, response: httpx.Response) -> None:
        used = usage_percent(response.headers)
        if used >= SLOW_DOWN_AT and self.budget is not None and self.budget_key:
            # Pause this account for longer the closer it is to the limit, so Meta never
            # has to throttle it: every worker sees the pause through the shared budget.
            pause = PAUSE_PER_PERCENT * (used - SLOW_DOWN_AT + 1)
            self.budget.record(self.budget_key, 0, http.now_utc() + pause)

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code < 300:
            return response.json() if response.content else {}
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
        # Meta's messages end in a full stop; ours put them inside a sentence.
        message = str(error.get("message") or response.reason_phrase or response.status_code)
        message = message.rstrip(".")
        # Instagram's client is this one: each message names the network the user knows.
        names = {"network": self.network, "error": message}
        if code == 10 and subcode == 2018278:
            raise ConnectorError(
                _(
                    "Facebook refused the message: Messenger lets a Page answer only within 24 "
                    "hours of the customer's last message."
                ),
                permanent=True,
            )
        if code == ALREADY_REPLIED:
            raise ConnectorError(
                _(
                    "%(network)s allows one private answer to a comment, and this comment "
                    "already has it: an earlier attempt arrived, or someone answered in Meta "
                    "Business Suite."
                )
                % names,
                permanent=True,
            )
        if code == 551:
            raise ConnectorError(
                _("Facebook says this person cannot receive messages right now."), permanent=True
            )
        if code in (102, 190):
            # 190/463 expired, 190/460 password changed, 190/458 app removed.
            raise AuthError(
                _("%(network)s no longer accepts our access: %(error)s. Reconnect the page.")
                % names
            )
        if withholds(code, message):
            raise Withheld(_("%(network)s keeps this count back: %(error)s") % names)
        if code == 10 or 200 <= code <= 299:
            raise MissingPermission(
                _(
                    "%(network)s refused a permission: %(error)s. Reconnect the page and allow "
                    "every permission Klankbord asks for."
                )
                % names
            )
        if code in THROTTLE_CODES:
            retry_at = http.now_utc() + regain_after(response.headers)
            if self.budget is not None and self.budget_key:
                self.budget.record(self.budget_key, 0, retry_at)
            raise RateLimitError(
                _("%(network)s asks us to slow down: %(error)s") % names, retry_at=retry_at
            )
        if code == 100 and subcode == 33:
            raise NotFound(_("%(network)s does not know this (any more): %(error)s") % names)
        if response.status_code >= 500 or code in (1, 2) or error.get("is_transient"):
            raise ServerError(_("%(network)s had a problem: %(error)s") % names)
        # 100 invalid parameter, 324 bad image, 368 blocked, 506 duplicate: no retry helps.
        raise ConnectorError(_("%(network)s refused this: %(error)s") % names, permanent=True)


# --- Connecting (Facebook Login, the manual flow) ------------------------------------------


def dialog_url(app: App, redirect_uri: str, state: str, scopes: tuple[str, ...] = SCOPES) -> str:
    # https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
    query = urlencode(
        {
            "client_id": app.app_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(scopes),
        }
    )
    return f"{dialog_base_url()}/{VERSION}/dialog/oauth?{query}"


def user_token(app: App, redirect_uri: str, code: str, *, allow_loopback: bool) -> str:
    """The code from the dialog → a short-lived user token → a long-lived one (about 60 days)."""
    client = Client(graph_url(), allow_loopback=allow_loopback)
    credentials = {"client_id": app.app_id, "client_secret": app.app_secret}
    # https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#confirm
    short = client.call(
        "GET",
        "/oauth/access_token",
        params={**credentials, "redirect_uri": redirect_uri, "code": code},
    )
    # https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
    long = client.call(
        "GET",
        "/oauth/access_token",
        params={
            **credentials,
            "grant_type": "fb_exchange_token",
            "fb_exchange_token": short["access_token"],
        },
    )
    return str(long["access_token"])


def missing_scopes(
    app: App, token: str, *, allow_loopback: bool, required: frozenset[str] = REQUIRED_SCOPES
) -> set[str]:
    """The permissions we need that the user unticked in the dialog."""
    # https://developers.facebook.com/docs/graph-api/reference/debug_token
    body = Client(graph_url(), allow_loopback=allow_loopback).call(
        "GET",
        "/debug_token",
        params={"input_token": token, "access_token": f"{app.app_id}|{app.app_secret}"},
    )
    return set(required) - set(body.get("data", {}).get("scopes") or [])


def pages_of(token: str, *, allow_loopback: bool, with_instagram: bool = False) -> list[Page]:
    """The Pages this user manages, each with its own Page token (which does not expire), and
    with `with_instagram` the Instagram professional account linked to each."""
    # https://developers.facebook.com/docs/pages-api/getting-started#get-page-access-token
    client = Client(graph_url(), token=token, allow_loopback=allow_loopback)
    fields = "id,name,access_token,tasks"
    if with_instagram:
        # https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started
        fields += ",instagram_business_account{id,username}"
    params = {"fields": fields, "limit": "100"}
    return [
        _page(item)
        for item in client.items("/me/accounts", params, pages=10)
        if item.get("access_token")
    ]


def _page(item: dict[str, Any]) -> Page:
    instagram = item.get("instagram_business_account") or {}
    return Page(
        page_id=str(item["id"]),
        name=str(item.get("name") or item["id"]),
        access_token=str(item["access_token"]),
        tasks=tuple(item.get("tasks") or ()),
        instagram_id=str(instagram.get("id") or ""),
        instagram_username=str(instagram.get("username") or ""),
    )


def message_id(psid: str, mid: str) -> str:
    return f"{MESSENGER}{psid}/{mid}"


def message_parts(remote_id: str) -> tuple[str, str]:
    """The customer's page-scoped id and the message id."""
    parts = remote_id.removeprefix(MESSENGER).split("/", 1)
    if not remote_id.startswith(MESSENGER) or len(parts) != 2 or not all(parts):
        raise ConnectorError(_("This is not a Messenger message."), permanent=True)
    return parts[0], parts[1]


def message_url(page_id: str, psid: str, mid: str) -> str:
    # The Page's inbox in Meta Business Suite; the message id keeps each address apart.
    query = urlencode({"asset_id": page_id, "selected_item_id": psid, "mid": mid})
    return f"https://business.facebook.com/latest/inbox/messenger?{query}"


def newer(a: str, b: str) -> str:
    """The later of two Graph times ("" is the earliest)."""
    if not a or not b:
        return a or b
    return a if (parse_time(a) or datetime.min) >= (parse_time(b) or datetime.min) else b


# Counts only: limit(0) leaves the reactions and comments themselves out.
METRIC_FIELDS = (
    "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def summary_total(edge: Any) -> int | None:
    """The total_count of an edge's summary; None when Graph gave none (withheld)."""
    if not isinstance(edge, dict) or not isinstance(edge.get("summary"), dict):
        return None
    return _count(edge["summary"].get("total_count"))


def share_count(body: dict[str, Any]) -> int | None:
    """Graph leaves `shares` out when nobody shared the post (and when it withholds it): None,
    so a count already known is kept."""
    shares = body.get("shares")
    return _count(shares.get("count")) if isinstance(shares, dict) else None


# Meta's "views": how often the post was on screen, repeats included.
VIEWS_METRIC = "post_media_view"


def insight_value(body: dict[str, Any], metric: str) -> int | None:
    """The latest value of one metric in an insights answer; None when Graph gave none (an
    empty list: a Page with too few followers for insights)."""
    # {"data": [{"name", "period", "values": [{"value": N}], "title", "description", "id"}]}
    for entry in body.get("data") or []:
        values = entry.get("values") if isinstance(entry, dict) else None
        if entry.get("name") == metric and isinstance(values, list) and values:
            last = values[-1]
            return _count(last.get("value")) if isinstance(last, dict) else None
    return None


def post_url(remote_id: str) -> str:
    # facebook.com/{page-id}_{post-id} opens the post; the permalink needs one more call.
    return f"https://www.facebook.com/{remote_id}"


def conversations_since(
    client: Client, page_id: str, platform: str, since: datetime
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The Page's Messenger or Instagram conversations with news since `since`, the most recently
    active first: each one's update time and its messages since then with a sender, oldest
    first (our own answers included: the caller knows which are ours)."""
    # https://developers.facebook.com/docs/graph-api/reference/page/conversations
    params = {
        "platform": platform,
        "fields": "id,updated_time,messages{id,created_time,from,message}",
        "limit": "25",
    }
    path = f"/{page_id}/conversations"
    for conversation in client.items(path, params, pages=CONVERSATION_PAGES):
        updated = parse_time(conversation.get("updated_time"))
        if updated is not None and updated < since:
            return
        yield str(conversation.get("updated_time") or ""), _messages_since(conversation, since)


def _messages_since(conversation: dict[str, Any], since: datetime) -> list[dict[str, Any]]:
    news = []
    # The nested edge lists the newest first; a burst beyond it waits for the webhook.
    for message in (conversation.get("messages") or {}).get("data") or []:
        created = parse_time(message.get("created_time"))
        if created is not None and created < since:
            break
        if (message.get("from") or {}).get("id"):
            news.append(message)
    return list(reversed(news))


class FacebookConnector(Connector):
    network = "facebook"
    label = "Facebook"
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
    private_window = MESSAGING_WINDOW
    private_comment_window = PRIVATE_REPLY_WINDOW
    hides_comments = True

    @classmethod
    def conversation_of(cls, remote_id: str) -> str:
        if not remote_id.startswith(MESSENGER):
            return remote_id
        psid, _mid = message_parts(remote_id)
        return f"{MESSENGER}{psid}/"

    def client(self) -> Client:
        return Client(
            self.account.base_url or graph_url(),
            token=self.account.secrets.get("access_token", ""),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"facebook:{self.account.external_id}",
        )

    def profile(self) -> Profile:
        # https://developers.facebook.com/docs/graph-api/reference/page
        body = self.client().call(
            "GET",
            f"/{self.account.external_id or 'me'}",
            params={"fields": "id,name,link,picture,followers_count"},
        )
        picture = (body.get("picture") or {}).get("data") or {}
        followers = body.get("followers_count")
        return Profile(
            external_id=str(body["id"]),
            handle=str(body.get("name") or body["id"]),
            display_name=str(body.get("name") or ""),
            avatar_url=safe_url(picture.get("url")),
            profile_url=safe_url(body.get("link")) or f"https://www.facebook.com/{body['id']}",
            followers=followers if isinstance(followers, int) and followers >= 0 else None,
        )

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        # https://developers.facebook.com/docs/graph-api/reference/post — one post per call; a
        # deleted post answers code 100, subcode 33 (NotFound).
        client = self.client()
        result = {}
        for remote_id in remote_ids:
            body = client.call("GET", f"/{remote_id}", params={"fields": METRIC_FIELDS})
            result[remote_id] = Metrics(
                likes=summary_total(body.get("reactions")),
                shares=share_count(body),
                replies=summary_total(body.get("comments")),
                quotes=None,  # Facebook has no quotes
                views=self._views(client, remote_id),
                saves=None,  # nor saves of a Page post
            )
        return result

    @staticmethod
    def _views(client: Client, remote_id: str) -> int | None:
        """How often the post was on screen; None when Graph keeps it back (too few viewers)."""
        # https://developers.facebook.com/docs/graph-api/reference/insights — Page post metrics.
        # post_media_view replaced post_impressions on 15 November 2025
        # (https://developers.facebook.com/documentation/pages-api/changelog/).
        params = {"metric": VIEWS_METRIC, "period": "lifetime"}
        try:
            body = client.call("GET", f"/{remote_id}/insights", params=params)
        except Withheld:
            return None
        except AuthError:
            # The same token just read the post: only insights are refused (a Page connected
            # before read_insights was asked for), so only the views are missing.
            return None
        return insight_value(body, VIEWS_METRIC)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if len(post.media) > self.max_images:
            raise ConnectorError(
                _("Facebook takes at most %(max)s images in one post.") % {"max": self.max_images},
                permanent=True,
            )
        try:
            if post.visibility == "direct" and not post.reply_to.startswith(MESSENGER):
                return self._private_reply(post)
            if post.visibility == "direct":
                return self._send_message(post)
            if post.reply_to:
                return self._reply_comment(post)
            if len(post.media) == 1:
                return self._publish_photo(post.text, post.media[0])
            return self._publish_feed(post)
        except ServerError as error:
            raise UnknownOutcomeError(
                _("Facebook had a problem after receiving the post; it may have gone out: %s")
                % error.message
            ) from error

    def _publish_feed(self, post: OutgoingPost) -> PublishedPost:
        data: dict[str, str] = {"message": post.text}
        # Several photos: each uploaded unpublished, then attached to one post.
        for index, media in enumerate(post.media):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": self._upload(media)})
        link = LINK_IN_SENTENCE.search(post.text)
        if link and not post.media:
            data["link"] = link.group(0)
        # https://developers.facebook.com/docs/pages-api/posts#publish-posts — sent once: Graph
        # has no idempotency key, so an unclear outcome is looked up, never sent again.
        body = self.client().call(
            "POST", f"/{self.account.external_id}/feed", idempotent=False, data=data
        )
        return PublishedPost(remote_id=str(body["id"]), url=post_url(str(body["id"])))

    def _publish_photo(self, text: str, media: Media) -> PublishedPost:
        # https://developers.facebook.com/docs/graph-api/reference/page/photos#publish
        body = self.client().call(
            "POST",
            f"/{self.account.external_id}/photos",
            idempotent=False,
            data={"caption": text, "alt_text_custom": media.alt_text, "published": "true"},
            files={"source": (media.filename, media.content, media.mime_type)},
        )
        remote_id = str(body.get("post_id") or body["id"])
        return PublishedPost(remote_id=remote_id, url=post_url(remote_id))

    def _upload(self, media: Media) -> str:
        try:
            body = self.client().call(
                "POST",
                f"/{self.account.external_id}/photos",
                idempotent=False,
                data={"published": "false", "alt_text_custom": media.alt_text},
                files={"source": (media.filename, media.content, media.mime_type)},
            )
        except (UnknownOutcomeError, ServerError) as error:
            # An unpublished photo that no post uses is invisible: the post uploads it again.
            raise ConnectorError(
                _("Facebook did not answer while receiving an image; nothing was posted yet.")
            ) from error
        return str(body["id"])

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """Our post that is this one, among the Page's recent posts; never posts."""
        if post.visibility == "direct" and not post.reply_to.startswith(MESSENGER):
            # Graph shows no private answer to a comment, and takes only one per comment: sending
            # again cannot make a second, so "not found" is safe here.
            return None
        if post.visibility == "direct":
            return self._find_message(post)
        if post.reply_to:
            return self._find_comment(post)
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            # The same words posted before this attempt began are another post.
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        for found in self._posts_since(since):
            if comparable(found.get("message") or "") == text and self._photos(found) == len(
                post.media
            ):
                remote_id = str(found["id"])
                return PublishedPost(
                    remote_id=remote_id,
                    url=safe_url(found.get("permalink_url")) or post_url(remote_id),
                )
        return None

    def _posts_since(self, since: datetime) -> Iterator[dict[str, Any]]:
        # https://developers.facebook.com/docs/graph-api/reference/page/published_posts
        params = {
            "fields": "id,message,created_time,permalink_url,attachments",
            "since": str(int(since.timestamp())),
            "limit": str(LOOKUP_PAGE_SIZE),
        }
        # Not read back to the attempt: "not there" would be a guess, and a guess posts twice.
        too_many = _("Too many posts since this post was sent to check whether it went out.")
        path = f"/{self.account.external_id}/published_posts"
        for item in self.client().items(path, params, pages=LOOKUP_PAGES, too_many=too_many):
            created = parse_time(item.get("created_time"))
            if created is not None and created >= since:
                yield item

    @staticmethod
    def _photos(found: dict[str, Any]) -> int:
        """How many photos a post shows: one per photo attachment, or per photo in an album."""
        count = 0
        for attachment in (found.get("attachments") or {}).get("data", []):
            inner = (attachment.get("subattachments") or {}).get("data")
            if inner:
                count += sum(1 for item in inner if item.get("type") == "photo")
            elif attachment.get("type") == "photo":
                count += 1
        return count

    # --- Comments and Messenger as mentions ---------------------------------------------------

    def mentions(self, cursor: str = "") -> MentionPage:
        """Comments on the Page's recent posts, Messenger messages, visitors' posts on the Page
        and posts that tag it, each kind since its own cursor.

        A cursor is the time of the newest one read; what has that same second is read again
        (and dropped as a duplicate), so two comments in one second are never lost.
        """
        seen = json.loads(cursor) if cursor else {}
        comments, newest_comment = self._new_comments(seen.get("comments", ""))
        messages, newest_message = self._new_messages(seen.get("messages", ""))
        position = {"comments": newest_comment, "messages": newest_message}
        found = comments + messages
        for kind, edge in MENTION_EDGES.items():
            try:
                posts, position[kind] = self._new_posts(edge, seen.get(kind, ""))
            except MissingPermission:
                # `tagged` may need Meta's Page Public Content Access: without it, the rest
                # still comes in, and this kind's cursor stays where it was.
                posts, position[kind] = [], seen.get(kind, "")
            known = {m.remote_id for m in found}
            # A visitor's post on the Page that also tags it comes once.
            found += [post for post in posts if post.remote_id not in known]
        position = {name: value for name, value in position.items() if value}
        return MentionPage(mentions=found, cursor=json.dumps(position) if position else cursor)

    def _new_posts(self, edge: str, after: str) -> tuple[list[Mention], str]:
        """Posts on one of the Page's edges since `after`, without the Page's own."""
        now = datetime.now(UTC)
        since = parse_time(after) or now - COMMENTS_ON_POSTS_SINCE
        params = {
            "fields": POST_FIELDS,
            "since": str(int(since.timestamp())),
            "limit": "100",
        }
        found: list[Mention] = []
        newest = after
        path = f"/{self.account.external_id}/{edge}"
        for post in self.client().items(path, params, pages=MENTION_PAGES):
            created = parse_time(post.get("created_time"))
            if created is not None and created < since:
                continue
            newest = newer(newest, str(post.get("created_time") or ""))
            if (post.get("from") or {}).get("id") != self.account.external_id:
                found.append(self._post_mention(post))
        found.sort(key=lambda m: m.created_at or now)
        return found, newest

    @staticmethod
    def _post_mention(post: dict[str, Any]) -> Mention:
        author = post.get("from") or {}
        # Graph gives a person's post its `from` only when they ask themselves
        # (docs/graph-api/reference/page/tagged, Limitations); a webhook names them.
        name = str(author.get("name") or _("Facebook user"))
        remote_id = str(post["id"])
        return Mention(
            remote_id=remote_id,
            url=safe_url(post.get("permalink_url")) or post_url(remote_id),
            author_handle=name,
            author_name=name,
            text=str(post.get("message") or ""),
            created_at=parse_time(post.get("created_time")),
            kind="mention",
            raw={"post_id": remote_id, "from_id": str(author.get("id") or "")},
        )

    def mentioned(self, post_id: str, comment_id: str = "") -> Mention:
        """The post or comment a `mention` webhook names, read from Graph (the webhook carries
        no text); NotFound when it was deleted before we read it."""
        client = self.client()
        if not comment_id:
            # https://developers.facebook.com/docs/graph-api/reference/post
            post = client.call("GET", f"/{post_id}", params={"fields": POST_FIELDS})
            return self._post_mention(post)
        # https://developers.facebook.com/docs/graph-api/reference/comment
        comment = client.call("GET", f"/{comment_id}", params={"fields": COMMENT_FIELDS})
        found = self._comment_mention(comment, post_id)
        return replace(found, kind="mention")

    def _new_comments(self, after: str) -> tuple[list[Mention], str]:
        now = datetime.now(UTC)
        since = parse_time(after) or now - COMMENTS_ON_POSTS_SINCE
        found: list[Mention] = []
        newest = after
        for post in self._posts_since(now - COMMENTS_ON_POSTS_SINCE):
            # Read newest first (to stop at the cursor), kept oldest first.
            for comment in reversed(list(self._comments(str(post["id"]), since))):
                newest = newer(newest, str(comment.get("created_time") or ""))
                if (comment.get("from") or {}).get("id") != self.account.external_id:
                    found.append(self._comment_mention(comment, str(post["id"])))
        found.sort(key=lambda m: m.created_at or now)
        return found, newest

    def _comments(self, post_id: str, since: datetime) -> Iterator[dict[str, Any]]:
        """The comments and replies on one post from `since` on, the newest first."""
        # https://developers.facebook.com/docs/graph-api/reference/object/comments — stream:
        # replies to comments too, each with its parent.
        params = {
            "filter": "stream",
            "order": "reverse_chronological",
            "fields": COMMENT_FIELDS,
            "limit": "100",
        }
        for comment in self.client().items(f"/{post_id}/comments", params, pages=COMMENT_PAGES):
            created = parse_time(comment.get("created_time"))
            if created is not None and created < since:
                return
            yield comment

    @staticmethod
    def _comment_mention(comment: dict[str, Any], post_id: str) -> Mention:
        author = comment.get("from") or {}
        # Graph leaves out `from` when the commenter's privacy does not let the Page see it.
        name = str(author.get("name") or _("Facebook user"))
        return Mention(
            remote_id=str(comment["id"]),
            url=safe_url(comment.get("permalink_url")) or post_url(str(comment["id"])),
            author_handle=name,
            author_name=name,
            text=str(comment.get("message") or ""),
            created_at=parse_time(comment.get("created_time")),
            kind="reply",
            in_reply_to=str((comment.get("parent") or {}).get("id") or post_id),
            raw={"post_id": post_id, "from_id": str(author.get("id") or "")},
        )

    def _new_messages(self, after: str) -> tuple[list[Mention], str]:
        """Messages from customers since `after`, over the conversations most recently active."""
        since = parse_time(after) or datetime.now(UTC) - MESSAGING_WINDOW
        found: list[Mention] = []
        newest = after
        page_id = self.account.external_id
        for updated, messages in conversations_since(self.client(), page_id, "messenger", since):
            found += [self._message_mention(m) for m in messages if m["from"]["id"] != page_id]
            newest = newer(newest, updated)
        return found, newest

    def _message_mention(self, message: dict[str, Any]) -> Mention:
        sender = message["from"]
        name = str(sender.get("name") or _("Facebook user"))
        psid, mid = str(sender["id"]), str(message["id"])
        return Mention(
            remote_id=message_id(psid, mid),
            url=message_url(self.account.external_id, psid, mid),
            author_handle=name,
            author_name=name,
            text=str(message.get("message") or ""),
            created_at=parse_time(message.get("created_time")),
            kind="message",
        )

    # --- Answers ----------------------------------------------------------------------------

    def _reply_comment(self, post: OutgoingPost) -> PublishedPost:
        if post.reply_to.startswith(MESSENGER):
            raise ConnectorError(_("A Messenger message is answered privately."), permanent=True)
        # https://developers.facebook.com/docs/graph-api/reference/object/comments#publish —
        # no idempotency key: an unclear outcome is looked up among the comment's replies.
        body = self.client().call(
            "POST", f"/{post.reply_to}/comments", idempotent=False, data={"message": post.text}
        )
        return PublishedPost(remote_id=str(body["id"]), url=post_url(str(body["id"])))

    def _find_comment(self, post: OutgoingPost) -> PublishedPost | None:
        """Our reply with this text among the comment's replies since the attempt; never posts."""
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        params = {"order": "reverse_chronological", "fields": COMMENT_FIELDS, "limit": "100"}
        too_many = _("Too many replies since this one was sent to check it.")
        path = f"/{post.reply_to}/comments"
        for comment in self.client().items(path, params, pages=LOOKUP_PAGES, too_many=too_many):
            created = parse_time(comment.get("created_time"))
            if created is not None and created < since:
                return None
            ours = (comment.get("from") or {}).get("id") == self.account.external_id
            if ours and comparable(comment.get("message") or "") == text:
                remote_id = str(comment["id"])
                url = safe_url(comment.get("permalink_url")) or post_url(remote_id)
                return PublishedPost(remote_id=remote_id, url=url)
        return None

    def _send_message(self, post: OutgoingPost) -> PublishedPost:
        psid, _mid = message_parts(post.reply_to)
        # https://developers.facebook.com/docs/messenger-platform/send-messages — RESPONSE:
        # an answer within the 24-hour window. Sent once; a lost answer is looked up.
        body = self.client().call(
            "POST",
            f"/{self.account.external_id}/messages",
            idempotent=False,
            data={
                "recipient": json.dumps({"id": psid}),
                "messaging_type": "RESPONSE",
                "message": json.dumps({"text": post.text}),
            },
        )
        mid = str(body["message_id"])
        return PublishedPost(
            remote_id=message_id(psid, mid),
            url=message_url(self.account.external_id, psid, mid),
        )

    def _private_reply(self, post: OutgoingPost) -> PublishedPost:
        """One private Messenger message to the author of a comment or of a visitor's post on
        the Page (Meta's Private Replies)."""
        # https://developers.facebook.com/docs/messenger-platform/discovery/private-replies — the
        # Send API with the comment (comment_id) or the post (post_id) as recipient; the
        # conversation opens when they answer. A post on the Page has an id that starts with the
        # Page's; a comment's starts with its post's.
        on_page = post.reply_to.startswith(f"{self.account.external_id}_")
        recipient = {"post_id" if on_page else "comment_id": post.reply_to}
        body = self.client().call(
            "POST",
            f"/{self.account.external_id}/messages",
            idempotent=False,
            data={
                "recipient": json.dumps(recipient),
                "message": json.dumps({"text": post.text}),
            },
        )
        psid, mid = str(body["recipient_id"]), str(body["message_id"])
        return PublishedPost(
            remote_id=message_id(psid, mid), url=message_url(self.account.external_id, psid, mid)
        )

    def _find_message(self, post: OutgoingPost) -> PublishedPost | None:
        """Our message with this text in the conversation, after the one it answers."""
        psid, answered = message_parts(post.reply_to)
        conversation = self._conversation_with(psid)
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            since = max(since, post.not_before - CLOCK_SKEW)
        # https://developers.facebook.com/docs/graph-api/reference/conversation/messages
        body = self.client().call(
            "GET",
            f"/{conversation}/messages",
            params={"fields": "message,from,created_time,id", "limit": "100"},
        )
        for message in body.get("data", []):
            created = parse_time(message.get("created_time"))
            if message.get("id") == answered or (created is not None and created < since):
                return None
            ours = (message.get("from") or {}).get("id") == self.account.external_id
            if ours and comparable(message.get("message") or "") == comparable(post.text):
                mid = str(message["id"])
                return PublishedPost(
                    remote_id=message_id(psid, mid),
                    url=message_url(self.account.external_id, psid, mid),
                )
        if (body.get("paging") or {}).get("next"):
            raise ConnectorError(_("Too many messages since this one was sent to check it."))
        return None

    def _conversation_with(self, psid: str) -> str:
        # https://developers.facebook.com/docs/graph-api/reference/page/conversations — user_id
        # finds the one conversation with this customer.
        body = self.client().call(
            "GET",
            f"/{self.account.external_id}/conversations",
            params={"platform": "messenger", "user_id": psid, "fields": "id"},
        )
        found = body.get("data") or []
        if not found:
            raise NotFound(_("Facebook knows no conversation with this person (any more)."))
        return str(found[0]["id"])

    def customer_name(self, psid: str) -> str:
        """A Messenger customer's name, which a webhook does not carry."""
        # https://developers.facebook.com/docs/messenger-platform/identity/user-profile
        body = self.client().call("GET", f"/{psid}", params={"fields": "name"})
        return str(body.get("name") or _("Facebook user"))

    def comment_hide(self, remote_id: str, *, hidden: bool) -> None:
        """Hide a comment from everyone but its author and their friends, or show it again."""
        if remote_id.startswith(MESSENGER):
            raise ConnectorError(_("Only a comment can be hidden."), permanent=True)
        # https://developers.facebook.com/docs/graph-api/reference/comment#updating — hiding
        # twice is harmless, so a lost answer may be retried.
        self.client().call(
            "POST",
            f"/{remote_id}",
            idempotent=True,
            data={"is_hidden": "true" if hidden else "false"},
        )
