"""Link previews: the title and description a network will show for the first link in a post."""

from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from klankbord.lib import http
from klankbord.lib.links import safe_url
from klankbord.lib.text import LINK

PREVIEW_POLICY = http.Policy(timeout=8, total_timeout=12, max_bytes=2 * 1024 * 1024, attempts=1)
TRAILING = ".,;:!?)]}'\""


class LinkPreviewError(Exception):
    pass


class MetaTags(HTMLParser):
    """Collects <title> and the Open Graph / description meta tags of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and key not in self.meta:
                self.meta[key] = values.get("content", "").strip()
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def first_link(text: str) -> str:
    match = LINK.search(text)
    return match.group(0).rstrip(TRAILING) if match else ""


def clean_preview(preview: Mapping[str, str] | None) -> dict[str, str]:
    """A preview as a post keeps it: none at all unless its address is http(s)."""
    url = safe_url((preview or {}).get("url"))
    return {**preview, "url": url} if preview and url else {}


def fetch_preview(url: str, *, allow_loopback: bool = False) -> dict[str, str]:
    """Fetch a page (through the SSRF guard) and return url, title, description and site."""
    try:
        response = http.request(
            "GET",
            url,
            user_url=True,
            allow_loopback=allow_loopback,
            policy=PREVIEW_POLICY,
            headers={"Accept": "text/html,application/xhtml+xml"},
        )
    except http.UnsafeURL as error:
        raise LinkPreviewError(_("This address is not allowed: %s") % error.message) from error
    except http.HttpError as error:
        raise LinkPreviewError(_("The page could not be fetched: %s") % error.message) from error
    if response.status_code >= 400:
        raise LinkPreviewError(
            _("The page answered with an error (%(status)s).") % {"status": response.status_code}
        )
    parser = MetaTags()
    parser.feed(response.text[:500_000])
    meta = parser.meta
    return {
        "url": safe_url(url),
        "title": (meta.get("og:title") or parser.title).strip()[:300],
        "description": (meta.get("og:description") or meta.get("description", ""))[:500],
        "site": (meta.get("og:site_name") or urlsplit(url).hostname or "")[:100],
    }
