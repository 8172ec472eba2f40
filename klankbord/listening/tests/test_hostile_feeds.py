"""Feeds that try to hurt: huge, endless, bombs, broken encodings. The source reports it, stores
nothing wrong, keeps its bookmark and tries again later."""

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.models import Channel
from klankbord.channels.networks import rss
from klankbord.listening import services, sources
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.test import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translations")]

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>Nieuws</title>
<item><guid>1</guid><title>{title}</title><link>https://nieuws.test/1</link>
<description>De bakker uit Leuven opent een tweede winkel.</description></item>
</channel></rss>"""


@pytest.fixture
def feed_source(world: World, httpserver: HTTPServer, settings: Any) -> Source:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker")
    Channel.objects.create(
        organisation=world.org, network="rss", external_id=httpserver.url_for("/feed"),
        handle="Nieuws", base_url=httpserver.url_for("/feed"),
    )  # fmt: skip
    services.sources_sync(world.org)
    return Source.objects.get(organisation=world.org, kind=Source.Kind.FEED)


def polled(source: Source) -> Source:
    with translation.override("nl-be"):  # a worker speaks the site's default language
        sources.poll(source.pk)
    source.refresh_from_db()
    return source


def test_a_50_mb_feed_is_refused_without_reading_it_all(
    feed_source: Source, httpserver: HTTPServer
) -> None:
    def huge() -> Iterator[bytes]:
        yield b'<?xml version="1.0"?><rss><channel>'
        for _ in range(50 * 1024):
            yield b"<item><title>" + b"x" * 1000 + b"</title></item>"

    httpserver.expect_request("/feed").respond_with_response(
        Response(huge(), content_type="application/rss+xml")
    )
    source = polled(feed_source)
    assert "te groot" in source.last_error and source.failures == 1
    assert source.cursor == "" and not Mention.objects.exists()


def test_a_feed_that_never_ends_is_given_up(
    feed_source: Source, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rss, "FEED_POLICY", replace(rss.FEED_POLICY, total_timeout=1.5))

    def trickle(request: Request) -> Response:
        def forever() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss><channel><title>x</title>'
            for _ in range(100):
                time.sleep(0.1)
                yield b"<!-- still here -->"

        return Response(forever(), content_type="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(trickle)
    started = time.monotonic()
    source = polled(feed_source)
    assert time.monotonic() - started < 8
    assert source.last_error and not Mention.objects.exists()


def test_an_xml_bomb_is_refused(feed_source: Source, httpserver: HTTPServer) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss><channel><title>&lol2;</title></channel></rss>'
    )
    httpserver.expect_request("/feed").respond_with_data(bomb, content_type="application/rss+xml")
    source = polled(feed_source)
    assert "XML-entiteiten" in source.last_error and not Mention.objects.exists()


def test_a_latin1_feed_and_mojibake_come_out_as_clean_text(
    feed_source: Source, httpserver: HTTPServer
) -> None:
    body = RSS.format(encoding="iso-8859-1", title="Café De Zwaan: bakker").encode("latin-1")
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")
    source = polled(feed_source)
    assert source.last_error == ""
    mention = Mention.objects.get()
    assert mention.title == "Café De Zwaan: bakker"
    assert mention.text == "De bakker uit Leuven opent een tweede winkel."


GOOGLE_ALERTS = (
    Path(__file__).resolve().parents[2] / "channels/tests/fixtures/google_alerts_atom.sample.xml"
)
RSS_091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Oud</title>
<item><title>Bakker wint prijs</title><link>https://oud.test/1</link>
<description>Een bakker uit Gent wint de prijs.</description></item></channel></rss>"""
RSS_10 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://rdf.test/"><title>RDF</title></channel>
<item rdf:about="https://rdf.test/1"><title>Nieuwe bakker in Brugge</title>
<link>https://rdf.test/1</link><description>Opening zaterdag.</description></item></rdf:RDF>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Blog</title><id>urn:blog</id><updated>2026-11-20T10:00:00Z</updated>
<entry><id>urn:blog:1</id><title>Onze bakker in Hasselt</title>
<updated>2026-11-20T10:00:00Z</updated><link href="https://blog.test/1"/>
<summary type="html">&lt;p&gt;Lekker &lt;b&gt;brood&lt;/b&gt;&lt;/p&gt;</summary></entry></feed>"""


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (RSS_091, "Bakker wint prijs"),
        (RSS_10, "Nieuwe bakker in Brugge"),
        (ATOM, "Onze bakker in Hasselt"),
    ],
)
def test_every_feed_shape_is_read(
    feed_source: Source, httpserver: HTTPServer, body: str, title: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/xml")
    source = polled(feed_source)
    assert source.last_error == ""
    assert list(Mention.objects.values_list("title", flat=True)) == [title]
    assert "<" not in Mention.objects.get().text


def test_google_alerts_come_in_without_markup_and_with_the_real_address(
    world: World, feed_source: Source, httpserver: HTTPServer
) -> None:
    Monitor.objects.create(organisation=world.org, name="Slack", query="slack")
    httpserver.expect_request("/feed").respond_with_data(
        GOOGLE_ALERTS.read_bytes(), content_type="application/atom+xml"
    )
    polled(feed_source)
    mention = Mention.objects.order_by("pk").first()
    assert mention is not None and Mention.objects.count() > 3
    assert "<b>" not in mention.title and "Slack" in mention.title
    assert mention.canonical_url.startswith("https://aglobalmarketresearch.com/report-offers")
