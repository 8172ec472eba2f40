"""A Mastodon server at an IPv6 address connects, with the brackets kept in every URL."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.mastodon import normalise_instance
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.test import World


@pytest.fixture
def ipv6_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="::1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.mark.parametrize(
    ("typed", "instance"),
    [
        ("[2001:db8::1]", "https://[2001:db8::1]"),
        ("https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443"),
        ("@bakkerij@[2001:db8::1]", "https://[2001:db8::1]"),
    ],
)
def test_an_ipv6_server_keeps_its_brackets(typed: str, instance: str) -> None:
    assert normalise_instance(typed) == instance


def test_a_mastodon_server_at_an_ipv6_address_connects(
    alice_client: Client, world: World, ipv6_server: HTTPServer
) -> None:
    fake = FakeMastodon(ipv6_server)
    instance = f"http://[::1]:{ipv6_server.port}"
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/mastodon/", {"instance": instance}
    )
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(instance + "/oauth/authorize?")
    approved = httpx.get(authorize, follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    assert alice_client.get(f"{callback.path}?{callback.query}").status_code == 302
    channel = Channel.objects.get(organisation=world.org, network="mastodon")
    assert channel.base_url == instance
    assert len(fake.apps) == 1
