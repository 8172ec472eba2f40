"""An IPv6 address that carries an IPv4 address is judged by the IPv4 address inside it."""

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from klankbord.lib import http

# Each form wraps 127.0.0.1 or 169.254.169.254 (refused) and 8.8.8.8 (a public address).
EMBEDDINGS = {
    "IPv4-compatible": ("::127.0.0.1", "::8.8.8.8"),
    "IPv4-compatible in hex": ("::a9fe:a9fe", "::808:808"),
    "IPv4-mapped": ("::ffff:127.0.0.1", "::ffff:8.8.8.8"),
    "IPv4-mapped in hex": ("::ffff:a9fe:a9fe", "::ffff:808:808"),
    "IPv4-translated": ("::ffff:0:127.0.0.1", "::ffff:0:8.8.8.8"),
    "NAT64": ("64:ff9b::a9fe:a9fe", "64:ff9b::8.8.8.8"),
    "6to4": ("2002:a9fe:a9fe::1", "2002:808:808::1"),
    # Teredo: server in bits 32-63, client inverted in the last 32 bits (RFC 4380).
    "Teredo client": (
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
    ),
    "Teredo server": ("2001:0:7f00:1:8000:63bf:f7f7:f7f7", "2001:0:808:808:8000:63bf:f7f7:f7f7"),
}


@pytest.mark.parametrize("form", EMBEDDINGS)
def test_the_ipv4_address_inside_decides(form: str) -> None:
    inside, public = EMBEDDINGS[form]
    assert not http.is_public_address(ipaddress.IPv6Address(inside))
    assert http.is_public_address(ipaddress.IPv6Address(public))


@pytest.mark.parametrize("form", EMBEDDINGS)
def test_a_url_with_a_wrapped_private_address_is_refused(form: str) -> None:
    inside, _public = EMBEDDINGS[form]
    with pytest.raises(http.UnsafeURL):
        http.check_url(f"http://[{inside}]/")


def test_local_use_nat64_is_refused_whatever_it_carries() -> None:
    # RFC 8215: where the IPv4 address sits depends on the local prefix, so we cannot judge it.
    for text in ["64:ff9b:1::7f00:1", "64:ff9b:1:808:8:800::", "64:ff9b:1::808:808"]:
        assert not http.is_public_address(ipaddress.IPv6Address(text))


@pytest.fixture
def nat64_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host != "nat64.example.test":
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield


def test_a_name_that_resolves_to_a_wrapped_private_address_is_refused(nat64_dns: None) -> None:
    with pytest.raises(http.UnsafeURL):
        http.check_url("https://nat64.example.test/feed.xml")
