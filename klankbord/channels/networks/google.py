"""Google Business Profile: a business's locations, their reviews, local posts and results.

Google splits it over several APIs: Account Management v1 (accounts), Business Information v1
(locations), the older My Business v4 (reviews and local posts, which live nowhere else) and
Performance v1 (daily views, calls, directions and website clicks). One OAuth client of the
organisation's own gives an access token of one hour and a refresh token; each chosen location
is a channel of its own ("accounts/{a}/locations/{l}").
"""

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
    Mention,
    MentionPage,
    NotFound,
    OutgoingPost,
    Profile,
    PublishedPost,
)
from klankbord.lib.links import safe_url

OAUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
API_URLS = {
    "accounts": "https://mybusinessaccountmanagement.googleapis.com",
    "information": "https://mybusinessbusinessinformation.googleapis.com",
    "v4": "https://mybusiness.googleapis.com",
    "performance": "https://businessprofileperformance.googleapis.com",
}
SCOPE = "https://www.googleapis.com/auth/business.manage"
LOCATION_FIELDS = "name,title,storefrontAddress,metadata"
# Refreshed this long before Google's hour is over, so a call never starts with a dying token.
REFRESH_MARGIN = timedelta(minutes=5)
# A newly connected location brings the reviews of this long ago into the inbox, no older.
FIRST_READ = timedelta(days=30)
REVIEW_PAGES = 10
REVIEW_PAGE_SIZE = 50  # the most reviews.list gives in one page
LOCATION_PAGES = 20
# https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews#ReviewReply
REPLY_MAX_BYTES = 4096
# https://developers.google.com/my-business/content/posts-data — a summary of 1,500 characters.
SUMMARY_MAX = 1500
LOOKUP_PAGES = 5
CLOCK_SKEW = timedelta(minutes=5)
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
# https://developers.google.com/my-business/reference/performance/rest/v1/DailyMetric
DAILY_METRICS = {
    "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": "views_search",
    "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": "views_search",
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS": "views_maps",
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS": "views_maps",
    "CALL_CLICKS": "calls",
    "BUSINESS_DIRECTION_REQUESTS": "directions",
    "WEBSITE_CLICKS": "website_clicks",
}
# https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts#LocalPostTopicType
TOPICS = ("STANDARD", "OFFER", "EVENT")
# https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts#ActionType
ACTIONS = ("BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL")
# A review's edits arrive as new inbox items; the part after this sign tells the versions apart.
VERSION_SIGN = "~"


def oauth_url() -> str:
    return str(getattr(settings, "GOOGLE_OAUTH_URL", OAUTH_URL))


def token_url() -> str:
    return str(getattr(settings, "GOOGLE_TOKEN_URL", TOKEN_URL))


def api_url(api: str) -> str:
    chosen = getattr(settings, "GOOGLE_API_URLS", None) or {}
    return str(chosen.get(api) or API_URLS[api]).rstrip("/")


def review_name(remote_id: str) -> str:
    """The review's own name from an inbox item's remote id (which may carry its version)."""
    return remote_id.split(VERSION_SIGN, 1)[0]


def stars_text(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def parse_time(value: Any) -> datetime | None:
    # Google writes RFC 3339 with "Z" and up to nine digits of fractions.
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:
        head, tail = text.split(".", 1)
        digits = "".join(c for c in tail if c.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"<Token until {self.expires_at:%H:%M}>"  # never the token itself


@dataclass(frozen=True)
class Location:
    name: str  # accounts/{a}/locations/{l}
    title: str
    address: str
    account: str  # the account's own name, as Google shows it
    maps_uri: str = ""

    @property
    def handle(self) -> str:
        return f"{self.title} · {self.address}" if self.address else self.title


class Denied(ConnectorError):
    """Google's PERMISSION_DENIED: the caller may not touch what the request names."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class LocationGone(AuthError):
    """The connected location was removed from the account, or its manager lost access to it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Google no longer gives us this location: it was removed from the Business "
                "Profile account, or you no longer manage it. Reconnect Google and choose the "
                "location again."
            )
        )


class Client(ApiClient):
    """One of Google's APIs, its error bodies turned into our errors."""

    network = "Google"

    def call(self, method: str, url: str, *, idempotent: bool | None = None, **kwargs: Any) -> Any:
        return self._result(self.send(method, url, idempotent=idempotent, **kwargs))

    def pages(
        self, url: str, params: dict[str, str], key: str, *, pages: int
    ) -> Iterator[dict[str, Any]]:
        """Every item under `key`, following nextPageToken for at most `pages` pages."""
        token = ""
        for _page in range(pages):
            body = self.call(
                "GET", url, params={**params, **({"pageToken": token} if token else {})}
            )
            yield from body.get(key) or []
            token = str(body.get("nextPageToken") or "")
            if not token:
                return

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code < 300:
            return response.json() if response.content else {}
        try:
            body = response.json()
        except ValueError:
            body = {}
        raise error_of(response.status_code, body if isinstance(body, dict) else {})


def error_of(status_code: int, body: dict[str, Any]) -> ConnectorError:
    """Google's {"error": {"code", "message", "status", "errors"}} (or OAuth's {"error"})."""
    error = body.get("error")
    if isinstance(error, str):
        # https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code
        reason = str(body.get("error_description") or error)
        if error in ("invalid_grant", "unauthorized_client", "invalid_client"):
            return AuthError(
                _("Google no longer accepts our access: %s. Reconnect Google.") % reason
            )
        return ConnectorError(_("Google refused this: %s") % reason, permanent=True)
    error = error if isinstance(error, dict) else {}
    status = str(error.get("status") or "")
    message = str(error.get("message") or status or status_code).rstrip(".")
    if status_code == 401 or status == "UNAUTHENTICATED":
        return AuthError(_("Google no longer accepts our access: %s. Reconnect Google.") % message)
    refused = _(
        "Google does not let us do this for this location: %s. A location must be verified in "
        "Business Profile, and you must manage it."
    )
    if status == "FAILED_PRECONDITION":
        return ConnectorError(refused % message, permanent=True)
    if status_code == 403 or status == "PERMISSION_DENIED":
        return Denied(refused % message)
    if status_code == 404 or status == "NOT_FOUND":
        return NotFound(_("Google does not know this (any more): %s") % message)
    if status_code >= 500:
        return ConnectorError(_("Google had a problem: %s") % message)
    return ConnectorError(_("Google refused this: %s") % message, permanent=True)


# --- Connecting (Google's OAuth 2.0 for web server applications) ----------------------------


def authorize_url(app: App, redirect_uri: str, state: str) -> str:
    # https://developers.google.com/identity/protocols/oauth2/web-server#creatingclient —
    # offline and consent: only then does Google give a refresh token, also on a reconnect.
    query = urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": SCOPE,
            "access_type": "offline",
            "prompt": "consent",
            "include_granted_scopes": "true",
            "state": state,
        }
    )
    return f"{oauth_url()}?{query}"


def _token_call(data: dict[str, str], *, allow_loopback: bool) -> dict[str, Any]:
    client = Client(token_url(), allow_loopback=allow_loopback)
    # A code is used once and a refresh is harmless but not needed twice: never repeated blindly.
    body = client.call("POST", token_url(), idempotent=False, data=data)
    return body if isinstance(body, dict) else {}


def token_from_code(app: App, redirect_uri: str, code: str, *, allow_loopback: bool) -> Token:
    # https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code
    body = _token_call(
        {
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
        },
        allow_loopback=allow_loopback,
    )
    if SCOPE not in str(body.get("scope") or SCOPE).split():
        raise ConnectorError(
            _("Google did not give access to Business Profile. Connect again and allow it."),
            permanent=True,
        )
    if not body.get("refresh_token"):
        raise ConnectorError(
            _("Google gave no lasting access. Connect again and allow access."), permanent=True
        )
    return Token(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]),
        expires_at=datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in") or 3600)),
    )


def token_refresh(app: App, refresh_token: str, *, allow_loopback: bool) -> tuple[str, datetime]:
    # https://developers.google.com/identity/protocols/oauth2/web-server#offline
    body = _token_call(
        {
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        },
        allow_loopback=allow_loopback,
    )
    lifetime = timedelta(seconds=int(body.get("expires_in") or 3600))
    return str(body["access_token"]), datetime.now(UTC) + lifetime


def secrets_of(app: App, token: Token) -> dict[str, Any]:
    """What a location's channel keeps, encrypted: both tokens and the client that refreshes."""
    return {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "refresh_token": token.refresh_token,
        "access_token": token.access_token,
        # Not "expires_at": that would be shown as the channel's expiry, and this is one hour.
        "access_expires_at": int(token.expires_at.timestamp()),
    }


def _address(location: dict[str, Any]) -> str:
    address = location.get("storefrontAddress") or {}
    lines = [str(line) for line in address.get("addressLines") or [] if line]
    place = " ".join(
        str(part) for part in (address.get("postalCode"), address.get("locality")) if part
    )
    return ", ".join([*lines[:1], *([place] if place else [])])


def location_of(body: dict[str, Any], account: str, account_name: str = "") -> Location:
    local = str(body.get("name") or "")  # "locations/{l}" in Business Information v1
    return Location(
        name=f"{account}/{local}",
        title=str(body.get("title") or local),
        address=_address(body),
        account=account_name or account,
        maps_uri=safe_url((body.get("metadata") or {}).get("mapsUri")),
    )


def locations_of(access_token: str, *, allow_loopback: bool) -> list[Location]:
    """Every location of every account the user manages."""
    accounts = Client(api_url("accounts"), token=access_token, allow_loopback=allow_loopback)
    info = Client(api_url("information"), token=access_token, allow_loopback=allow_loopback)
    found: list[Location] = []
    # https://developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list
    for account in accounts.pages(
        f"{accounts.base_url}/v1/accounts", {"pageSize": "20"}, "accounts", pages=LOCATION_PAGES
    ):
        name = str(account.get("name") or "")
        # https://developers.google.com/my-business/reference/businessinformation/rest/v1/accounts.locations/list
        # readMask is required: without it Google answers INVALID_ARGUMENT.
        for location in info.pages(
            f"{info.base_url}/v1/{name}/locations",
            {"readMask": LOCATION_FIELDS, "pageSize": "100"},
            "locations",
            pages=LOCATION_PAGES,
        ):
            # A location in a group is also listed under its owner's personal account: once.
            if any(seen.name.endswith(f"/{location.get('name')}") for seen in found):
                continue
            found.append(location_of(location, name, str(account.get("accountName") or "")))
    return found


def profile_of(location: Location) -> Profile:
    return Profile(
        external_id=location.name,
        handle=location.handle,
        display_name=location.title,
        profile_url=location.maps_uri,
    )


# --- The connector of one location ----------------------------------------------------------


class GoogleConnector(Connector):
    network = "google"
    label = "Google Business Profile"
    capabilities = frozenset(
        {Capability.PUBLISH, Capability.MEDIA, Capability.MENTIONS, Capability.REPLY}
    )
    max_images = 1
    # Counted in characters here; the 4,096 bytes Google allows are checked before sending.
    reply_limit = REPLY_MAX_BYTES
    connect_with = "oauth"
    fetches_media = True  # Google downloads a post's photo from its public address
    # Sending a reply again replaces the one on Google; it can also be deleted.
    edits_replies = True

    # --- The token --------------------------------------------------------------------------

    def client(self, api: str) -> Client:
        # v4 (reviews, local posts) is served from the address the channel was connected with.
        base_url = self.account.base_url if api == "v4" and self.account.base_url else api_url(api)
        return Client(
            base_url,
            token=self._token(),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"google:{self.account.external_id.split('/locations/')[0]}",
        )

    def _token(self) -> str:
        if self._refresh_due(self.account.secrets):
            self._refresh()
        return str(self.account.secrets.get("access_token") or "")

    @staticmethod
    def _refresh_due(secrets: dict[str, Any]) -> bool:
        expires_at = int(secrets.get("access_expires_at") or 0)
        return expires_at - time.time() <= REFRESH_MARGIN.total_seconds()

    def _refresh(self) -> None:
        if self.store is None:
            self.account.secrets = {
                **self.account.secrets,
                **self._new_access(self.account.secrets),
            }
            return
        with self.store.refresh_lock():
            # Another worker may have refreshed while this one waited for the lock.
            secrets = self.store.reload_secrets()
            if self._refresh_due(secrets):
                secrets = {**secrets, **self._new_access(secrets)}
                self.store.save_secrets(secrets)
            self.account.secrets = secrets

    def _new_access(self, secrets: dict[str, Any]) -> dict[str, Any]:
        app = App(str(secrets.get("client_id") or ""), str(secrets.get("client_secret") or ""))
        refresh_token = str(secrets.get("refresh_token") or "")
        if not refresh_token:
            raise AuthError(_("Google gave no lasting access. Reconnect Google."))
        access, expires_at = token_refresh(app, refresh_token, allow_loopback=self.allow_loopback)
        return {"access_token": access, "access_expires_at": int(expires_at.timestamp())}

    # --- Who we are -------------------------------------------------------------------------

    @contextmanager
    def _location_kept(self) -> Iterator[None]:
        """A NOT_FOUND or PERMISSION_DENIED for the location itself: it is gone for us."""
        try:
            yield
        except (NotFound, Denied) as error:
            raise LocationGone() from error

    @property
    def location_id(self) -> str:
        return self.account.external_id.split("/locations/", 1)[-1]

    def profile(self) -> Profile:
        client = self.client("information")
        account = self.account.external_id.split("/locations/")[0]
        # https://developers.google.com/my-business/reference/businessinformation/rest/v1/locations/get
        body = client.call(
            "GET",
            f"{client.base_url}/v1/locations/{quote(self.location_id)}",
            params={"readMask": LOCATION_FIELDS},
        )
        return profile_of(location_of(body, account))

    # --- Reviews into the inbox -------------------------------------------------------------

    def _reviews_url(self, client: Client) -> str:
        return f"{client.base_url}/v4/{self.account.external_id}/reviews"

    def reviews_page(self, page_size: int = REVIEW_PAGE_SIZE) -> dict[str, Any]:
        """The newest page of reviews, with the location's averageRating and totalReviewCount."""
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/list
        with self._location_kept():
            body = client.call(
                "GET",
                self._reviews_url(client),
                params={"pageSize": str(page_size), "orderBy": "updateTime desc"},
            )
        return body if isinstance(body, dict) else {}

    def mentions(self, cursor: str = "") -> MentionPage:
        """New and changed reviews since the cursor (the newest updateTime read).

        Reviews of the cursor's own moment are read again (and dropped as duplicates), so two
        reviews changed in one second are never lost.
        """
        seen = json.loads(cursor) if cursor else {}
        newest = str(seen.get("updated") or "")
        since = parse_time(newest) or datetime.now(UTC) - FIRST_READ
        found: list[Mention] = []
        client = self.client("v4")
        params = {"pageSize": str(REVIEW_PAGE_SIZE), "orderBy": "updateTime desc"}
        reviews = client.pages(self._reviews_url(client), params, "reviews", pages=REVIEW_PAGES)
        with self._location_kept():
            for review in reviews:
                updated = parse_time(review.get("updateTime")) or parse_time(
                    review.get("createTime")
                )
                if updated is None or updated < since:
                    break
                if not newest or updated > (parse_time(newest) or updated):
                    newest = str(review.get("updateTime") or review.get("createTime"))
                found.append(review_mention(review))
        found.reverse()  # read newest first, kept oldest first
        return MentionPage(
            mentions=found, cursor=json.dumps({"updated": newest}) if newest else cursor
        )

    # --- Replies to reviews, and local posts --------------------------------------------------

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if post.reply_to:
            return self._reply(post)
        return self._local_post(post)

    def _reply(self, post: OutgoingPost) -> PublishedPost:
        used = len(post.text.encode())
        if used > REPLY_MAX_BYTES:
            raise ConnectorError(
                _(
                    "This reply is too long for Google: %(used)s of %(max)s bytes (an accented "
                    "letter counts 2, an emoji 4). Shorten it."
                )
                % {"used": used, "max": REPLY_MAX_BYTES},
                permanent=True,
            )
        name = review_name(post.reply_to)
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/updateReply
        # A PUT: sending the same reply again leaves one reply, so a lost answer may be retried.
        try:
            client.call(
                "PUT",
                f"{client.base_url}/v4/{name}/reply",
                idempotent=True,
                json={"comment": post.text},
            )
        except Denied as error:
            raise LocationGone() from error
        except NotFound as error:
            # Google says NOT_FOUND for a deleted review and for a removed location alike.
            self.reviews_page(page_size=1)  # raises LocationGone when the location is gone
            raise NotFound(
                _("The customer deleted this review on Google, so it can no longer be answered.")
            ) from error
        return PublishedPost(remote_id=f"{name}/reply", url=self._maps_url())

    def reply_delete(self, remote_id: str) -> None:
        """Remove the business's reply to a review (remote_id: the review's or its reply's)."""
        name = review_name(remote_id).removesuffix("/reply")
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/deleteReply
        try:
            client.call("DELETE", f"{client.base_url}/v4/{name}/reply", idempotent=True)
        except NotFound:
            return  # the reply (or the review) is gone already: what was wanted

    def _maps_url(self) -> str:
        return safe_url(self.account.settings.get("maps_uri"))

    def _local_post(self, post: OutgoingPost) -> PublishedPost:
        self._check_post(post)
        body = local_post_body(post)
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts/create
        # No idempotency key: a lost answer is settled by looking the post up.
        with self._location_kept():
            created = client.call(
                "POST",
                f"{client.base_url}/v4/{self.account.external_id}/localPosts",
                idempotent=False,
                json=body,
            )
        return self._published(created)

    def _check_post(self, post: OutgoingPost) -> None:
        problem = local_post_problem(post.options)
        if problem:
            raise ConnectorError(problem, permanent=True)
        if len(post.text) > SUMMARY_MAX:
            raise ConnectorError(
                _("This text is too long for Google: %(used)s of %(max)s characters.")
                % {"used": len(post.text), "max": SUMMARY_MAX},
                permanent=True,
            )
        if not post.text.strip():
            raise ConnectorError(_("A Google post needs text."), permanent=True)
        if len(post.media) > 1:
            raise ConnectorError(_("A Google post takes one photo."), permanent=True)
        for media in post.media:
            if urlsplit(media.url).scheme != "https":
                raise ConnectorError(
                    _(
                        "Google fetches photos from this installation itself, so SITE_URL must "
                        "be a public https address; the administrator sets it."
                    ),
                    permanent=True,
                )

    def _published(self, local_post: dict[str, Any]) -> PublishedPost:
        url = safe_url(local_post.get("searchUrl")) or self._maps_url()
        return PublishedPost(remote_id=str(local_post["name"]), url=url)

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        if post.reply_to:
            return self._find_reply(post)
        since = post.not_before - CLOCK_SKEW if post.not_before else None
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts/list
        posts = client.pages(
            f"{client.base_url}/v4/{self.account.external_id}/localPosts",
            {"pageSize": "100"},
            "localPosts",
            pages=LOOKUP_PAGES,
        )
        with self._location_kept():
            for found in posts:
                created = parse_time(found.get("createTime"))
                if since is not None and (created is None or created < since):
                    continue  # the same words posted before this attempt began are another post
                if str(found.get("summary") or "").strip() == post.text.strip():
                    return self._published(found)
        return None

    def _find_reply(self, post: OutgoingPost) -> PublishedPost | None:
        name = review_name(post.reply_to)
        client = self.client("v4")
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/get
        review = client.call("GET", f"{client.base_url}/v4/{name}")
        reply = review.get("reviewReply") or {}
        if str(reply.get("comment") or "").strip() == post.text.strip():
            return PublishedPost(remote_id=f"{name}/reply", url=self._maps_url())
        return None

    # --- Results ----------------------------------------------------------------------------

    def rating(self) -> tuple[float | None, int | None]:
        """The location's average rating and number of reviews, as Google counts them."""
        body = self.reviews_page(page_size=1)
        average = body.get("averageRating")
        total = body.get("totalReviewCount")
        return (
            float(average) if isinstance(average, int | float) and total else None,
            int(total) if isinstance(total, int) else None,
        )

    def performance(self, start: date, end: date) -> dict[date, dict[str, int | None]]:
        """Per day: views on Search and on Maps, calls, direction requests, website clicks.

        A metric Google leaves out for a day stays None (unknown), never zero.
        """
        client = self.client("performance")
        params: list[tuple[str, str]] = [("dailyMetrics", metric) for metric in DAILY_METRICS]
        for prefix, day in (("startDate", start), ("endDate", end)):
            params += [
                (f"dailyRange.{prefix}.year", str(day.year)),
                (f"dailyRange.{prefix}.month", str(day.month)),
                (f"dailyRange.{prefix}.day", str(day.day)),
            ]
        # https://developers.google.com/my-business/reference/performance/rest/v1/locations/fetchMultiDailyMetricsTimeSeries
        with self._location_kept():
            body = client.call(
                "GET",
                f"{client.base_url}/v1/locations/{quote(self.location_id)}:fetchMultiDailyMetricsTimeSeries",
                params=params,
            )
        return daily_values(body)


def _date(value: Any) -> dict[str, int] | None:
    """An ISO date as Google's Date {year, month, day}."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return {"year": day.year, "month": day.month, "day": day.day}


def local_post_problem(options: dict[str, Any]) -> str:
    """Why Google would refuse these local post options, in words; "" when they are fine."""
    topic = options.get("topic") or "STANDARD"
    if topic not in TOPICS:
        return _("Choose what's new, an offer or an event.")
    if topic in ("OFFER", "EVENT"):
        start, end = _date(options.get("start")), _date(options.get("end"))
        if not str(options.get("title") or "").strip():
            return _("An offer or an event needs a title.")
        if start is None or end is None or options["end"] < options["start"]:
            return _("An offer or an event needs a start date and an end date after it.")
    action = options.get("action") or ""
    if action and action not in ACTIONS:
        return _("Choose one of Google's buttons.")
    if action and action != "CALL" and urlsplit(safe_url(options.get("url"))).scheme != "https":
        return _("A button needs the https address it leads to.")
    return ""


def local_post_body(post: OutgoingPost) -> dict[str, Any]:
    """The LocalPost to create: what's new, an offer or an event, with a button and a photo."""
    options = post.options
    topic = options.get("topic") or "STANDARD"
    body: dict[str, Any] = {"languageCode": "nl", "summary": post.text, "topicType": topic}
    if topic in ("OFFER", "EVENT"):
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts#LocalPostEvent
        schedule = {"startDate": _date(options["start"]), "endDate": _date(options["end"])}
        body["event"] = {"title": str(options["title"]).strip(), "schedule": schedule}
    if topic == "OFFER":
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts#LocalPostOffer
        offer = {"couponCode": options.get("coupon"), "termsConditions": options.get("terms")}
        body["offer"] = {key: str(value) for key, value in offer.items() if value}
    action = options.get("action") or ""
    if action:
        # https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts#CallToAction
        # CALL dials the location's own number: Google takes no address for it.
        body["callToAction"] = {"actionType": action}
        if action != "CALL":
            body["callToAction"]["url"] = safe_url(options.get("url"))
    if post.media:
        body["media"] = [{"mediaFormat": "PHOTO", "sourceUrl": post.media[0].url}]
    return body


def daily_values(body: dict[str, Any]) -> dict[date, dict[str, int | None]]:
    days: dict[date, dict[str, int | None]] = {}
    series = [
        item
        for group in body.get("multiDailyMetricTimeSeries") or []
        for item in group.get("dailyMetricTimeSeries") or []
    ]
    for item in series:
        field = DAILY_METRICS.get(str(item.get("dailyMetric") or ""))
        if field is None:
            continue
        for point in (item.get("timeSeries") or {}).get("datedValues") or []:
            when = point.get("date") or {}
            try:
                day = date(int(when["year"]), int(when["month"]), int(when["day"]))
            except (KeyError, TypeError, ValueError):
                continue
            values = days.setdefault(day, {})
            # "value" is an int64 as a string; Google leaves it out for a day without data.
            raw = point.get("value")
            value = int(raw) if isinstance(raw, str | int) and str(raw).isdigit() else None
            if value is None:
                values.setdefault(field, None)
            else:
                values[field] = (values.get(field) or 0) + value  # desktop + mobile
    return days


def review_mention(review: dict[str, Any]) -> Mention:
    name = str(review["name"])
    rating = STARS.get(str(review.get("starRating") or ""))
    comment = str(review.get("comment") or "")
    reviewer = review.get("reviewer") or {}
    author = (
        _("Anonymous")
        if reviewer.get("isAnonymous")
        else str(reviewer.get("displayName") or _("Google user"))
    )
    # An edited review comes in again as a new item: its words or stars are part of its id.
    version = hashlib.sha256(f"{rating}|{comment}".encode()).hexdigest()[:10]
    return Mention(
        remote_id=f"{name}{VERSION_SIGN}{version}",
        url="",  # reviews have no address of their own; the location's is the same for all
        author_handle=author,
        author_name=author,
        text=comment,
        created_at=parse_time(review.get("updateTime")) or parse_time(review.get("createTime")),
        kind="review",
        # Stars stand in as the title, so a review of stars only is no empty mention.
        title=stars_text(rating) if rating else "",
        raw={
            "star_rating": rating,
            "review": name,
            "edited": review.get("updateTime") != review.get("createTime"),
            "reply": str((review.get("reviewReply") or {}).get("comment") or ""),
        },
    )
