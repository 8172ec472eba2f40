"""RSS and Atom feeds: blogs, news sites, Google Alerts, Reddit and YouTube feeds. Read only.

We fetch with our own HTTP seam (SSRF guard, size cap, ETag/Last-Modified) and hand feedparser
bytes: it must never fetch a URL or open a path itself.
"""

import calendar
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klankbord.channels.networks.base import (
    Capability,
    Connector,
    ConnectorError,
    Mention,
    MentionPage,
    Profile,
    RateLimitError,
)
from klankbord.lib import http
from klankbord.lib.links import safe_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
FEED_POLICY = http.Policy(timeout=15, max_bytes=5 * 1024 * 1024, total_timeout=30)
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class FeedLinks(HTMLParser):
    """Collects <link rel="alternate" type="application/rss+xml" href="…"> from a web page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        rels = found.get("rel", "").lower().split()
        if tag == "link" and "alternate" in rels and found.get("type", "").lower() in FEED_TYPES:
            self.links.append(found.get("href", ""))


def discover_feed(page_url: str, html: str) -> str | None:
    parser = FeedLinks()
    parser.feed(html)
    try:
        return urljoin(page_url, parser.links[0]) if parser.links else None
    except ValueError:  # a link no parser can read ("http://[127.0.0.1]/")
        return None


def fetch(
    url: str, *, allow_loopback: bool, etag: str = "", modified: str = ""
) -> http.httpx.Response:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml, */*"
    }
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        return http.request(
            "GET",
            url,
            user_url=True,
            allow_loopback=allow_loopback,
            policy=FEED_POLICY,
            headers=headers,
        )
    except http.UnsafeURL as error:
        message = _("This address is not allowed: %s") % error.message
        raise ConnectorError(message, permanent=True) from error
    except http.ResponseTooLarge as error:
        raise ConnectorError(_("The feed is too large (over 5 MB)."), permanent=True) from error
    except http.RateLimited as error:
        raise RateLimitError(_("The site asks us to wait."), retry_at=error.retry_at) from error
    except http.HttpError as error:
        raise ConnectorError(_("The feed could not be fetched: %s") % error.message) from error


def parse(content: bytes) -> Any:
    if ENTITY_DECLARATION.search(content[:65536]):
        # Entity declarations are how XML bombs and external-entity attacks start.
        raise ConnectorError(
            _("The feed declares XML entities; it is refused for safety."), permanent=True
        )
    parsed = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.get("entries") and not parsed.get("feed", {}).get("title"):
        raise ConnectorError(_("This is not a readable RSS or Atom feed."), permanent=True)
    return parsed


def unwrap_google_link(url: str) -> str:
    # Google Alerts wraps every link as https://www.google.com/url?...&url=<the real one>.
    parts = urlsplit(url)
    if parts.netloc.endswith("google.com") and parts.path == "/url":
        real = parse_qs(parts.query).get("url")
        if real:
            return real[0]
    return url


def strip_tags(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text or "")).strip()


def entry_time(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None


def to_mention(entry: Any) -> Mention:
    link = unwrap_google_link(entry.get("link", ""))
    summary = entry.get("summary", "") or ""
    title = strip_tags(entry.get("title", ""))
    return Mention(
        remote_id=entry.get("id") or link or title,
        url=safe_url(link),
        author_handle=entry.get("author", "") or "",
        author_name=entry.get("author", "") or "",
        text=strip_tags(summary) or title,
        title=title,
        created_at=entry_time(entry),
        kind="feed",
    )


class FeedConnector(Connector):
    network = "rss"
    label = gettext_lazy("RSS or Atom feed")
    capabilities = frozenset({Capability.MENTIONS})
    connect_with = "url"

    @classmethod
    def locate(cls, url: str, *, allow_loopback: bool) -> tuple[str, Any]:
        """The feed behind a URL: the URL itself, or the feed a web page links to."""
        response = fetch(url, allow_loopback=allow_loopback)
        if response.status_code >= 400:
            raise ConnectorError(
                _("The site answered with error %s.") % response.status_code, permanent=True
            )
        content_type = response.headers.get("content-type", "").lower()
        if "html" in content_type:
            feed_url = discover_feed(str(response.url), response.text)
            if not feed_url:
                raise ConnectorError(
                    _("This page does not link to an RSS or Atom feed."), permanent=True
                )
            response = fetch(feed_url, allow_loopback=allow_loopback)
            url = feed_url
        return url, parse(response.content)

    def profile(self) -> Profile:
        _url, parsed = self.locate(self.account.base_url, allow_loopback=self.allow_loopback)
        feed = parsed.get("feed", {})
        return Profile(
            external_id=self.account.base_url,
            handle=strip_tags(feed.get("title", "")) or urlsplit(self.account.base_url).netloc,
            display_name=strip_tags(feed.get("title", "")),
            profile_url=safe_url(feed.get("link")),
        )

    def mentions(self, cursor: str = "") -> MentionPage:
        state = json.loads(cursor) if cursor else {}
        response = fetch(
            self.account.base_url,
            allow_loopback=self.allow_loopback,
            etag=state.get("etag", ""),
            modified=state.get("modified", ""),
        )
        if response.status_code == 304:
            return MentionPage(mentions=[], cursor=cursor)
        if response.status_code in (401, 403, 404, 410):
            raise ConnectorError(
                _("The feed is gone (error %s).") % response.status_code, permanent=True
            )
        if response.status_code >= 400:
            raise ConnectorError(_("The site answered with error %s.") % response.status_code)
        parsed = parse(response.content)
        new_state = {
            "etag": response.headers.get("etag", ""),
            "modified": response.headers.get("last-modified", ""),
        }
        mentions = [to_mention(entry) for entry in parsed.get("entries", [])]
        return MentionPage(mentions=mentions, cursor=json.dumps(new_state, sort_keys=True))
