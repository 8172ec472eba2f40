"""The SSRF guard refuses every address inside the network, in every spelling, before connecting."""

import socket
from collections.abc import Iterator

import httpx
import pytest
from django.utils.translation import override

from klankbord.lib import http

UNSAFE_URLS = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://127.0.0.1:8000/admin",
    "http://0.0.0.0/",
    "http://0/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://10.0.0.1/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://192.0.0.1/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    "http://198.51.100.1/",
    "http://203.0.113.1/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0x0.0x0.0x1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://[::1]/",
    "http://[::]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    "http://[ff02::1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[2001::1]/",
    "http://[2001:db8::1]/",
    "http://[100::1]/",
    "http://internal.example.test/",
    "http://metadata.example.test/",
    "http://mixed.example.test/",
    "ftp://example.org/feed.xml",
    "file:///etc/passwd",
    "gopher://example.org/",
    "javascript:alert(1)",
    "http://user:pass@example.org/",
    "http:///nohost",
    "http://example.org:99999/",
]

FAKE_DNS = {
    "internal.example.test": ["127.0.0.1"],
    "metadata.example.test": ["169.254.169.254"],
    "mixed.example.test": ["93.184.216.34", "10.1.2.3"],
    "public.example.test": ["93.184.216.34"],
    "example.org": ["93.184.216.34"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host in FAKE_DNS:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in FAKE_DNS[host]
            ]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield


def test_there_are_more_than_forty_cases() -> None:
    assert len(UNSAFE_URLS) >= 40


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_it_refuses_an_address_inside_the_network(url: str) -> None:
    reasons = "private or reserved|Only http|no server name|user name|not a valid|cannot be found"
    with override("en"), pytest.raises(http.HttpError, match=reasons):
        http.check_url(url)


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_it_never_connects_to_an_unsafe_address(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(http.PinnedBackend, "connect_tcp", no_connection)
    with pytest.raises(http.HttpError):
        http.request("GET", url, user_url=True)


def test_it_accepts_a_public_address() -> None:
    checked = http.check_url("https://public.example.test/feed.xml")
    assert checked.addresses == ("93.184.216.34",)
    assert checked.port == 443


def test_loopback_is_only_allowed_when_asked() -> None:
    with pytest.raises(http.UnsafeURL):
        http.check_url("http://127.0.0.1:8080/")
    assert http.check_url("http://127.0.0.1:8080/", allow_loopback=True).port == 8080
    with pytest.raises(http.UnsafeURL):
        http.check_url("http://10.0.0.1/", allow_loopback=True)


def test_a_redirect_into_the_network_is_refused(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(http.UnsafeURL):
        http.request("GET", httpserver.url_for("/feed"), user_url=True, allow_loopback=True)


def test_the_connection_goes_to_the_checked_address(
    httpserver, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # DNS answers "loopback" at check time; a rebinding answer later must not be used.
    FAKE_DNS["rebind.example.test"] = ["127.0.0.1"]
    httpserver.expect_request("/").respond_with_data("pinned")
    url = f"http://rebind.example.test:{httpserver.port}/"
    checked = http.check_url(url, allow_loopback=True)
    FAKE_DNS["rebind.example.test"] = ["10.9.9.9"]
    transport = http.pinned_transport(checked)
    with httpx.Client(transport=transport) as client:
        assert client.get(url).text == "pinned"
