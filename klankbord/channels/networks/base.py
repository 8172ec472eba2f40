"""What every network module provides: one small Connector class and one error type."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _

from klankbord.lib import http
from klankbord.lib.http import RateBudget


class Capability(StrEnum):
    PUBLISH = "publish"
    MEDIA = "media"
    MENTIONS = "mentions"
    REPLY = "reply"
    METRICS = "metrics"
    SEARCH = "search"


class ConnectorError(Exception):
    """Something went wrong talking to a network. `permanent` errors are not worth a retry."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class NotFound(ConnectorError):
    """What the request names is not there (any more): a post deleted on the network."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class RateLimitError(ConnectorError):
    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class AuthError(ConnectorError):
    """The token or password no longer works; the user must reconnect."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class UnknownOutcomeError(ConnectorError):
    """The request may have reached the network; look it up before trying again."""


class ApiClient:
    """One network's HTTP API through lib/http.py, its transport failures as our errors.

    A network module subclasses it, names the network and turns the API's own error bodies into
    errors (`_result`); every call goes through `send`.
    """

    network = ""  # as users know it, in messages: "Mastodon", "Facebook"

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        allow_loopback: bool = False,
        budget: RateBudget | None = None,
        budget_key: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.allow_loopback = allow_loopback
        self.budget = budget
        self.budget_key = budget_key

    def send(self, method: str, url: str, *, idempotent: bool | None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if self.token:
            # A header, not a query parameter, so the token never lands in a log line.
            headers["Authorization"] = f"Bearer {self.token}"
        with transport_errors(self.network):
            return http.request(
                method,
                url,
                idempotent=idempotent,
                user_url=True,
                allow_loopback=self.allow_loopback,
                budget=self.budget,
                budget_key=self.budget_key,
                headers=headers,
                **kwargs,
            )


@contextmanager
def transport_errors(network: str) -> Iterator[None]:
    """lib/http.py's failures (throttled, no answer, refused address, unreachable) as ours."""
    names = {"network": network}
    try:
        yield
    except http.RateLimited as error:
        message = _("%(network)s asks us to slow down.") % names
        raise RateLimitError(message, retry_at=error.retry_at) from error
    except http.AmbiguousOutcome as error:
        message = _("%(network)s did not answer; the post may have gone out.") % names
        raise UnknownOutcomeError(message) from error
    except http.UnsafeURL as error:
        message = _("This address is not allowed: %s") % error.message
        raise ConnectorError(message, permanent=True) from error
    except http.HttpError as error:
        names["error"] = error.message
        raise ConnectorError(_("%(network)s could not be reached: %(error)s") % names) from error


@dataclass
class Account:
    """What a connector knows of a connected channel: plain data, no database."""

    external_id: str = ""
    handle: str = ""
    base_url: str = ""
    secrets: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


class AccountStore(Protocol):
    """How a connector saves what changes while it works (refreshed tokens, cursors)."""

    def save_secrets(self, secrets: dict[str, Any]) -> None: ...

    def save_settings(self, settings: dict[str, Any]) -> None: ...

    def reload_secrets(self) -> dict[str, Any]: ...

    def refresh_lock(self) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class Profile:
    external_id: str
    handle: str
    display_name: str
    avatar_url: str = ""
    profile_url: str = ""
    followers: int | None = None  # None: the network does not say


@dataclass(frozen=True)
class Media:
    content: bytes
    mime_type: str
    alt_text: str
    filename: str = "image"
    # A public HTTPS address of this image for networks that fetch it themselves (Instagram,
    # Threads); "" when the installation has no public address.
    url: str = ""


class Progress:
    """What earlier attempts of one post did on a network with several steps (Instagram's
    container), kept across attempts and crashes. This one lives in memory; the scheduler's
    writes each step to the database before the next step is sent."""

    def __init__(self, saved: dict[str, str] | None = None) -> None:
        self.saved: dict[str, str] = dict(saved or {})

    def get(self, key: str) -> str:
        return self.saved.get(key, "")

    def save(self, key: str, value: str) -> None:
        self.saved[key] = value


@dataclass(frozen=True)
class OutgoingPost:
    text: str
    # A key chosen by us before the first attempt; it makes a retry recognisable.
    idempotency_key: str
    media: tuple[Media, ...] = ()
    reply_to: str = ""
    content_warning: str = ""
    visibility: str = "public"
    # No attempt began before this moment: a look-up ignores anything older (None: no bound).
    not_before: datetime | None = None
    progress: Progress = field(default_factory=Progress, compare=False)
    # What this network adds to a post (Google: the local post's kind, dates and button).
    options: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str


@dataclass(frozen=True)
class Mention:
    remote_id: str
    url: str
    author_handle: str
    author_name: str
    text: str
    created_at: datetime | None
    kind: str = "mention"  # mention, reply, search, feed
    in_reply_to: str = ""
    title: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MentionPage:
    mentions: list[Mention]
    # Store this only after the mentions are committed; pass it back for the next page.
    cursor: str


@dataclass(frozen=True)
class Metrics:
    # None: the network did not give this count (withheld, or it has no such thing), not zero.
    likes: int | None = 0
    shares: int | None = 0
    replies: int | None = 0
    quotes: int | None = 0
    # How often the post was seen (Meta's "views"), and how often saved; None: not given.
    views: int | None = None
    saves: int | None = None


@dataclass(frozen=True)
class Quota:
    """How many posts a network still takes in its rolling window (Instagram: 50 a day)."""

    used: int
    total: int
    window: timedelta

    @property
    def left(self) -> int:
        return max(0, self.total - self.used)


class Connector:
    """One network. Subclasses set the class attributes and implement what they can do."""

    network: ClassVar[str]
    label: ClassVar["str | StrPromise"]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    max_images: ClassVar[int] = 0
    # A direct message may be longer than a post on some networks; None: the same limit.
    private_limit: ClassVar[int | None] = None
    # A public reply may be longer than a post (Google's review replies); None: the same limit.
    reply_limit: ClassVar[int | None] = None
    is_sandbox: ClassVar[bool] = False
    # A private answer may only follow the customer's last message within this time (Messenger's
    # standard messaging window); None: no such rule. Only messages are answered privately then.
    private_window: ClassVar[timedelta | None] = None
    # Meta's Private Replies: one private message to the author of a comment, within this time of
    # the comment; None: a comment is answered in public only.
    private_comment_window: ClassVar[timedelta | None] = None
    # Whether a comment on our own posts can be hidden from everyone but its author.
    hides_comments: ClassVar[bool] = False
    # Whether a reply sent again replaces the earlier one, and a reply can be deleted (Google).
    edits_replies: ClassVar[bool] = False
    # Whether the network tells when a reply reached the customer and was read (WhatsApp).
    reports_receipts: ClassVar[bool] = False
    # Whether a post needs at least one image (Instagram has no text-only posts).
    needs_media: ClassVar[bool] = False
    # Whether the network downloads a post's images from our public address (Instagram, Threads)
    # instead of receiving them in the request.
    fetches_media: ClassVar[bool] = False
    # Whether the network limits posts per window and says how many are left (publishing_quota).
    has_quota: ClassVar[bool] = False
    # How a user connects: "oauth" (redirect), "password" (handle + app password), "url".
    connect_with: ClassVar[str] = "url"
    # Templates read the class attributes; they must not try to instantiate the class.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(
        self,
        account: Account,
        store: AccountStore | None = None,
        *,
        budget: RateBudget | None = None,
        allow_loopback: bool = False,
    ) -> None:
        self.account = account
        self.store = store
        self.budget = budget
        # Only tests against fake servers on this machine turn this on.
        self.allow_loopback = allow_loopback

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def profile(self) -> Profile:
        raise ConnectorError(f"{self.label} cannot show a profile", permanent=True)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        raise ConnectorError(f"{self.label} cannot publish", permanent=True)

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        """After an unknown outcome: was this post (by its idempotency key) published?"""
        raise ConnectorError(f"{self.label} cannot look up posts", permanent=True)

    def mentions(self, cursor: str = "") -> MentionPage:
        raise ConnectorError(f"{self.label} cannot read mentions", permanent=True)

    def search(self, query: str, cursor: str = "") -> MentionPage:
        raise ConnectorError(f"{self.label} cannot search", permanent=True)

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        raise ConnectorError(f"{self.label} cannot read metrics", permanent=True)

    def comment_hide(self, remote_id: str, *, hidden: bool) -> None:
        raise ConnectorError(f"{self.label} cannot hide comments", permanent=True)

    def reply_delete(self, remote_id: str) -> None:
        """Remove our reply (by the remote id it was sent with), where edits_replies."""
        raise ConnectorError(f"{self.label} cannot delete replies", permanent=True)

    def publishing_quota(self) -> Quota | None:
        """The network's own count of posts left in its window; None: it has no such limit."""
        return None

    @classmethod
    def conversation_of(cls, remote_id: str) -> str:
        """The start every remote id of one private conversation shares (itself: unknown)."""
        return remote_id


def iter_pages(connector: Connector, cursor: str = "", limit: int = 10) -> Iterator[MentionPage]:
    """Follow a connector's cursor until it runs dry (or `limit` pages)."""
    for _page in range(limit):
        page = connector.mentions(cursor)
        yield page
        if not page.mentions or page.cursor == cursor:
            return
        cursor = page.cursor
