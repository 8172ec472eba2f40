"""RSS and Atom feeds: discovery, caching headers, and every kind of bad feed failing cleanly."""

import json
from pathlib import Path

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError
from klankbord.channels.networks.rss import FeedConnector, unwrap_google_link
from klankbord.test import World

FIXTURES = Path(__file__).parent / "fixtures"
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Nieuws uit Leuven</title><link>https://nieuws.example/</link>
<item><guid>a1</guid><title>Nieuwe bakkerij opent in de Bondgenotenlaan</title>
<link>https://nieuws.example/a1</link>
<description>&lt;p&gt;Bakkerij Vandevelde &lt;b&gt;opent&lt;/b&gt; een tweede winkel.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</description>
<pubDate>Mon, 23 Nov 2026 08:00:00 +0100</pubDate></item>
</channel></rss>"""


def add_feed(client: Client, world: World, url: str) -> str:
    response = client.post(f"/o/{world.org.slug}/instellingen/kanalen/feed/", {"url": url})
    return response.text if response.status_code == 200 else ""


def test_a_feed_is_added_and_read(
    alice_client: Client, world: World, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(
        RSS, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    assert add_feed(alice_client, world, httpserver.url_for("/rss.xml")) == ""
    channel = Channel.objects.get(network="rss")
    assert channel.handle == "Nieuws uit Leuven"
    page = services.connector_for(channel).mentions("")
    [mention] = page.mentions
    assert mention.title == "Nieuwe bakkerij opent in de Bondgenotenlaan"
    assert "opent een tweede winkel" in mention.text
    assert "<" not in mention.text and "alert" not in mention.text
    assert mention.created_at is not None and mention.created_at.hour == 7
    assert json.loads(page.cursor)["etag"] == '"v1"'


def test_a_web_page_leads_to_its_feed(
    alice_client: Client, world: World, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/blog/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/blog/feed">'
        "</head><body>Blog</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/blog/feed").respond_with_data(RSS, content_type="application/xml")
    assert add_feed(alice_client, world, httpserver.url_for("/blog/")) == ""
    assert Channel.objects.get(network="rss").base_url == httpserver.url_for("/blog/feed")


def test_an_unchanged_feed_answers_304_and_keeps_the_cursor(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    connector = FeedConnector(
        services.Account(base_url=httpserver.url_for("/rss.xml")), allow_loopback=True
    )
    cursor = '{"etag": "\\"v1\\"", "modified": ""}'
    page = connector.mentions(cursor)
    assert page.mentions == [] and page.cursor == cursor


def test_google_alerts_links_are_unwrapped(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/alerts").respond_with_data(
        (FIXTURES / "google_alerts_atom.sample.xml").read_bytes(),
        content_type="application/atom+xml",
    )
    connector = FeedConnector(
        services.Account(base_url=httpserver.url_for("/alerts")), allow_loopback=True
    )
    mentions = connector.mentions("").mentions
    assert len(mentions) >= 5
    assert all("google.com/url" not in m.url for m in mentions)
    assert mentions[0].url.startswith("https://www.aglobalmarketresearch.com/")
    assert mentions[0].remote_id.startswith("tag:google.com,2013:googlealerts/feed:")
    assert "<b>" not in mentions[0].title
    assert unwrap_google_link("https://example.org/x") == "https://example.org/x"


BAD_FEEDS = {
    "not a feed": (b"Hello, this is plain text.", "text/plain", "not a readable"),
    "truncated": (RSS[:60].encode(), "application/rss+xml", "not a readable"),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<rss><channel><title>&lol2;</title></channel></rss>",
        "application/rss+xml",
        "entities",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&xxe;</title></channel></rss>",
        "application/rss+xml",
        "entities",
    ),
    "huge": (b"<rss>" + b"x" * (6 * 1024 * 1024) + b"</rss>", "application/rss+xml", "too large"),
}


@pytest.mark.parametrize("kind", BAD_FEEDS)
def test_a_bad_feed_fails_cleanly_and_stores_nothing(
    kind: str, alice_client: Client, world: World, httpserver: HTTPServer
) -> None:
    body, content_type, message = BAD_FEEDS[kind]
    httpserver.expect_request("/bad").respond_with_data(body, content_type=content_type)
    page = add_feed(alice_client, world, httpserver.url_for("/bad"))
    assert message in page
    assert not Channel.objects.exists()


def test_a_non_utf8_feed_is_read_in_its_own_encoding(httpserver: HTTPServer) -> None:
    latin = RSS.replace("utf-8", "iso-8859-1").replace("Nieuws", "Café-nieuws").encode("latin-1")
    httpserver.expect_request("/latin").respond_with_data(latin, content_type="application/rss+xml")
    connector = FeedConnector(
        services.Account(base_url=httpserver.url_for("/latin")), allow_loopback=True
    )
    assert connector.profile().display_name == "Café-nieuws uit Leuven"


def test_a_feed_address_inside_the_network_is_refused(
    alice_client: Client, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = False
    page = add_feed(alice_client, world, "http://127.0.0.1:8000/admin/")
    assert "not allowed" in page
    assert not Channel.objects.exists()


def test_a_vanished_feed_is_a_permanent_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    connector = FeedConnector(
        services.Account(base_url=httpserver.url_for("/gone")), allow_loopback=True
    )
    with pytest.raises(ConnectorError) as caught:
        connector.mentions("")
    assert caught.value.permanent
