"""The one HTTP seam: timeouts, retries with Retry-After and jitter, rate budgets, SSRF guard.

Every call to another server goes through `request()`. It never retries a request that may have
changed something on the other side unless the caller says it is idempotent.
"""

import contextlib
import functools
import ipaddress
import random
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "Klankbord/0.1 (+https://github.com/klankbord)"
MAX_URL_LENGTH = 2000
# A host name as it reaches DNS: letters, digits, dots, hyphens (and underscores, seen in the wild).
HOST_NAME = re.compile(r"[a-z0-9_.-]+")


def _(message: str) -> str:
    """Messages in the user's language when Django runs; lib must also work without it."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # noqa: BLE001
        return message


class HttpError(Exception):
    """The other server could not be reached or answered in a way we cannot use."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class UnsafeURL(HttpError):
    """A user-given URL points somewhere we must not go (inside the network, odd scheme)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class ResponseTooLarge(HttpError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"response larger than {limit} bytes", permanent=True)


class RateLimited(HttpError):
    """The server (or our own budget for it) says: not before `retry_at`."""

    def __init__(self, retry_at: datetime, message: str = "rate limited") -> None:
        super().__init__(message)
        self.retry_at = retry_at


class AmbiguousOutcome(HttpError):
    """A non-idempotent request was sent but no answer came: it may or may not have worked."""


@dataclass(frozen=True)
class Policy:
    timeout: float = 15.0
    # A server that trickles bytes is cut off after this long, whatever the per-read timeout.
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    # A longer Retry-After is not slept through: the caller reschedules instead, so a worker
    # slot is not held for the 15-60 s of a rate-limit window while posts wait for it.
    max_sleep: float = 5.0


DEFAULT_POLICY = Policy()


def default_policy() -> Policy:
    """The default policy, with the timeout from the settings when there are settings."""
    try:
        from django.conf import settings

        timeout = float(settings.HTTP_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 -- lib must also work without Django
        return DEFAULT_POLICY
    return replace(DEFAULT_POLICY, timeout=timeout)


class RateBudget(Protocol):
    """Where the remaining requests per account are kept, so all workers share one budget."""

    def blocked_until(self, key: str) -> datetime | None: ...

    def record(self, key: str, remaining: int | None, reset_at: datetime | None) -> None: ...


@dataclass
class MemoryBudget:
    """A budget for one process (tests, command-line tools)."""

    state: dict[str, tuple[int | None, datetime | None]] = field(default_factory=dict)

    def blocked_until(self, key: str) -> datetime | None:
        remaining, reset_at = self.state.get(key, (None, None))
        if remaining is not None and remaining <= 0 and reset_at and reset_at > now_utc():
            return reset_at
        return None

    def record(self, key: str, remaining: int | None, reset_at: datetime | None) -> None:
        self.state[key] = (remaining, reset_at)


def now_utc() -> datetime:
    return datetime.now(UTC)


# --- SSRF guard ----------------------------------------------------------------------------


# Not reachable from the internet, or not meant to be (RFC 6890 and the IANA special registries).
BLOCKED_IPV4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)  # fmt: skip
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
BLOCKED_IPV6 = tuple(
    ipaddress.IPv6Network(net) for net in ("2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16")
)
# IPv6 forms that carry an IPv4 address in their last 32 bits.
IPV4_IN_LAST_32_BITS = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/96",  # IPv4-compatible, ::127.0.0.1
        "::ffff:0:0/96",  # IPv4-mapped, ::ffff:127.0.0.1
        "::ffff:0:0:0/96",  # IPv4-translated, ::ffff:0:127.0.0.1
        "64:ff9b::/96",  # NAT64, well-known prefix
    )
)
# Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the local prefix length.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (NAT64, 6to4, Teredo, mapped), if any."""
    if any(address in network for network in IPV4_IN_LAST_32_BITS):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    return []


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv4Address):
        blocked = any(address in network for network in BLOCKED_IPV4)
        return not blocked and address.is_global
    inner = embedded_ipv4(address)
    if inner:
        # Judge the IPv4 address the packets end up at, not its IPv6 wrapping.
        return all(is_public_address(ipv4) for ipv4 in inner)
    if address in LOCAL_NAT64 or address not in GLOBAL_UNICAST:
        return False
    return not any(address in network for network in BLOCKED_IPV6) and address.is_global


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HttpError(_("The server %(host)s cannot be found.") % {"host": host}) from error
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class CheckedURL:
    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def check_url(url: str, *, allow_loopback: bool = False) -> CheckedURL:
    """Refuse URLs that are not http(s) or that resolve to a non-public address.

    The host is read as the HTTP client reads it (httpx), so the address we check is the one
    we connect to; anything two parsers could read differently is refused outright.
    """
    url = url.strip()
    host, port = _host_and_port(url)
    addresses = resolve(host, port)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if allow_loopback and address.is_loopback:
            continue
        if not is_public_address(address):
            raise UnsafeURL(_("%(host)s points to a private or reserved address.") % {"host": host})
    return CheckedURL(url=url, host=host, port=port, addresses=tuple(addresses))


def _host_and_port(url: str) -> tuple[str, int]:
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(_("The address is too long."))
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in url):
        raise UnsafeURL(_("The address contains spaces or control characters."))
    invalid = UnsafeURL(_("This is not a valid web address."))
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise UnsafeURL(_("Only http and https addresses are allowed."))
        parsed = httpx.URL(url)
        port = parts.port if parts.port is not None else (443 if scheme == "https" else 80)
        host = parsed.raw_host.decode("ascii")
    except (ValueError, httpx.InvalidURL) as error:
        raise invalid from error
    if "@" in parts.netloc or parsed.userinfo:
        raise UnsafeURL(_("Addresses with a user name or password are not allowed."))
    if not host:
        raise UnsafeURL(_("The address has no server name."))
    if "\\" in parts.netloc or not _is_host(host):
        raise invalid
    return host, port


def _is_host(host: str) -> bool:
    if ":" in host:
        try:
            # A zone (fe80::1%eth0) names a network card of ours: never a public server.
            return "%" not in host and bool(ipaddress.IPv6Address(host))
        except ValueError:
            return False
    return HOST_NAME.fullmatch(host) is not None


class PinnedBackend(httpcore.SyncBackend):
    """Connects to the address we checked, not to whatever DNS says a moment later."""

    def __init__(self, pins: dict[tuple[str, int], str]) -> None:
        self.pins = pins

    def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.NetworkStream:
        pinned = self.pins.get((host, port))
        if pinned is None:
            raise httpcore.ConnectError(f"{host}:{port} was not checked")
        return super().connect_tcp(pinned, port, *args, **kwargs)


@functools.cache
def ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes tens of milliseconds; one context serves every connection.
    return httpx.create_ssl_context()


def pinned_transport(checked: CheckedURL) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=ssl_context())
    # Pinning the checked address closes DNS rebinding (a second lookup answering 127.0.0.1).
    # httpx has no public hook for httpcore's network backend, so the pool is swapped; httpcore
    # is pinned in pyproject.toml and a test connects through it (lib/tests/test_ssrf.py).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context(),
        network_backend=PinnedBackend({(checked.host, checked.port): checked.addresses[0]}),
    )
    return transport


# --- Rate limits ----------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_reset(value: str, now: datetime) -> datetime | None:
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    # Epoch seconds (Bluesky) are large; small numbers are seconds from now (IETF draft).
    if number > 1_000_000_000:
        return datetime.fromtimestamp(number, UTC)
    return now + timedelta(seconds=number)


def parse_rate_limit(headers: httpx.Headers, now: datetime) -> tuple[int | None, datetime | None]:
    """Remaining requests and reset time from Mastodon's X-RateLimit-* or Bluesky's RateLimit-*."""
    remaining_text = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
    reset_text = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    remaining = None
    if remaining_text is not None:
        try:
            remaining = int(float(remaining_text))
        except ValueError:
            remaining = None
    reset_at = _parse_reset(reset_text, now) if reset_text else None
    return remaining, reset_at


# --- Requests -------------------------------------------------------------------------------


def backoff_seconds(attempt: int, policy: Policy) -> float:
    # Full jitter: spreads retries of many workers instead of synchronising them.
    return random.uniform(0, min(policy.backoff_cap, policy.backoff_base * 2**attempt))  # noqa: S311


@dataclass
class Call:
    method: str
    url: str
    idempotent: bool
    policy: Policy
    user_url: bool
    allow_loopback: bool
    budget: RateBudget | None
    budget_key: str
    sleep: Callable[[float], None]
    kwargs: dict[str, Any]


def request(
    method: str,
    url: str,
    *,
    idempotent: bool | None = None,
    policy: Policy | None = None,
    user_url: bool = False,
    allow_loopback: bool = False,
    budget: RateBudget | None = None,
    budget_key: str = "",
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request under our policy and return the response with its body read.

    `user_url` turns on the SSRF guard (for addresses a user typed, and every redirect).
    A POST is only retried when the caller passes `idempotent=True` (e.g. with an idempotency
    key); otherwise a lost answer raises AmbiguousOutcome and the caller must look it up.
    """
    method = method.upper()
    policy = policy or default_policy()
    call = Call(
        method=method,
        url=url,
        idempotent=method in SAFE_METHODS if idempotent is None else idempotent,
        policy=policy,
        user_url=user_url,
        allow_loopback=allow_loopback,
        budget=budget,
        budget_key=budget_key or _host_of(url),
        sleep=sleep,
        kwargs=kwargs,
    )
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        response = _attempt(call, last=last)
        if response is None:
            call.sleep(backoff_seconds(attempt, policy))
            continue
        retry_at = _retry_at(response)
        if response.status_code in RETRY_STATUSES and call.idempotent and not last:
            delay = (retry_at - now_utc()).total_seconds() if retry_at else None
            if delay is not None and delay > policy.max_sleep:
                raise RateLimited(retry_at or now_utc(), f"HTTP {response.status_code}")
            call.sleep(delay if delay is not None else backoff_seconds(attempt, policy))
            continue
        if response.status_code == 429:
            raise RateLimited(retry_at or now_utc() + timedelta(seconds=60), "HTTP 429")
        return response
    raise HttpError(f"no answer from {_host_of(url)} after {policy.attempts} tries")


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _retry_at(response: httpx.Response) -> datetime | None:
    now = now_utc()
    retry_at = parse_retry_after(response.headers.get("retry-after"), now)
    if retry_at is None and response.status_code == 429:
        remaining, reset_at = parse_rate_limit(response.headers, now)
        retry_at = reset_at if remaining == 0 else None
    return retry_at


def _attempt(call: Call, *, last: bool) -> httpx.Response | None:
    """One try, following redirects ourselves. None means: try again (if allowed)."""
    if call.budget is not None:
        blocked_until = call.budget.blocked_until(call.budget_key)
        if blocked_until is not None:
            raise RateLimited(blocked_until, "request budget used up")
    url = call.url
    for _hop in range(call.policy.max_redirects + 1):
        try:
            response = _send(call, url)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpcore.ConnectError) as error:
            # The request never left: safe to try again, even a POST.
            if last:
                raise HttpError(f"cannot connect to {_host_of(url)}: {error}") from error
            return None
        except (
            httpx.ReadTimeout,
            httpx.WriteTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,  # reset while we waited for the answer: as unclear as none
        ) as error:
            if "location header" in str(error):
                # httpx reads a redirect's Location even when we follow redirects ourselves.
                raise UnsafeURL(_("This is not a valid web address.")) from error
            # A request that changes something and got no answer may or may not have worked.
            if not call.idempotent or (last and call.method not in SAFE_METHODS):
                raise AmbiguousOutcome(f"no answer after sending: {error}") from error
            if last:
                raise HttpError(f"no answer from {_host_of(url)}: {error}") from error
            return None
        except httpx.HTTPError as error:
            raise HttpError(str(error)) from error
        except httpx.InvalidURL as error:
            raise HttpError(_("This is not a valid web address."), permanent=True) from error
        if call.budget is not None:
            remaining, reset_at = parse_rate_limit(response.headers, now_utc())
            if remaining is not None:
                call.budget.record(call.budget_key, remaining, reset_at)
        redirect = response.status_code in REDIRECT_STATUSES and "location" in response.headers
        if redirect and call.method in ("GET", "HEAD"):
            try:
                url = urljoin(url, response.headers["location"])
            except ValueError as error:  # a Location no parser can read: go nowhere
                raise UnsafeURL(_("This is not a valid web address.")) from error
            continue
        return response
    raise HttpError("too many redirects", permanent=True)


def _send(call: Call, url: str) -> httpx.Response:
    transport = None
    if call.user_url:
        transport = pinned_transport(check_url(url, allow_loopback=call.allow_loopback))
    call.kwargs["headers"] = {"User-Agent": USER_AGENT, **call.kwargs.pop("headers", {})}
    with (
        httpx.Client(
            transport=transport, timeout=call.policy.timeout, follow_redirects=False
        ) as client,
        client.stream(call.method, url, **call.kwargs) as response,
    ):
        body = _read_capped(
            response.iter_bytes(),
            call.policy.max_bytes,
            time.monotonic() + call.policy.total_timeout,
        )
    # The body is already decoded; drop the headers that describe the wire format.
    # Raw bytes: a header value need not be ASCII (a Location with a non-ASCII host).
    wire_free = httpx.Headers(
        [
            (name, value)
            for name, value in response.headers.raw
            if name.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
    )
    return httpx.Response(
        response.status_code, headers=wire_free, content=body, request=response.request
    )


def _read_capped(chunks: Iterable[bytes], limit: int, deadline: float) -> bytes:
    received = bytearray()
    for chunk in chunks:
        received.extend(chunk)
        if len(received) > limit:
            raise ResponseTooLarge(limit)
        if time.monotonic() > deadline:
            raise HttpError("the server took too long to answer")
    return bytes(received)


@contextlib.contextmanager
def stream(
    method: str,
    url: str,
    *,
    policy: Policy | None = None,
    user_url: bool = False,
    allow_loopback: bool = False,
    **kwargs: Any,
) -> Iterator[httpx.Response]:
    """One request whose body is read as it arrives (server-sent events); never retried.

    The caller reads `response.iter_lines()` inside the `with`; a failure to connect or a
    silence longer than the policy's timeout raises HttpError, with the httpx error as cause.
    """
    policy = policy or default_policy()
    transport = None
    if user_url:
        transport = pinned_transport(check_url(url, allow_loopback=allow_loopback))
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    try:
        with (
            httpx.Client(transport=transport, timeout=policy.timeout, follow_redirects=False) as c,
            c.stream(method.upper(), url, headers=headers, **kwargs) as response,
        ):
            yield response
    except (httpx.HTTPError, httpcore.ConnectError) as error:
        raise HttpError(f"no answer from {_host_of(url)}: {error}") from error
