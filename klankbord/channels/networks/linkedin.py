"""LinkedIn organisation pages and members' own profiles through LinkedIn's REST API.

https://learn.microsoft.com/en-us/linkedin/marketing/community-management/ — every call carries
`LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`. A post's text is "little text":
its reserved characters are escaped, or LinkedIn cuts the post short at the first one and still
answers 201. LinkedIn has no idempotency key, so an unclear outcome is looked up among the
author's recent posts, never sent again blindly. Each organisation brings its own LinkedIn app.
"""

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

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
from klankbord.channels.networks.facebook import comparable
from klankbord.lib import http
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK_IN_SENTENCE

API_URL = "https://api.linkedin.com"
OAUTH_URL = "https://www.linkedin.com/oauth/v2"
# LinkedIn sunsets a version about a year after its release.
VERSION = "202611"
PAGE_SCOPES = ("r_organization_social", "w_organization_social", "rw_organization_admin")
PROFILE_SCOPES = ("openid", "profile", "w_member_social")
ORGANIZATION = "urn:li:organization:"
PERSON = "urn:li:person:"
MAX_LENGTH = 3000
MAX_IMAGES = 20  # MultiImage takes 2 to 20 images
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
# Every reserved character, except the # that starts a hashtag: LinkedIn keeps "#brood" as a
# clickable hashtag element and cuts the text at no hashtag.
RESERVED = re.compile(r"([\\|{}@\[\]()<>*_~]|#(?![^\W_]))")
# Refresh (where LinkedIn granted a refresh token) this long before the access token expires.
REFRESH_WHEN_LEFT = timedelta(days=10)
# https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits — daily
# counters, reset at midnight UTC; a 429 says nothing about when, so we wait for the reset.
LOOKUP_WINDOW = timedelta(days=7)
LOOKUP_PAGE_SIZE = 50
LOOKUP_PAGES = 4
CLOCK_SKEW = timedelta(minutes=5)
COMMENTS_ON_POSTS_SINCE = timedelta(days=14)
COMMENT_PAGE_SIZE = 100
# An uploaded image is checked this many times, this far apart, before the attempt gives way.
STATUS_CHECKS = 5
STATUS_WAIT_SECONDS = 2.0


def api_url() -> str:
    return str(getattr(settings, "LINKEDIN_API_URL", API_URL)).rstrip("/")


def oauth_url() -> str:
    return str(getattr(settings, "LINKEDIN_OAUTH_URL", OAUTH_URL)).rstrip("/")


def status_wait_seconds() -> float:
    return float(getattr(settings, "LINKEDIN_STATUS_WAIT_SECONDS", STATUS_WAIT_SECONDS))


def escape(text: str) -> str:
    """Text as little text: reserved characters backslash-escaped, so it shows as typed."""
    return RESERVED.sub(r"\\\1", text)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def next_midnight_utc() -> datetime:
    now = http.now_utc()
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def is_organization(urn: str) -> bool:
    return urn.startswith(ORGANIZATION)


def encoded(urn: str) -> str:
    # REST.li 2.0: a URN in a path or inside List(...) is percent-encoded, the syntax around not.
    return quote(urn, safe="")


def restli_list(urns: list[str]) -> str:
    return "List(" + ",".join(encoded(urn) for urn in urns) + ")"


def comment_object(comment_urn: str) -> str:
    """urn:li:comment:(urn:li:activity:1,2) → urn:li:activity:1, the post it is under."""
    inner = comment_urn.removeprefix("urn:li:comment:(").removesuffix(")")
    return inner.rsplit(",", 1)[0]


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: datetime
    refresh_token: str = ""
    refresh_expires_at: datetime | None = None
    scopes: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"<Token until {self.expires_at:%Y-%m-%d}>"  # never the token

    def secrets(self, app: App) -> dict[str, Any]:
        found: dict[str, Any] = {
            "access_token": self.access_token,
            "expires_at": int(self.expires_at.timestamp()),
        }
        if self.refresh_token:
            # The refresh needs the app's credentials; the channel keeps them with the token.
            found.update(
                refresh_token=self.refresh_token,
                refresh_expires_at=int(self.refresh_expires_at.timestamp())
                if self.refresh_expires_at
                else None,
                client_id=app.client_id,
                client_secret=app.client_secret,
            )
        return found


@dataclass(frozen=True)
class Organisation:
    urn: str
    name: str
    vanity_name: str = ""

    @property
    def url(self) -> str:
        slug = self.vanity_name or self.urn.removeprefix(ORGANIZATION)
        return f"https://www.linkedin.com/company/{slug}/"


class ServerError(ConnectorError):
    """LinkedIn answered 5xx: a create may have made its post anyway."""


class Client(ApiClient):
    """LinkedIn's REST calls, with its error bodies turned into our errors."""

    network = "LinkedIn"

    def call(
        self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {
            "LinkedIn-Version": str(getattr(settings, "LINKEDIN_VERSION", VERSION)),
            "X-Restli-Protocol-Version": "2.0.0",
            **kwargs.pop("headers", {}),
        }
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        try:
            response = self.send(method, url, idempotent=idempotent, headers=headers, **kwargs)
        except RateLimitError as error:
            raise self._throttled() from error
        self._check(response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        return response.json() if response.content else {}

    def _throttled(self) -> RateLimitError:
        retry_at = next_midnight_utc()
        if self.budget is not None and self.budget_key:
            # Every worker sees the pause: no call for this account until LinkedIn resets.
            self.budget.record(self.budget_key, 0, retry_at)
        return RateLimitError(
            _("LinkedIn's daily limit for this account is reached; it resets at midnight UTC."),
            retry_at=retry_at,
        )

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300:
            return
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        # {"status", "serviceErrorCode", "code", "message"}; the OAuth endpoints say
        # {"error", "error_description"}.
        message = str(
            body.get("message") or body.get("error_description") or response.reason_phrase
        ).rstrip(".")
        if status == 429:
            raise self._throttled()
        if status == 401 or body.get("error") == "invalid_grant":
            raise AuthError(
                _("LinkedIn no longer accepts our access: %s. Reconnect LinkedIn.") % message
            )
        if status == 403:
            raise ConnectorError(
                _(
                    "LinkedIn refused access: %s. The person who connected must be an "
                    "administrator of the page and allow every permission Klankbord asks for."
                )
                % message,
                permanent=True,
            )
        if status == 404:
            raise NotFound(_("LinkedIn does not know this (any more): %s") % message)
        if status >= 500:
            raise ServerError(_("LinkedIn had a problem: %s") % message)
        raise ConnectorError(_("LinkedIn refused this: %s") % message, permanent=True)


# --- Connecting (LinkedIn's OAuth 2.0 authorization code flow) ------------------------------


def authorize_url(app: App, redirect_uri: str, state: str, scopes: tuple[str, ...]) -> str:
    # https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(scopes),
        }
    )
    return f"{oauth_url()}/authorization?{query}"


def _token(body: dict[str, Any], fallback: str = "") -> Token:
    now = datetime.now(UTC)
    refresh_in = body.get("refresh_token_expires_in")
    return Token(
        access_token=str(body["access_token"]),
        expires_at=now + timedelta(seconds=int(body.get("expires_in") or 0)),
        refresh_token=str(body.get("refresh_token") or fallback),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
        scopes=frozenset(str(body.get("scope") or "").replace(",", " ").split()),
    )


def exchange_code(app: App, redirect_uri: str, code: str, *, allow_loopback: bool) -> Token:
    """The code from the authorization window → an access token (60 days), maybe a refresh one."""
    client = Client(oauth_url(), allow_loopback=allow_loopback)
    # https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
    # — step 3: a code is used once, so the exchange is never repeated on its own.
    body = client.json(
        "POST",
        "/accessToken",
        idempotent=False,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
    )
    return _token(body)


def refresh(app: App, refresh_token: str, *, allow_loopback: bool) -> Token:
    client = Client(oauth_url(), allow_loopback=allow_loopback)
    # https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
    body = client.json(
        "POST",
        "/accessToken",
        idempotent=False,
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
    )
    return _token(body, fallback=refresh_token)


def missing_scopes(token: Token, wanted: tuple[str, ...]) -> set[str]:
    """The permissions we asked for and did not get; empty when LinkedIn does not say."""
    return set(wanted) - token.scopes if token.scopes else set()


def administered(token: str, *, allow_loopback: bool) -> list[Organisation]:
    """The organisation pages the member administers, with their names."""
    client = Client(api_url(), token=token, allow_loopback=allow_loopback)
    # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role
    body = client.json(
        "GET",
        "/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED", "count": "100"},
    )
    urns = [
        str(acl["organization"]) for acl in body.get("elements") or [] if acl.get("organization")
    ]
    found = []
    for urn in dict.fromkeys(urns):
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api
        org = client.json("GET", f"/rest/organizations/{urn.removeprefix(ORGANIZATION)}")
        name = str(org.get("localizedName") or urn)
        found.append(Organisation(urn=urn, name=name, vanity_name=str(org.get("vanityName") or "")))
    return found


def member(token: str, *, allow_loopback: bool) -> Profile:
    """Who the token belongs to."""
    return member_of(Client(api_url(), token=token, allow_loopback=allow_loopback))


def member_of(client: Client) -> Profile:
    """The member the client's token belongs to (OpenID Connect userinfo)."""
    # https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
    body = client.json("GET", "/v2/userinfo")
    name = str(
        body.get("name")
        or " ".join(filter(None, [body.get("given_name"), body.get("family_name")]))
    )
    return Profile(
        external_id=f"{PERSON}{body['sub']}",
        handle=name or str(body["sub"]),
        display_name=name,
        avatar_url=safe_url(body.get("picture")),
    )


def _unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError):
        return None


def _millis(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (TypeError, ValueError):
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class LinkedInConnector(Connector):
    network = "linkedin"
    label = "LinkedIn"
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

    @property
    def urn(self) -> str:
        return self.account.external_id

    # --- The token --------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(
            self.account.base_url or api_url(),
            token=self._access_token(),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"linkedin:{self.urn}",
        )

    def _access_token(self) -> str:
        secrets = self.account.secrets
        now = datetime.now(UTC)
        if self._refresh_due(secrets, now) and self.store is not None:
            self._refresh()
            secrets = self.account.secrets
        expires_at = _unix(secrets.get("expires_at"))
        if expires_at is not None and expires_at <= now:
            # LinkedIn would answer 401 to every call: no call, and a reconnect asked for.
            raise AuthError(_("The LinkedIn access has expired. Reconnect LinkedIn."))
        return str(secrets.get("access_token") or "")

    @staticmethod
    def _refresh_due(secrets: dict[str, Any], now: datetime) -> bool:
        expires_at = _unix(secrets.get("expires_at"))
        refresh_expires_at = _unix(secrets.get("refresh_expires_at"))
        if not secrets.get("refresh_token") or expires_at is None:
            return False
        if refresh_expires_at is not None and refresh_expires_at <= now:
            return False
        return expires_at - now <= REFRESH_WHEN_LEFT

    def _refresh(self) -> None:
        assert self.store is not None
        with self.store.refresh_lock():
            # Another worker may have refreshed while this one waited for the lock.
            secrets = self.store.reload_secrets()
            self.account.secrets = secrets
            if not self._refresh_due(secrets, datetime.now(UTC)):
                return
            app = App(str(secrets.get("client_id") or ""), str(secrets.get("client_secret") or ""))
            try:
                token = refresh(
                    app, str(secrets["refresh_token"]), allow_loopback=self.allow_loopback
                )
            except AuthError:
                raise
            except ConnectorError:
                return  # the token still works for days: the next call tries again
            self.account.secrets = {**secrets, **token.secrets(app)}
            self.store.save_secrets(self.account.secrets)

    # --- Who we are -------------------------------------------------------------------------

    def profile(self) -> Profile:
        client = self.client()
        if not is_organization(self.urn):
            found = member_of(client)
            return Profile(
                external_id=found.external_id,
                handle=found.handle,
                display_name=found.display_name,
                avatar_url=found.avatar_url,
                followers=None,  # LinkedIn gives a member's followers only to approved partners
            )
        org_id = self.urn.removeprefix(ORGANIZATION)
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api
        body = client.json("GET", f"/rest/organizations/{org_id}")
        org = Organisation(
            self.urn, str(body.get("localizedName") or self.urn), str(body.get("vanityName") or "")
        )
        return Profile(
            external_id=self.urn,
            handle=org.vanity_name or org.name,
            display_name=org.name,
            profile_url=org.url,
            followers=self._followers(client),
        )

    def _followers(self, client: Client) -> int | None:
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api#retrieve-organization-follower-count
        try:
            body = client.json(
                "GET",
                f"/rest/networkSizes/{encoded(self.urn)}",
                params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
            )
        except ConnectorError:
            return None
        return _count(body.get("firstDegreeSize"))

    # --- Publishing -------------------------------------------------------------------------

    def publish(self, post: OutgoingPost) -> PublishedPost:
        self._check(post)
        if post.reply_to:
            return self._comment(post)
        done = post.progress.get("post")
        if done:
            return PublishedPost(remote_id=done, url=post_url(done))
        body = {
            "author": self.urn,
            "commentary": escape(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(post)
        if content:
            body["content"] = content
        # Recorded before sending: only a post that may have gone out is ever looked up.
        post.progress.save("sent", "1")
        try:
            # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api#create-a-post
            # Sent once: LinkedIn has no idempotency key; a lost answer is looked up.
            response = self.client().call("POST", "/rest/posts", idempotent=False, json=body)
        except ServerError as error:
            raise UnknownOutcomeError(
                _("LinkedIn had a problem after receiving the post; it may have gone out: %s")
                % error.message
            ) from error
        except UnknownOutcomeError:
            raise
        except ConnectorError:
            # A clear refusal (throttled, invalid, no access) made nothing: no look-up needed.
            post.progress.save("sent", "")
            raise
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise UnknownOutcomeError(_("LinkedIn accepted the post but did not say its address."))
        post.progress.save("post", urn)
        return PublishedPost(remote_id=urn, url=post_url(urn))

    def _check(self, post: OutgoingPost) -> None:
        """What LinkedIn would refuse, refused before anything is sent."""
        if len(post.text) > MAX_LENGTH:
            raise ConnectorError(
                _("This text is too long for LinkedIn: %(used)s of %(max)s characters.")
                % {"used": len(post.text), "max": MAX_LENGTH},
                permanent=True,
            )
        if len(post.media) > MAX_IMAGES:
            raise ConnectorError(
                _("LinkedIn takes at most %(max)s images in one post.") % {"max": MAX_IMAGES},
                permanent=True,
            )
        for media in post.media:
            if media.mime_type not in ("image/jpeg", "image/png", "image/gif"):
                raise ConnectorError(
                    _("LinkedIn takes JPG, PNG and GIF images only."), permanent=True
                )
        if not post.text.strip() and not post.media:
            raise ConnectorError(_("A LinkedIn post needs text or an image."), permanent=True)

    def _content(self, post: OutgoingPost) -> dict[str, Any] | None:
        if len(post.media) > 1:
            images = [
                {"id": self._image(post, n, media), "altText": media.alt_text}
                for n, media in enumerate(post.media)
            ]
            return {"multiImage": {"images": images}}
        if post.media:
            media = post.media[0]
            return {"media": {"id": self._image(post, 0, media), "altText": media.alt_text}}
        link = LINK_IN_SENTENCE.search(post.text)
        return {"article": self._article(link.group(0))} if link else None

    def _article(self, url: str) -> dict[str, str]:
        # The card's title and description as the page gives them; its address as a title else.
        from klankbord.publishing.links import LinkPreviewError, fetch_preview

        try:
            preview = fetch_preview(url, allow_loopback=self.allow_loopback)
        except LinkPreviewError:
            preview = {}
        article = {"source": url, "title": preview.get("title") or urlsplit(url).hostname or url}
        if preview.get("description"):
            article["description"] = preview["description"]
        return article

    def _image(self, post: OutgoingPost, index: int, media: Media) -> str:
        """The image's URN, uploaded once: a retry reuses what an earlier attempt uploaded."""
        key = f"image:{index}"
        urn = post.progress.get(key)
        if urn:
            return urn
        client = self.client()
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api#initialize-image-upload
        # An upload that is never used is harmless, so this may be sent again.
        body = client.json(
            "POST",
            "/rest/images?action=initializeUpload",
            idempotent=True,
            json={"initializeUploadRequest": {"owner": self.urn}},
        )
        value = body.get("value") or {}
        upload_url, urn = str(value.get("uploadUrl") or ""), str(value.get("image") or "")
        if not upload_url or not urn:
            raise ConnectorError(_("LinkedIn did not give an address to upload the image to."))
        # The upload address is LinkedIn's own, checked like any address a network gives.
        client.call(
            "PUT",
            upload_url,
            content=media.content,
            headers={"Content-Type": media.mime_type},
        )
        self._wait_until_available(client, urn, index)
        post.progress.save(key, urn)
        return urn

    def _wait_until_available(self, client: Client, urn: str, index: int) -> None:
        """LinkedIn processes an upload before a post may use it; a refused image is said so."""
        for check in range(STATUS_CHECKS):
            if check:
                time.sleep(status_wait_seconds())
            # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api#get-a-single-image
            status = str(client.json("GET", f"/rest/images/{encoded(urn)}").get("status") or "")
            if status == "PROCESSING_FAILED":
                raise ConnectorError(
                    _("LinkedIn could not process image %(number)s; try another file.")
                    % {"number": index + 1},
                    permanent=True,
                )
            if status not in ("PROCESSING", "WAITING_UPLOAD"):
                return  # AVAILABLE, or a state LinkedIn may add: the post itself will say
        raise ConnectorError(
            _("LinkedIn is still processing the images; they are used at the next try.")
        )

    def _comment(self, post: OutgoingPost) -> PublishedPost:
        """An answer below a post or a comment, as the page (or member)."""
        done = post.progress.get("comment")
        if done:
            return PublishedPost(remote_id=done, url=self._comment_url(done))
        target = self._thread_of(post.reply_to)
        body: dict[str, Any] = {"actor": self.urn, "message": {"text": post.text}}
        if target.startswith("urn:li:comment:"):
            body.update(object=comment_object(target), parentComment=target)
        else:
            body["object"] = target
        post.progress.save("sent", "1")
        try:
            # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api#create-a-comment
            # Sent once: a lost answer is looked up among the comments, never sent again blindly.
            response = self.client().call(
                "POST",
                f"/rest/socialActions/{encoded(target)}/comments",
                idempotent=False,
                json=body,
            )
        except ServerError as error:
            raise UnknownOutcomeError(
                _("LinkedIn had a problem after receiving the answer; it may have gone out: %s")
                % error.message
            ) from error
        made = response.json() if response.content else {}
        urn = str(
            made.get("commentUrn") or made.get("$URN") or response.headers.get("x-restli-id", "")
        )
        if not urn:
            raise UnknownOutcomeError(
                _("LinkedIn accepted the answer but did not say its address.")
            )
        post.progress.save("comment", urn)
        return PublishedPost(remote_id=urn, url=self._comment_url(urn))

    def _thread_of(self, target: str) -> str:
        """Where an answer to `target` goes: LinkedIn nests comments one level deep only, so an
        answer to an answer goes below the comment that started the thread."""
        if not target.startswith("urn:li:comment:"):
            return target
        comment_id = target.rsplit(",", 1)[1].rstrip(")")
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api#retrieve-a-comment
        path = f"/rest/socialActions/{encoded(comment_object(target))}/comments/{comment_id}"
        found = self.client().json("GET", path)
        return str(found.get("parentComment") or target)

    @staticmethod
    def _comment_url(comment_urn: str) -> str:
        return post_url(comment_object(comment_urn)) + "?" + urlencode({"commentUrn": comment_urn})

    # --- After an unclear outcome -----------------------------------------------------------

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """This post (or answer) on LinkedIn, by its words and time; never posts."""
        for key in ("comment", "post"):
            done = post.progress.get(key)
            if done:
                url = self._comment_url(done) if key == "comment" else post_url(done)
                return PublishedPost(remote_id=done, url=url)
        if not post.reply_to and not post.progress.get("sent"):
            # The scheduler keeps progress: no post was sent that could be out there.
            return None
        since = self._since(post)
        text = comparable(post.text)
        if post.reply_to:
            for comment in self._comments(self._thread_of(post.reply_to), since):
                own = comment.get("actor") == self.urn
                if (
                    own
                    and comparable(str((comment.get("message") or {}).get("text") or "")) == text
                ):
                    urn = str(comment.get("commentUrn") or comment.get("$URN"))
                    return PublishedPost(remote_id=urn, url=self._comment_url(urn))
            return None
        for found in self._own_posts(since):
            if comparable(unescape(str(found.get("commentary") or ""))) == text:
                urn = str(found["id"])
                return PublishedPost(remote_id=urn, url=post_url(urn))
        return None

    @staticmethod
    def _since(post: OutgoingPost) -> datetime:
        since = datetime.now(UTC) - LOOKUP_WINDOW
        if post.not_before is not None:
            # The same words posted before this attempt began are another post.
            since = max(since, post.not_before - CLOCK_SKEW)
        return since

    def _own_posts(self, since: datetime) -> Iterator[dict[str, Any]]:
        """The author's posts from `since` on, the most recently changed first."""
        client = self.client()
        for page in range(LOOKUP_PAGES):
            # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api#find-posts-by-authors
            query = urlencode(
                {
                    "q": "author",
                    "count": LOOKUP_PAGE_SIZE,
                    "start": page * LOOKUP_PAGE_SIZE,
                    "sortBy": "LAST_MODIFIED",
                }
            )
            body = client.json("GET", f"/rest/posts?author={encoded(self.urn)}&{query}")
            elements = body.get("elements") or []
            for found in elements:
                created = _millis(found.get("createdAt") or found.get("publishedAt"))
                if created is None or created >= since:
                    yield found
            last = _millis(elements[-1].get("lastModifiedAt")) if elements else None
            if len(elements) < LOOKUP_PAGE_SIZE or (last is not None and last < since):
                return
        raise ConnectorError(
            _("Too many posts since this post was sent to check whether it went out.")
        )

    # --- Comments into the inbox ------------------------------------------------------------

    def mentions(self, cursor: str = "") -> MentionPage:
        """Comments on the author's posts of the last 14 days, newer than the cursor."""
        if not is_organization(self.urn):
            # A member's comments need r_member_social, which LinkedIn keeps for its partners.
            return MentionPage(mentions=[], cursor=cursor)
        now = datetime.now(UTC)
        seen = json.loads(cursor) if cursor else {}
        after = _millis(seen.get("after"))
        since = after or now - COMMENTS_ON_POSTS_SINCE
        newest = int(seen.get("after") or 0)
        found: list[Mention] = []
        for post in self._own_posts(now - COMMENTS_ON_POSTS_SINCE):
            post_urn = str(post["id"])
            for comment in self._comments(post_urn, since, nested=True):
                created = int((comment.get("created") or {}).get("time") or 0)
                newest = max(newest, created)
                if comment.get("actor") != self.urn:
                    found.append(self._mention(comment, post_urn))
        found.sort(key=lambda m: m.created_at or now)
        return MentionPage(
            mentions=found, cursor=json.dumps({"after": newest}) if newest else cursor
        )

    def _comments(
        self, target: str, since: datetime, *, nested: bool = False
    ) -> Iterator[dict[str, Any]]:
        """The comments below a post (and, with `nested`, the answers below each) since then."""
        client = self.client()
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api#retrieve-comments-on-shares
        path = f"/rest/socialActions/{encoded(target)}/comments"
        start = 0
        while True:
            body = client.json(
                "GET", path, params={"start": str(start), "count": str(COMMENT_PAGE_SIZE)}
            )
            elements = body.get("elements") or []
            for comment in elements:
                created = _millis((comment.get("created") or {}).get("time"))
                # The cursor's own millisecond is read again and dropped as a duplicate.
                if created is None or created >= since:
                    yield comment
                summary = comment.get("commentsSummary") or {}
                if nested and summary.get("aggregatedTotalComments"):
                    urn = str(comment.get("commentUrn") or comment.get("$URN"))
                    yield from self._comments(urn, since)
            start += len(elements)
            total = (body.get("paging") or {}).get("total")
            if not elements or not isinstance(total, int) or start >= total:
                return

    def _mention(self, comment: dict[str, Any], post_urn: str) -> Mention:
        urn = str(comment.get("commentUrn") or comment.get("$URN"))
        actor = str(comment.get("actor") or "")
        return Mention(
            remote_id=urn,
            url=self._comment_url(urn),
            author_handle=actor,
            author_name=_("LinkedIn page") if is_organization(actor) else _("LinkedIn member"),
            text=str((comment.get("message") or {}).get("text") or ""),
            created_at=_millis((comment.get("created") or {}).get("time")),
            kind="reply",
            in_reply_to=str(comment.get("parentComment") or post_urn),
            raw={"post": post_urn},
        )

    # --- Results ----------------------------------------------------------------------------

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        """Views, clicks, reactions, comments and shares; a count LinkedIn leaves out is None."""
        if not remote_ids:
            return {}
        if is_organization(self.urn):
            return self._share_statistics(remote_ids)
        return {urn: self._social_metadata(urn) for urn in remote_ids}

    def _share_statistics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        shares = [urn for urn in remote_ids if urn.startswith("urn:li:share:")]
        ugc = [urn for urn in remote_ids if not urn.startswith("urn:li:share:")]
        query = f"q=organizationalEntity&organizationalEntity={encoded(self.urn)}"
        if shares:
            query += f"&shares={restli_list(shares)}"
        if ugc:
            query += f"&ugcPosts={restli_list(ugc)}"
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
        body = self.client().json("GET", f"/rest/organizationalEntityShareStatistics?{query}")
        result = {
            urn: Metrics(likes=None, shares=None, replies=None, quotes=None) for urn in remote_ids
        }
        for element in body.get("elements") or []:
            urn = str(element.get("share") or element.get("ugcPost") or "")
            stats = element.get("totalShareStatistics") or {}
            if urn in result:
                result[urn] = Metrics(
                    likes=_count(stats.get("likeCount")),
                    shares=_count(stats.get("shareCount")),
                    replies=_count(stats.get("commentCount")),
                    quotes=None,
                    views=_count(stats.get("impressionCount")),
                )
        return result

    def _social_metadata(self, urn: str) -> Metrics:
        # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/social-metadata-api
        try:
            body = self.client().json("GET", f"/rest/socialMetadata/{encoded(urn)}")
        except ConnectorError as error:
            if isinstance(error, AuthError):
                raise
            return Metrics(likes=None, shares=None, replies=None, quotes=None)
        reactions = body.get("reactionSummaries")
        counts = [_count((r or {}).get("count")) for r in (reactions or {}).values()]
        likes = None if reactions is None or None in counts else sum(c or 0 for c in counts)
        comments = _count((body.get("commentSummary") or {}).get("count"))
        return Metrics(likes=likes, shares=None, replies=comments, quotes=None)
