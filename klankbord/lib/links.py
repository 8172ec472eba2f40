"""The one rule for an address that came from outside: only an absolute http(s) URL with a host.

Everything else (javascript:, data:, vbscript:, a scheme hidden by tabs, entities or percent
signs, `//host` without a scheme, a relative path) becomes "", so it is neither stored nor
shown as a link. An allow-list needs no decoding: any trick leaves the text not starting with
http:// or https://.
"""

from urllib.parse import urlsplit

SCHEMES = ("http", "https")


def safe_url(value: object) -> str:
    """The address itself if it is safe to store and to put in an href, else ""."""
    if not isinstance(value, str):
        return ""
    # Browsers ignore C0 controls and spaces around an address: so do we.
    url = value.strip("".join(map(chr, range(33))) + " \u00a0\ufeff")
    # Inside it, browsers drop tabs and newlines ("java\tscript:"); a real address has none.
    if any(ord(char) < 33 or ord(char) == 127 for char in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken [IPv6] host
        return ""
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return ""
    if not url[len(parts.scheme) :].startswith("://"):
        return ""  # "https:/host" or "https:\\host": browsers guess, we do not
    return url
