"""A fake Google Business Profile (and Google's OAuth 2.0 server) on loopback.

Shapes follow developers.google.com:
- identity/protocols/oauth2/web-server: `GET /o/oauth2/v2/auth` (here it approves at once and
  redirects with `code` and `state`), `POST /token` with grant_type authorization_code (a
  refresh_token only with access_type=offline) or refresh_token; `{"error": "invalid_grant"}`
  in a 400 for a used code or a revoked refresh token; access tokens live 3600 seconds.
- my-business/reference/accountmanagement/rest/v1/accounts/list and
  businessinformation/rest/v1/accounts.locations/list, locations/get: `readMask` required
  (INVALID_ARGUMENT without it), `pageSize`/`pageToken`/`nextPageToken`.
- my-business/reference/rest/v4/accounts.locations.reviews (list with `orderBy`,
  `averageRating`, `totalReviewCount`; get; updateReply PUT `{"comment"}`; deleteReply) and
  accounts.locations.localPosts (create, list). A reply to an unverified location's review is
  FAILED_PRECONDITION.
- my-business/reference/performance/rest/v1/locations/fetchMultiDailyMetricsTimeSeries.
Errors are Google's `{"error": {"code", "message", "status", "errors": [{"message", "domain",
"reason"}]}}`: 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 400
INVALID_ARGUMENT / FAILED_PRECONDITION, 429 RESOURCE_EXHAUSTED with Retry-After.
The v1 resources and field names are checked against the discovery documents in google_specs/.
"""

import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import DroppedConnection

CLIENT_ID = "123456789012-fakeklankbord.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-google-secret-0123"
SCOPE = "https://www.googleapis.com/auth/business.manage"
ACCESS_LIFETIME = 3600
STAR_NAMES = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
STATUS_CODES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
}


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Access:
    refresh_token: str
    expires_at: float


@dataclass
class FakeLocation:
    account: str  # accounts/{a}
    local: str  # locations/{l}
    title: str
    address_line: str
    postal_code: str
    locality: str
    verified: bool = True
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # {metric: {date: value}}; a day left out has no value in the answer.
    metrics: dict[str, dict[date, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.account}/{self.local}"

    def resource(self) -> dict[str, Any]:
        return {
            "name": self.local,
            "title": self.title,
            "storefrontAddress": {
                "regionCode": "BE",
                "languageCode": "nl",
                "postalCode": self.postal_code,
                "locality": self.locality,
                "addressLines": [self.address_line],
            },
            "metadata": {
                "mapsUri": f"https://maps.google.com/maps?cid={self.local.split('/')[1]}",
                "newReviewUri": f"https://search.google.com/local/writereview?placeid={self.local}",
                "hasVoiceOfMerchant": self.verified,
            },
        }


class FakeGoogle:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.ids = itertools.count(1001)
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.codes: dict[str, str] = {}  # code → the redirect_uri it was given for
        self.refresh_tokens: set[str] = set()
        self.revoked: set[str] = set()
        self.access: dict[str, Access] = {}
        self.accounts = [{"name": "accounts/1170000000001", "accountName": "Bakkerij Vandevelde"}]
        self.locations: dict[str, FakeLocation] = {}
        for number, (street, postal, town) in enumerate(
            [
                ("Veldstraat 12", "9000", "Gent"),
                ("Bondgenotenlaan 3", "3000", "Leuven"),
                ("Grote Markt 7", "2800", "Mechelen"),
            ]
        ):
            self.add_location(f"Bakkerij Vandevelde {town}", street, postal, town, number=number)
        # Faults for the next requests whose path matches: (path regex, status, message, headers).
        self.faults: list[tuple[str, int, str, dict[str, str]]] = []
        self.drop_after_accept = 0
        # A local post stored, then answered with Google's 500; a create lost before storing.
        self.fail_after_accept = 0
        self.drop_before_accept = 0
        # Locations gone for us: name → 404 (removed from the account) or 403 (access lost).
        self.gone: dict[str, int] = {}
        self.page_size_cap = 50
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # --- Helpers for tests --------------------------------------------------------------

    def add_location(
        self, title: str, street: str, postal: str, town: str, *, number: int = 0
    ) -> FakeLocation:
        location = FakeLocation(
            account=self.accounts[0]["name"],
            local=f"locations/{4_200_000_000_000 + number + len(self.locations) * 10}",
            title=title,
            address_line=street,
            postal_code=postal,
            locality=town,
        )
        self.locations[location.name] = location
        return location

    def location(self, index: int = 0) -> FakeLocation:
        return list(self.locations.values())[index]

    def remove_location(self, location: FakeLocation, *, access_lost: bool = False) -> None:
        """The business removed the location from its account (NOT_FOUND from then on), or
        the connected user no longer manages it (PERMISSION_DENIED)."""
        self.locations.pop(location.name, None)
        self.gone[location.name] = 403 if access_lost else 404

    def issue(self, *, lifetime: float = ACCESS_LIFETIME) -> tuple[str, str]:
        """A refresh token and an access token, as a finished consent gives them."""
        refresh = "1//0g" + secrets.token_urlsafe(32)
        self.refresh_tokens.add(refresh)
        return refresh, self._access(refresh, lifetime)

    def revoke(self, refresh_token: str) -> None:
        """The user removed our access in their Google account: every token stops working."""
        self.revoked.add(refresh_token)

    def add_review(
        self,
        location: FakeLocation,
        stars: int,
        comment: str = "",
        *,
        reviewer: str = "Jan Peeters",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        review_id = f"AbFvOq{next(self.ids)}"
        moment = rfc3339(at or datetime.now(UTC))
        review: dict[str, Any] = {
            "name": f"{location.name}/reviews/{review_id}",
            "reviewId": review_id,
            "reviewer": {
                "displayName": reviewer,
                "profilePhotoUrl": "https://lh3.googleusercontent.com/a/photo.jpg",
                "isAnonymous": False,
            },
            "starRating": STAR_NAMES[stars],
            "createTime": moment,
            "updateTime": moment,
        }
        if comment:
            review["comment"] = comment
        location.reviews[review["name"]] = review
        return review

    def edit_review(self, review: dict[str, Any], *, stars: int, comment: str) -> None:
        review.update(
            starRating=STAR_NAMES[stars], comment=comment, updateTime=rfc3339(datetime.now(UTC))
        )

    def delete_review(self, review: dict[str, Any]) -> None:
        for location in self.locations.values():
            location.reviews.pop(review["name"], None)

    def reply_of(self, review: dict[str, Any]) -> str | None:
        for location in self.locations.values():
            if review["name"] in location.reviews:
                reply = location.reviews[review["name"]].get("reviewReply")
                return str(reply["comment"]) if reply else None
        return None

    def fail(
        self,
        path: str,
        status: int,
        message: str = "",
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
    ) -> None:
        """The next `times` requests whose path matches answer with this error."""
        for _time in range(times):
            self.faults.append((path, status, message or STATUS_CODES[status], headers or {}))

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

    def _error(
        self, status: int, message: str, code: str = "", headers: dict[str, str] | None = None
    ) -> Response:
        status_name = code or STATUS_CODES.get(status, "UNKNOWN")
        reason = {403: "forbidden", 404: "notFound", 429: "rateLimitExceeded"}.get(
            status, "badRequest"
        )
        body = {
            "error": {
                "code": status,
                "message": message,
                "status": status_name,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        }
        return self._json(body, status, headers)

    def _access(self, refresh: str, lifetime: float = ACCESS_LIFETIME) -> str:
        token = "ya29.a0" + secrets.token_urlsafe(32)
        self.access[token] = Access(refresh, time.time() + lifetime)
        return token

    def _authorised(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        token = self.access.get(header.removeprefix("Bearer ").strip())
        if token is None or token.expires_at < time.time() or token.refresh_token in self.revoked:
            return self._error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential.",
            )
        return None

    def handle(self, request: Request) -> Response:
        for index, (pattern, status, message, headers) in enumerate(self.faults):
            if re.search(pattern, request.path):
                del self.faults[index]
                return self._error(status, message, headers=headers)
        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/o/oauth2/v2/auth", self.authorize),
            ("POST", r"/token", self.token),
            ("GET", r"/v1/accounts", self.account_list),
            ("GET", r"/v1/(?P<account>accounts/\d+)/locations", self.location_list),
            ("GET", r"/v1/(?P<local>locations/\d+)", self.location_get),
            (
                "GET",
                r"/v1/(?P<local>locations/\d+):fetchMultiDailyMetricsTimeSeries",
                self.performance,
            ),
            ("GET", r"/v4/(?P<location>accounts/\d+/locations/\d+)/reviews", self.review_list),
            ("GET", r"/v4/(?P<review>accounts/\d+/locations/\d+/reviews/[\w-]+)", self.review_get),
            (
                "PUT|DELETE",
                r"/v4/(?P<review>accounts/\d+/locations/\d+/reviews/[\w-]+)/reply",
                self.reply,
            ),
            ("POST|GET", r"/v4/(?P<location>accounts/\d+/locations/\d+)/localPosts", self.posts),
        ]
        for methods, pattern, handler in routes:
            found = re.fullmatch(pattern, request.path)
            if found and request.method in methods.split("|"):
                if handler not in (self.authorize, self.token):
                    refused = self._authorised(request)
                    if refused is not None:
                        return refused
                return handler(request, **found.groupdict())
        return self._error(404, f"Requested entity was not found: {request.path}")

    # --- OAuth ----------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id:
            return Response("Error 401: invalid_client", status=401)
        code = "4/0A" + secrets.token_urlsafe(24)
        self.codes[code] = args.get("redirect_uri", "")
        query = {"code": code, "state": args.get("state", ""), "scope": args.get("scope", "")}
        # Only an offline request gets a refresh token (kept with the code).
        if args.get("access_type") == "offline" and args.get("prompt") == "consent":
            self.codes[code] += "|offline"
        return Response(
            status=302, headers={"Location": f"{args['redirect_uri']}?{urlencode(query)}"}
        )

    def token(self, request: Request) -> Response:
        form = request.form
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return self._json({"error": "invalid_client", "error_description": "Unauthorized"}, 401)
        if form.get("grant_type") == "authorization_code":
            given = self.codes.pop(form.get("code", ""), None)
            if given is None or given.split("|")[0] != form.get("redirect_uri"):
                return self._json(
                    {"error": "invalid_grant", "error_description": "Malformed auth code."}, 400
                )
            refresh, access = self.issue()
            body: dict[str, Any] = {
                "access_token": access,
                "expires_in": ACCESS_LIFETIME,
                "scope": SCOPE,
                "token_type": "Bearer",
            }
            if given.endswith("|offline"):
                body["refresh_token"] = refresh
            return self._json(body)
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh not in self.refresh_tokens or refresh in self.revoked:
                return self._json(
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                    400,
                )
            access = self._access(refresh)
            return self._json(
                {
                    "access_token": access,
                    "expires_in": ACCESS_LIFETIME,
                    "scope": SCOPE,
                    "token_type": "Bearer",
                }
            )
        return self._json({"error": "unsupported_grant_type"}, 400)

    # --- Accounts and locations (v1) ------------------------------------------------------

    def _page(
        self, request: Request, items: list[dict[str, Any]], key: str, default_size: int
    ) -> dict[str, Any]:
        size = min(int(request.args.get("pageSize") or default_size), self.page_size_cap)
        start = int(request.args.get("pageToken") or 0)
        body: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return body

    def account_list(self, request: Request) -> Response:
        accounts = [{**account, "type": "LOCATION_GROUP"} for account in self.accounts]
        return self._json(self._page(request, accounts, "accounts", 20))

    def location_list(self, request: Request, account: str) -> Response:
        if not request.args.get("readMask"):
            return self._error(400, "Request contains an invalid argument.")
        mine = [loc.resource() for loc in self.locations.values() if loc.account == account]
        return self._json(self._page(request, mine, "locations", 10))

    def location_get(self, request: Request, local: str) -> Response:
        if not request.args.get("readMask"):
            return self._error(400, "Request contains an invalid argument.")
        for location in self.locations.values():
            if location.local == local:
                return self._json(location.resource())
        return self._error(404, "Requested entity was not found.")

    # --- Reviews (v4) ---------------------------------------------------------------------

    def _location(self, name: str) -> FakeLocation | None:
        return self.locations.get(name)

    def _missing(self, name: str) -> Response:
        if self.gone.get(name) == 403:
            return self._error(403, "The caller does not have permission")
        return self._error(404, "Requested entity was not found.")

    def review_list(self, request: Request, location: str) -> Response:
        found = self._location(location)
        if found is None:
            return self._missing(location)
        if not found.verified:
            return self._error(400, "Precondition check failed.", code="FAILED_PRECONDITION")
        order = request.args.get("orderBy", "")
        reviews = sorted(
            found.reviews.values(),
            key=lambda r: r["updateTime" if "updateTime" in order else "createTime"],
            reverse=True,
        )
        body = self._page(request, reviews, "reviews", 50)
        if reviews:
            stars = [list(STAR_NAMES.values()).index(r["starRating"]) + 1 for r in reviews]
            body["averageRating"] = round(sum(stars) / len(stars), 1)
        body["totalReviewCount"] = len(reviews)
        return self._json(body)

    def _review(self, name: str) -> tuple[FakeLocation | None, dict[str, Any] | None]:
        location = self._location(name.split("/reviews/")[0])
        return location, (location.reviews.get(name) if location else None)

    def review_get(self, request: Request, review: str) -> Response:
        location, found = self._review(review)
        if location is None:
            return self._missing(review.split("/reviews/")[0])
        if found is None:
            return self._error(404, "Requested entity was not found.")
        return self._json(found)

    def reply(self, request: Request, review: str) -> Response:
        location, found = self._review(review)
        if location is None:
            return self._missing(review.split("/reviews/")[0])
        if found is None:
            return self._error(404, "Requested entity was not found.")
        if not location.verified:
            return self._error(400, "Precondition check failed.", code="FAILED_PRECONDITION")
        if request.method == "DELETE":
            found.pop("reviewReply", None)
            return self._json({})
        comment = str((request.get_json(silent=True) or {}).get("comment") or "")
        if not comment or len(comment.encode()) > 4096:
            return self._error(400, "Request contains an invalid argument.")
        found["reviewReply"] = {"comment": comment, "updateTime": rfc3339(datetime.now(UTC))}
        return self._json(found["reviewReply"])

    # --- Local posts (v4) -----------------------------------------------------------------

    def posts(self, request: Request, location: str) -> Response:
        found = self._location(location)
        if found is None:
            return self._missing(location)
        if request.method == "GET":
            newest = sorted(found.posts.values(), key=lambda p: p["createTime"], reverse=True)
            return self._json(self._page(request, newest, "localPosts", 20))
        body = request.get_json(silent=True) or {}
        summary = str(body.get("summary") or "")
        if (
            not summary
            or len(summary) > 1500
            or body.get("topicType")
            not in (
                "STANDARD",
                "EVENT",
                "OFFER",
                "ALERT",
            )
        ):
            return self._error(400, "Request contains an invalid argument.")
        if not _event_ok(body) or not _action_ok(body.get("callToAction")):
            return self._error(400, "Request contains an invalid argument.")
        for media in body.get("media") or []:
            if media.get("mediaFormat") != "PHOTO" or not str(
                media.get("sourceUrl", "")
            ).startswith("https://"):
                return self._error(400, "Request contains an invalid argument.")
        if self.drop_before_accept:
            self.drop_before_accept -= 1
            return DroppedConnection()
        post_id = str(next(self.ids))
        moment = rfc3339(datetime.now(UTC))
        post = {
            **body,
            "name": f"{location}/localPosts/{post_id}",
            "createTime": moment,
            "updateTime": moment,
            "state": "LIVE",
            "searchUrl": f"https://local.google.com/place?id={post_id}&use=posts",
        }
        found.posts[post["name"]] = post
        if self.fail_after_accept:
            self.fail_after_accept -= 1
            return self._error(500, "Internal error encountered.")
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        return self._json(post)

    # --- Performance (v1) -----------------------------------------------------------------

    def performance(self, request: Request, local: str) -> Response:
        found = next((loc for loc in self.locations.values() if loc.local == local), None)
        if found is None:
            return self._error(404, "Requested entity was not found.")
        query = parse_qs(urlsplit(request.url).query)
        metrics = query.get("dailyMetrics") or []
        try:
            start, end = (
                date(
                    int(query[f"dailyRange.{which}.year"][0]),
                    int(query[f"dailyRange.{which}.month"][0]),
                    int(query[f"dailyRange.{which}.day"][0]),
                )
                for which in ("startDate", "endDate")
            )
        except (KeyError, ValueError):
            return self._error(400, "Request contains an invalid argument.")
        if not metrics or end < start:
            return self._error(400, "Request contains an invalid argument.")
        series = []
        for metric in metrics:
            values = found.metrics.get(metric, {})
            dated = []
            day = start
            while day <= end:
                point: dict[str, Any] = {
                    "date": {"year": day.year, "month": day.month, "day": day.day}
                }
                if day in values:
                    point["value"] = str(values[day])  # int64, written as a string
                dated.append(point)
                day += timedelta(days=1)
            series.append({"dailyMetric": metric, "timeSeries": {"datedValues": dated}})
        return self._json({"multiDailyMetricTimeSeries": [{"dailyMetricTimeSeries": series}]})


def _event_ok(body: dict[str, Any]) -> bool:
    """An offer and an event need a title and a schedule; a STANDARD post has neither."""
    if body.get("topicType") not in ("EVENT", "OFFER"):
        return "event" not in body and "offer" not in body
    event = body.get("event") or {}
    schedule = event.get("schedule") or {}
    dates = [schedule.get("startDate") or {}, schedule.get("endDate") or {}]
    whole = all({"year", "month", "day"} <= set(found) for found in dates)
    return (
        bool(event.get("title")) and whole and ("offer" not in body or body["topicType"] == "OFFER")
    )


def _action_ok(action: Any) -> bool:
    if action is None:
        return True
    kind = action.get("actionType")
    if kind == "CALL":
        return "url" not in action
    known = kind in ("BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP")
    return known and str(action.get("url") or "").startswith("https://")
