"""Only an absolute http(s) address with a host is a link; every other scheme becomes ""."""

import pytest

from klankbord.lib.links import safe_url

DANGEROUS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.test/x",
    "/o/bakkerij-alice/",
    "evil.test",
    "https:evil.test",
    "https:/evil.test",
    "https:\\\\evil.test",
    "https://",
    "http://[::1",
    "https://evil.test/\tpath",
    "ftp://files.test/x",
    "mailto:alice@bakkerij.test",
    "\uff4aavascript:alert(1)",
    "",
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_anything_but_an_absolute_http_address_is_refused(url: str) -> None:
    assert safe_url(url) == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://mastodon.test/@klant/1",
        "http://blog.test/2026/12/bakker?utm=x#comments",
        "HTTPS://Bakkerij.test/",
        "https://café.test/menu",
        "https://[2001:db8::1]:8443/x",
    ],
)
def test_an_absolute_http_address_is_kept_as_it_is(url: str) -> None:
    assert safe_url(url) == url


def test_spaces_around_an_address_are_trimmed_and_non_text_is_refused() -> None:
    assert safe_url("  https://blog.test/x\n") == "https://blog.test/x"
    assert safe_url(None) == "" and safe_url(42) == ""
