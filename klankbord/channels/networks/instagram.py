"""Instagram professional accounts through Facebook Login, on graph.facebook.com.

https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/

The account belongs to a Facebook Page; the Page's access token speaks for it. A post goes out in
steps (a container, then media_publish): each container id is kept on the post's progress before
the next call, so a retry continues with the same container and a container is published once.
"""

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import urlencode

import httpx
from django.utils.translation import gettext as _

from klankbord.channels.networks import facebook
from klankbord.channels.networks.base import (
    Account,
    AccountStore,
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
    Quota,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.facebook import (
    CLOCK_SKEW,
    LOOKUP_PAGES,
    LOOKUP_WINDOW,
    MESSAGING_WINDOW,
    ServerError,
    comparable,
    graph_url,
    newer,
    parse_time,
)
from klankbord.lib import http
from klankbord.lib.http import RateBudget
from klankbord.lib.links import safe_url

# https://developers.facebook.com/docs/instagram-platform/content-publishing — limits of a post.
CAPTION_LIMIT = 2200
HASHTAG_LIMIT = 30
MENTION_LIMIT = 20
MAX_IMAGES = 10
HASHTAG = re.compile(r"(?<![\w&])#\w+")
AT_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
# A container is looked at this many times, this many seconds apart, before an attempt gives up
# (the next attempt continues with the same container).
POLLS = 5
POLL_SECONDS = 2.0
# Container states (docs/instagram-platform/reference/ig-container, status_code).
FINISHED, IN_PROGRESS, ERROR, EXPIRED, PUBLISHED = (
    "FINISHED",
    "IN_PROGRESS",
    "ERROR",
    "EXPIRED",
    "PUBLISHED",
)
# What the post's progress keeps: the carousel's item containers (comma-separated), then the
# container that is published.
CHILDREN = "instagram_children"
CONTAINER = "instagram_container"
# When Meta gives no time, a full publishing limit is tried again after this long.
LIMIT_WAIT = timedelta(hours=1)
MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type"
COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id"
COMMENTS_ON_MEDIA_SINCE = timedelta(days=14)
MEDIA_PAGES = 5
COMMENT_PAGES = 5
# Our remote id of an Instagram direct message: instagram-dm/{igsid}/{message-id}.
DIRECT = "instagram-dm/"
# Our remote id of a post that tags or @-mentions the account, instagram-mention/{media-id}, and
# of a comment that @-mentions it, instagram-mention/{media-id}/{comment-id}: an answer to either
# needs both ids (POST /{ig-user-id}/mentions), and a tag and a caption mention of one post are
# one item.
MENTIONED = "instagram-mention/"
# What is read of a post that tags or mentions the account, and of a comment that mentions it.
TAG_FIELDS = "id,caption,timestamp,permalink,username"
MENTIONED_COMMENT_FIELDS = "id,text,timestamp,username"


@dataclass(frozen=True)
class IgAccount:
    """The Instagram professional account linked to a Facebook Page."""

    ig_user_id: str
    username: str
    name: str = ""
    profile_picture_url: str = ""


class ContainerExpired(ConnectorError):
    """The container (or an item of it) was not published within 24 hours: make a new one."""


class NotEnoughViewers(ConnectorError):
    """Insights are withheld (too few people saw the media, or it is older than the professional
    account): counts unknown, not zero."""


class Client(facebook.Client):
    """Graph calls for Instagram: its own error codes first, then Graph's usual ones."""

    network = "Instagram"

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code >= 300:
            self._instagram_error(response)
        # Graph's usual errors, named after this network (`network`) by Facebook's client.
        return super()._result(response)

    def _instagram_error(self, response: httpx.Response) -> None:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            return
        code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
        message = str(error.get("message") or "").rstrip(".")
        # Meta's own sentence for the user, when it has one ("The image is too large...").
        explained = str(error.get("error_user_msg") or message).rstrip(".")
        if code == 10 and "not enough viewers" in message.lower():
            raise NotEnoughViewers(message)
        if subcode == 2108006:
            # A post from before the account became a professional one has no insights.
            raise NotEnoughViewers(message)
        if subcode == 2207020:
            raise ContainerExpired(
                _("Instagram let the prepared post expire; it is prepared again.")
            )
        if code == 9 and subcode == 2207042:
            raise RateLimitError(
                _("Instagram's limit of posts a day is reached: %s") % message,
                retry_at=http.now_utc() + LIMIT_WAIT,
            )
        if code == 10 and subcode == 2018278:
            raise ConnectorError(
                _(
                    "Instagram refused the message: a business may answer only within 24 hours "
                    "of the customer's last message."
                ),
                permanent=True,
            )
        if code == 551:
            raise ConnectorError(
                _("Instagram says this person cannot receive messages right now."), permanent=True
            )
        if code == 4 and subcode == 2207051:
            # Code 4 is throttling elsewhere; with this subcode Instagram suspects spam.
            raise ConnectorError(_("Instagram blocked this post: %s") % explained, permanent=True)
        if code == 9004 or 36000 <= code <= 36003 or subcode in (2207052, 2207004, 2207009):
            raise ConnectorError(
                _("Instagram could not use an image of this post: %s") % explained,
                permanent=True,
            )
        if code in (-1, -2) or subcode in (2207001, 2207003, 2207027, 2207032):
            # Instagram's own hiccups and a container not ready yet: worth another try.
            raise ConnectorError(_("Instagram had a problem: %s") % explained)


def instagram_account_of(
    page_id: str, page_token: str, *, allow_loopback: bool
) -> IgAccount | None:
    """The professional account linked to this Page, or None (none linked; a personal account
    can never be linked)."""
    # https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started
    client = Client(graph_url(), token=page_token, allow_loopback=allow_loopback)
    body = client.call(
        "GET",
        f"/{page_id}",
        params={"fields": "instagram_business_account{id,username,name,profile_picture_url}"},
    )
    linked = body.get("instagram_business_account") or {}
    if not linked.get("id"):
        return None
    return IgAccount(
        ig_user_id=str(linked["id"]),
        username=str(linked.get("username") or ""),
        name=str(linked.get("name") or ""),
        profile_picture_url=safe_url(linked.get("profile_picture_url")),
    )


def message_id(igsid: str, mid: str) -> str:
    return f"{DIRECT}{igsid}/{mid}"


def message_parts(remote_id: str) -> tuple[str, str]:
    """The customer's Instagram-scoped id and the message id."""
    parts = remote_id.removeprefix(DIRECT).split("/", 1)
    if not remote_id.startswith(DIRECT) or len(parts) != 2 or not all(parts):
        raise ConnectorError(_("This is not an Instagram direct message."), permanent=True)
    return parts[0], parts[1]


def mention_id(media_id: str, comment_id: str = "") -> str:
    return f"{MENTIONED}{media_id}/{comment_id}" if comment_id else f"{MENTIONED}{media_id}"


def mention_parts(remote_id: str) -> tuple[str, str]:
    """The media id and the comment id ("" for a post) of a mention of the account."""
    media_id, _slash, comment_id = remote_id.removeprefix(MENTIONED).partition("/")
    if not remote_id.startswith(MENTIONED) or not media_id:
        raise ConnectorError(_("This is not a mention of the Instagram account."), permanent=True)
    return media_id, comment_id


def message_url(igsid: str, mid: str) -> str:
    # The account's inbox in Meta Business Suite; the message id keeps each address apart.
    query = urlencode({"selected_item_id": igsid, "mid": mid})
    return f"https://business.facebook.com/latest/inbox/instagram_direct?{query}"


def comment_url(permalink: str, comment: dict[str, Any]) -> str:
    """Instagram's own address of a comment below its post (…/p/{code}/c/{id}/, a reply
    …/c/{parent}/r/{id}/): each comment has its own, so none is taken for a copy of another."""
    if not permalink:
        return ""
    base = permalink.rstrip("/")
    if comment.get("parent_id"):
        return f"{base}/c/{comment['parent_id']}/r/{comment['id']}/"
    return f"{base}/c/{comment['id']}/"


def check_caption(text: str) -> None:
    """Instagram's limits of a caption, checked before anything is sent."""
    if len(text) > CAPTION_LIMIT:
        raise ConnectorError(
            _("Instagram takes at most %(max)s characters in a caption; this one has %(n)s.")
            % {"max": CAPTION_LIMIT, "n": len(text)},
            permanent=True,
        )
    if len(HASHTAG.findall(text)) > HASHTAG_LIMIT:
        raise ConnectorError(
            _("Instagram takes at most %(max)s hashtags in a caption.") % {"max": HASHTAG_LIMIT},
            permanent=True,
        )
    if len(AT_MENTION.findall(text)) > MENTION_LIMIT:
        raise ConnectorError(
            _("Instagram takes at most %(max)s @-mentions in a caption.") % {"max": MENTION_LIMIT},
            permanent=True,
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def insight_values(body: dict[str, Any]) -> dict[str, int | None]:
    """{metric name: lifetime value} of an insights answer."""
    found: dict[str, int | None] = {}
    for entry in body.get("data") or []:
        values = entry.get("values") or [{}]
        found[str(entry.get("name"))] = _count(values[0].get("value"))
    return found


class InstagramConnector(Connector):
    network = "instagram"
    label = "Instagram"
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
    # Private Replies: one direct message to a commenter, within 7 days of the comment.
    # https://developers.facebook.com/docs/messenger-platform/instagram/features/private-replies
    private_comment_window = facebook.PRIVATE_REPLY_WINDOW
    # https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message —
    # a text message holds at most 1,000 characters.
    private_limit = 1000
    hides_comments = True
    needs_media = True
    fetches_media = True
    has_quota = True

    def __init__(
        self,
        account: Account,
        store: AccountStore | None = None,
        *,
        budget: RateBudget | None = None,
        allow_loopback: bool = False,
    ) -> None:
        super().__init__(account, store, budget=budget, allow_loopback=allow_loopback)
        # Tests wait less between looks at a container.
        self.sleep: Callable[[float], None] = time.sleep

    @classmethod
    def conversation_of(cls, remote_id: str) -> str:
        if not remote_id.startswith(DIRECT):
            return remote_id
        igsid, _mid = message_parts(remote_id)
        return f"{DIRECT}{igsid}/"

    @property
    def ig_user_id(self) -> str:
        return self.account.external_id

    @property
    def page_id(self) -> str:
        return str(self.account.settings.get("page_id") or "")

    def client(self) -> Client:
        return Client(
            self.account.base_url or graph_url(),
            token=self.account.secrets.get("access_token", ""),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"instagram:{self.ig_user_id}",
        )

    # --- Profile and limits -------------------------------------------------------------------

    def profile(self) -> Profile:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user
        body = self.client().call(
            "GET",
            f"/{self.ig_user_id}",
            params={"fields": "id,username,name,profile_picture_url,followers_count"},
        )
        username = str(body.get("username") or body["id"])
        return Profile(
            external_id=str(body["id"]),
            handle=f"@{username}",
            display_name=str(body.get("name") or username),
            avatar_url=safe_url(body.get("profile_picture_url")),
            profile_url=f"https://www.instagram.com/{username}/",
            followers=_count(body.get("followers_count")),
        )

    def publishing_quota(self) -> Quota:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
        body = self.client().call(
            "GET",
            f"/{self.ig_user_id}/content_publishing_limit",
            params={"fields": "quota_usage,config"},
        )
        entry = (body.get("data") or [{}])[0]
        config = entry.get("config") or {}
        return Quota(
            used=_count(entry.get("quota_usage")) or 0,
            total=_count(config.get("quota_total")) or 50,
            window=timedelta(seconds=_count(config.get("quota_duration")) or 86400),
        )

    def _check_quota(self) -> None:
        quota = self.publishing_quota()
        if quota.left > 0:
            return
        raise RateLimitError(
            _("Instagram's limit of %(total)s posts a day is reached; the post waits.")
            % {"total": quota.total},
            retry_at=self._quota_frees_at(quota),
        )

    def _quota_frees_at(self, quota: Quota) -> datetime:
        """When the oldest post in Instagram's rolling window leaves it (our best estimate)."""
        now = datetime.now(UTC)
        times = sorted(
            created
            for item in self._media_since(now - quota.window, pages=1)
            if (created := parse_time(item.get("timestamp"))) is not None
        )
        over = quota.used - quota.total
        if len(times) > over >= 0:
            return max(times[over] + quota.window, now + timedelta(minutes=1))
        return now + LIMIT_WAIT

    # --- Publishing ----------------------------------------------------------------------------

    def publish(self, post: OutgoingPost) -> PublishedPost:
        try:
            if post.reply_to.startswith(MENTIONED):
                return self._reply_mention(post)
            if post.visibility == "direct" and not post.reply_to.startswith(DIRECT):
                return self._private_reply(post)
            if post.visibility == "direct":
                return self._send_message(post)
            if post.reply_to:
                return self._reply_comment(post)
            self._check_post(post)
            self._check_quota()
            return self._publish_media(post)
        except ContainerExpired:
            self._forget_containers(post)
            raise
        except ServerError as error:
            raise UnknownOutcomeError(
                _("Instagram had a problem after receiving the post; it may have gone out: %s")
                % error.message
            ) from error

    def _check_post(self, post: OutgoingPost) -> None:
        if not post.media:
            raise ConnectorError(_("Instagram needs at least one image."), permanent=True)
        if len(post.media) > self.max_images:
            raise ConnectorError(
                _("Instagram takes at most %(max)s images in one post.") % {"max": self.max_images},
                permanent=True,
            )
        if any(not media.url for media in post.media):
            raise ConnectorError(
                _(
                    "Instagram fetches the images from Klankbord's public address, and there is "
                    "none: SITE_URL must be a public https address."
                ),
                permanent=True,
            )
        check_caption(post.text)

    def _publish_media(self, post: OutgoingPost) -> PublishedPost:
        container = post.progress.get(CONTAINER) or self._new_container(post)
        status = self._wait_for(container)
        if status == PUBLISHED:
            # An earlier attempt published it: never a second time.
            found = self._find_media(post)
            if found is None:
                raise UnknownOutcomeError(
                    _("Instagram published this post but does not show it yet.")
                )
            return found
        if status == IN_PROGRESS:
            raise ConnectorError(
                _("Instagram is still preparing the images; the post is sent a little later.")
            )
        if status == EXPIRED or status.startswith(ERROR):
            self._drop_container(post, status)
        if status != FINISHED:
            raise ConnectorError(_("Instagram gave an unknown state of the post: %s") % status)
        return self._publish_container(container)

    def _publish_container(self, container: str) -> PublishedPost:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
        # Sent once: a lost answer is looked up through the container's state.
        body = self.client().call(
            "POST",
            f"/{self.ig_user_id}/media_publish",
            idempotent=False,
            data={"creation_id": container},
        )
        media_id = str(body["id"])
        return PublishedPost(remote_id=media_id, url=self.permalink(media_id))

    def permalink(self, media_id: str) -> str:
        """A post's address (instagram.com/p/{shortcode}/), "" when Instagram does not say;
        media_publish's answer and a webhook name only the id."""
        try:
            body = self.client().call("GET", f"/{media_id}", params={"fields": "permalink"})
        except ConnectorError:
            return ""  # the post is out; a missing link must not make it look failed
        return safe_url(body.get("permalink"))

    def _drop_container(self, post: OutgoingPost, status: str) -> NoReturn:
        """A container that failed or expired is forgotten, so the next attempt makes a new one."""
        reason = status.partition(":")[2].strip() or status
        self._forget_containers(post)
        if status == EXPIRED:
            raise ContainerExpired(
                _("Instagram let the prepared post expire; it is prepared again.")
            )
        raise ConnectorError(
            _("Instagram could not prepare this post: %s") % reason, permanent=True
        )

    @staticmethod
    def _forget_containers(post: OutgoingPost) -> None:
        post.progress.save(CONTAINER, "")
        post.progress.save(CHILDREN, "")

    def _new_container(self, post: OutgoingPost) -> str:
        try:
            if len(post.media) == 1:
                container = self._create(self._image_fields(post.media[0], caption=post.text))
            else:
                children = self._children(post)
                container = self._create(
                    {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}
                )
        except (UnknownOutcomeError, ServerError) as error:
            # A container nobody publishes is never seen: the next attempt makes another.
            raise ConnectorError(
                _("Instagram did not answer while preparing the post; nothing was posted yet.")
            ) from error
        # Kept before the next call: a retry continues with this container, never a second one.
        post.progress.save(CONTAINER, container)
        return container

    def _children(self, post: OutgoingPost) -> list[str]:
        """One item container per image, each kept as soon as it exists."""
        children = [c for c in post.progress.get(CHILDREN).split(",") if c]
        for media in post.media[len(children) :]:
            children.append(self._create(self._image_fields(media, carousel_item=True)))
            post.progress.save(CHILDREN, ",".join(children))
        return children

    @staticmethod
    def _image_fields(
        media: Media, *, caption: str = "", carousel_item: bool = False
    ) -> dict[str, str]:
        fields = {"image_url": media.url}
        if caption:
            fields["caption"] = caption
        if media.alt_text:
            fields["alt_text"] = media.alt_text
        if carousel_item:
            fields["is_carousel_item"] = "true"
        return fields

    def _create(self, fields: dict[str, str]) -> str:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
        body = self.client().call(
            "POST", f"/{self.ig_user_id}/media", idempotent=False, data=fields
        )
        return str(body["id"])

    def _status(self, container: str) -> str:
        """The container's status_code, with Instagram's reason after a colon for ERROR."""
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
        try:
            body = self.client().call(
                "GET", f"/{container}", params={"fields": "status_code,status"}
            )
        except NotFound:
            return EXPIRED  # gone: containers live 24 hours
        code = str(body.get("status_code") or "")
        if code == ERROR:
            return f"{ERROR}: {body.get('status') or ''}"
        return code

    def _wait_for(self, container: str) -> str:
        status = IN_PROGRESS
        for poll in range(POLLS):
            if poll:
                self.sleep(POLL_SECONDS)
            status = self._status(container)
            if status != IN_PROGRESS:
                break
        return status

    # --- Looking a post up ----------------------------------------------------------------------

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """Our post that is this one, by its container's state and the account's recent media."""
        if post.reply_to.startswith(MENTIONED):
            # Graph lets the account read neither the comments under someone else's post nor
            # the replies to their comment, so an answer to a mention cannot be looked up; "not
            # found" would send it again, so the answer stays unclear until someone checks.
            raise ConnectorError(
                _(
                    "Instagram does not show answers to mentions, so this one cannot be checked "
                    "here: look at the post on Instagram."
                ),
                permanent=True,
            )
        if post.visibility == "direct" and not post.reply_to.startswith(DIRECT):
            # Graph shows no private answer to a comment, and takes only one per comment: sending
            # again cannot make a second, so "not found" is safe here.
            return None
        if post.visibility == "direct":
            return self._find_message(post)
        if post.reply_to:
            return self._find_reply(post)
        container = post.progress.get(CONTAINER)
        if container:
            status = self._status(container)
            if status != PUBLISHED:
                # Not out; publishing this same container later cannot make a second post.
                return None
            found = self._find_media(post)
            if found is None:
                raise ConnectorError(_("Instagram published this post but does not show it yet."))
            return found
        return self._find_media(post)

    def _find_media(self, post: OutgoingPost) -> PublishedPost | None:
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        kind = "CAROUSEL_ALBUM" if len(post.media) > 1 else "IMAGE"
        # Not read back to the attempt: "not there" would be a guess, and a guess posts twice.
        too_many = _("Too many posts since this post was sent to check whether it went out.")
        for item in self._media_since(since, pages=LOOKUP_PAGES, too_many=too_many):
            if comparable(item.get("caption") or "") == text and item.get("media_type") == kind:
                return PublishedPost(remote_id=str(item["id"]), url=safe_url(item.get("permalink")))
        return None

    def _media_since(
        self, since: datetime, *, pages: int, too_many: str = ""
    ) -> Iterator[dict[str, Any]]:
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
        params = {
            "fields": MEDIA_FIELDS,
            "since": str(int(since.timestamp())),
            "limit": "100",
        }
        path = f"/{self.ig_user_id}/media"
        for item in self.client().items(path, params, pages=pages, too_many=too_many):
            created = parse_time(item.get("timestamp"))
            if created is not None and created >= since:
                yield item

    # --- Metrics ---------------------------------------------------------------------------------

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        client = self.client()
        result = {}
        for remote_id in remote_ids:
            # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media
            counts = client.call(
                "GET", f"/{remote_id}", params={"fields": "like_count,comments_count"}
            )
            insights = self._insights(client, remote_id)
            result[remote_id] = Metrics(
                likes=_count(counts.get("like_count")),
                replies=_count(counts.get("comments_count")),
                shares=insights.get("shares"),
                quotes=None,  # Instagram has no quotes
                views=insights.get("views"),
                saves=insights.get("saved"),
            )
        return result

    @staticmethod
    def _insights(client: Client, media_id: str) -> dict[str, int | None]:
        # https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
        # — "views" replaced impressions and plays in 2025.
        try:
            body = client.call(
                "GET",
                f"/{media_id}/insights",
                params={"metric": "views,reach,saved,shares", "period": "lifetime"},
            )
        except (NotEnoughViewers, facebook.Withheld):
            return {}  # unknown for now, not zero
        return insight_values(body)

    # --- Comments as mentions ------------------------------------------------------------------

    def mentions(self, cursor: str = "") -> MentionPage:
        """Comments on the account's recent media and direct messages, each since its cursor.

        A cursor is the time of the newest one read; what has that same second is read again
        (and dropped as a duplicate), so two comments in one second are never lost.
        """
        seen = json.loads(cursor) if cursor else {}
        comments, newest_comment = self._new_comments(seen.get("comments", ""))
        messages, newest_message = self._new_messages(seen.get("messages", ""))
        tags, newest_tag = self._new_tags(seen.get("tags", ""))
        position = {
            name: value
            for name, value in (
                ("comments", newest_comment),
                ("messages", newest_message),
                ("tags", newest_tag),
            )
            if value
        }
        return MentionPage(
            mentions=comments + messages + tags,
            cursor=json.dumps(position) if position else cursor,
        )

    def _new_tags(self, after: str) -> tuple[list[Mention], str]:
        """Posts by others that tag the account, since `after`; @-mentions come by webhook."""
        now = datetime.now(UTC)
        since = parse_time(after) or now - COMMENTS_ON_MEDIA_SINCE
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/tags
        params = {"fields": TAG_FIELDS, "limit": "50"}
        found: list[Mention] = []
        newest = after
        path = f"/{self.ig_user_id}/tags"
        for media in self.client().items(path, params, pages=MEDIA_PAGES):
            created = parse_time(media.get("timestamp"))
            if created is not None and created < since:
                break  # the newest come first: the rest was read before
            newest = newer(newest, str(media.get("timestamp") or ""))
            if not self._ours(media):
                found.append(self._media_mention(media))
        found.sort(key=lambda m: m.created_at or now)
        return found, newest

    @staticmethod
    def _media_mention(media: dict[str, Any]) -> Mention:
        username = str(media.get("username") or "")
        name = f"@{username}" if username else _("Instagram user")
        return Mention(
            remote_id=mention_id(str(media["id"])),
            url=safe_url(media.get("permalink")),
            author_handle=name,
            author_name=name,
            text=str(media.get("caption") or ""),
            created_at=parse_time(media.get("timestamp")),
            kind="mention",
            raw={"media_id": str(media["id"])},
        )

    def mentioned(self, media_id: str, comment_id: str = "") -> Mention | None:
        """The caption or comment a `mentions` webhook names (it carries only the ids), or
        None for our own; NotFound when it was deleted before we read it."""
        if comment_id:
            # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentioned_comment
            edge = "mentioned_comment"
            field = f"{edge}.comment_id({comment_id}){{{MENTIONED_COMMENT_FIELDS}}}"
        else:
            # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentioned_media
            edge = "mentioned_media"
            field = f"{edge}.media_id({media_id}){{{TAG_FIELDS}}}"
        body = self.client().call("GET", f"/{self.ig_user_id}", params={"fields": field})
        found = body.get(edge) or {}
        if not found.get("id"):
            raise NotFound(_("Instagram does not know this (any more)."))
        if self._ours(found):
            return None
        if not comment_id:
            return self._media_mention(found)
        username = str(found.get("username") or "")
        name = f"@{username}" if username else _("Instagram user")
        return Mention(
            remote_id=mention_id(media_id, comment_id),
            # Graph does not give the address of someone else's post from a comment on it.
            url="",
            author_handle=name,
            author_name=name,
            text=str(found.get("text") or ""),
            created_at=parse_time(found.get("timestamp")),
            kind="mention",
            in_reply_to=mention_id(media_id),
            raw={"media_id": media_id},
        )

    def _reply_mention(self, post: OutgoingPost) -> PublishedPost:
        """A public comment below the caption or comment that mentions the account, once."""
        media_id, comment_id = mention_parts(post.reply_to)
        if post.visibility == "direct":
            raise ConnectorError(
                _("A mention on Instagram can only be answered in public."), permanent=True
            )
        if len(post.text) > CAPTION_LIMIT:
            raise ConnectorError(
                _("Instagram takes at most %(max)s characters in a comment.")
                % {"max": CAPTION_LIMIT},
                permanent=True,
            )
        data = {"media_id": media_id, "message": post.text}
        if comment_id:
            data["comment_id"] = comment_id
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentions#creating
        # — no idempotency key and no way to read the answer back: sent once, never again blindly.
        body = self.client().call(
            "POST", f"/{self.ig_user_id}/mentions", idempotent=False, data=data
        )
        return PublishedPost(remote_id=str(body["id"]), url="")

    def _new_comments(self, after: str) -> tuple[list[Mention], str]:
        now = datetime.now(UTC)
        since = parse_time(after) or now - COMMENTS_ON_MEDIA_SINCE
        found: list[Mention] = []
        newest = after
        for media in self._media_since(now - COMMENTS_ON_MEDIA_SINCE, pages=MEDIA_PAGES):
            for comment in self._comments(media):
                created = parse_time(comment.get("timestamp"))
                if created is None or created < since:
                    continue
                newest = newer(newest, str(comment.get("timestamp") or ""))
                if not self._ours(comment):
                    found.append(self._comment_mention(comment, media))
        found.sort(key=lambda m: m.created_at or now)
        return found, newest

    def _comments(self, media: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The comments on one media item and the replies to each."""
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments
        params = {
            "fields": f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}",
            "limit": "50",
        }
        path = f"/{media['id']}/comments"
        for comment in self.client().items(path, params, pages=COMMENT_PAGES):
            yield comment
            yield from (comment.get("replies") or {}).get("data") or []

    def _ours(self, item: dict[str, Any]) -> bool:
        """Whether the account itself wrote this comment or message."""
        author = item.get("from") or {}
        if author.get("id"):
            return str(author["id"]) == self.ig_user_id
        username = item.get("username") or author.get("username")
        return bool(username) and username == self.account.settings.get("username")

    @staticmethod
    def _comment_mention(comment: dict[str, Any], media: dict[str, Any]) -> Mention:
        username = str(comment.get("username") or (comment.get("from") or {}).get("username") or "")
        name = f"@{username}" if username else _("Instagram user")
        return Mention(
            remote_id=str(comment["id"]),
            url=comment_url(safe_url(media.get("permalink")), comment),
            author_handle=name,
            author_name=name,
            text=str(comment.get("text") or ""),
            created_at=parse_time(comment.get("timestamp")),
            kind="reply",
            in_reply_to=str(comment.get("parent_id") or media["id"]),
            raw={"media_id": str(media["id"])},
        )

    def comment_hide(self, remote_id: str, *, hidden: bool) -> None:
        """Hide a comment from everyone but its author, or show it again."""
        if remote_id.startswith(DIRECT):
            raise ConnectorError(_("Only a comment can be hidden."), permanent=True)
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment
        # — hiding twice is harmless, so a lost answer may be retried.
        self.client().call(
            "POST", f"/{remote_id}", idempotent=True, data={"hide": "true" if hidden else "false"}
        )

    def _reply_comment(self, post: OutgoingPost) -> PublishedPost:
        if post.reply_to.startswith(DIRECT):
            raise ConnectorError(
                _("An Instagram direct message is answered privately."), permanent=True
            )
        if len(post.text) > CAPTION_LIMIT:
            raise ConnectorError(
                _("Instagram takes at most %(max)s characters in a comment.")
                % {"max": CAPTION_LIMIT},
                permanent=True,
            )
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies
        # — no idempotency key: an unclear outcome is looked up among the comment's replies.
        body = self.client().call(
            "POST", f"/{post.reply_to}/replies", idempotent=False, data={"message": post.text}
        )
        return PublishedPost(remote_id=str(body["id"]), url="")

    def _find_reply(self, post: OutgoingPost) -> PublishedPost | None:
        """Our reply with this text among the comment's replies since the attempt; never posts."""
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            since = max(since, post.not_before - CLOCK_SKEW)
        text = comparable(post.text)
        params = {"fields": COMMENT_FIELDS, "limit": "100"}
        too_many = _("Too many replies since this one was sent to check it.")
        path = f"/{post.reply_to}/replies"
        for reply in self.client().items(path, params, pages=LOOKUP_PAGES, too_many=too_many):
            created = parse_time(reply.get("timestamp"))
            fresh = created is None or created >= since
            if fresh and self._ours(reply) and comparable(reply.get("text") or "") == text:
                return PublishedPost(remote_id=str(reply["id"]), url="")
        return None

    # --- Direct messages (Messenger Platform for Instagram, through the Page) -----------------

    def _new_messages(self, after: str) -> tuple[list[Mention], str]:
        """Messages from customers since `after`, over the conversations most recently active."""
        if not self.page_id:
            return [], after
        since = parse_time(after) or datetime.now(UTC) - MESSAGING_WINDOW
        found: list[Mention] = []
        newest = after
        # https://developers.facebook.com/docs/messenger-platform/instagram/features/conversation
        client = self.client()
        for updated, messages in facebook.conversations_since(
            client, self.page_id, "instagram", since
        ):
            found += [self._message_mention(m) for m in messages if not self._ours(m)]
            newest = newer(newest, updated)
        return found, newest

    @staticmethod
    def _message_mention(message: dict[str, Any]) -> Mention:
        sender = message["from"]
        username = str(sender.get("username") or "")
        name = f"@{username}" if username else _("Instagram user")
        igsid, mid = str(sender["id"]), str(message["id"])
        return Mention(
            remote_id=message_id(igsid, mid),
            url=message_url(igsid, mid),
            author_handle=name,
            author_name=name,
            text=str(message.get("message") or ""),
            created_at=parse_time(message.get("created_time")),
            kind="message",
        )

    def _send_message(self, post: OutgoingPost) -> PublishedPost:
        igsid, _mid = message_parts(post.reply_to)
        if not self.page_id:
            raise ConnectorError(
                _("Reconnect the Instagram account to answer messages."), permanent=True
            )
        # https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message
        # — RESPONSE: an answer within the 24-hour window. Sent once; a lost answer is looked up.
        body = self.client().call(
            "POST",
            f"/{self.page_id}/messages",
            idempotent=False,
            data={
                "recipient": json.dumps({"id": igsid}),
                "messaging_type": "RESPONSE",
                "message": json.dumps({"text": post.text}),
            },
        )
        mid = str(body["message_id"])
        return PublishedPost(remote_id=message_id(igsid, mid), url=message_url(igsid, mid))

    def _private_reply(self, post: OutgoingPost) -> PublishedPost:
        """One direct message to the author of a comment (Private Replies), through the Page."""
        if not self.page_id:
            raise ConnectorError(
                _("Reconnect the Instagram account to answer messages."), permanent=True
            )
        # The Send API with the comment as recipient; the conversation opens when they answer.
        body = self.client().call(
            "POST",
            f"/{self.page_id}/messages",
            idempotent=False,
            data={
                "recipient": json.dumps({"comment_id": post.reply_to}),
                "message": json.dumps({"text": post.text}),
            },
        )
        igsid, mid = str(body["recipient_id"]), str(body["message_id"])
        return PublishedPost(remote_id=message_id(igsid, mid), url=message_url(igsid, mid))

    def _find_message(self, post: OutgoingPost) -> PublishedPost | None:
        """Our message with this text in the conversation, after the one it answers."""
        igsid, answered = message_parts(post.reply_to)
        conversation = self._conversation_with(igsid)
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            since = max(since, post.not_before - CLOCK_SKEW)
        # https://developers.facebook.com/docs/graph-api/reference/conversation/messages
        body = self.client().call(
            "GET",
            f"/{conversation}/messages",
            params={"fields": "id,created_time,from,message", "limit": "100"},
        )
        for message in body.get("data", []):
            created = parse_time(message.get("created_time"))
            if message.get("id") == answered or (created is not None and created < since):
                return None
            if self._ours(message) and comparable(message.get("message") or "") == comparable(
                post.text
            ):
                mid = str(message["id"])
                return PublishedPost(remote_id=message_id(igsid, mid), url=message_url(igsid, mid))
        if (body.get("paging") or {}).get("next"):
            raise ConnectorError(_("Too many messages since this one was sent to check it."))
        return None

    def customer_name(self, igsid: str) -> str:
        """A customer's @username, which a webhook does not carry."""
        # https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile
        body = self.client().call("GET", f"/{igsid}", params={"fields": "username"})
        username = str(body.get("username") or "")
        return f"@{username}" if username else _("Instagram user")

    def _conversation_with(self, igsid: str) -> str:
        # https://developers.facebook.com/docs/messenger-platform/instagram/features/conversation
        # — user_id finds the one conversation with this customer.
        body = self.client().call(
            "GET",
            f"/{self.page_id}/conversations",
            params={"platform": "instagram", "user_id": igsid, "fields": "id"},
        )
        found = body.get("data") or []
        if not found:
            raise NotFound(_("Instagram knows no conversation with this person (any more)."))
        return str(found[0]["id"])
