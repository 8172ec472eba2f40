"""A link from outside that would run code (javascript:, data:, vbscript:, hidden by case, tabs,
entities or a Google Alerts wrapper) is neither stored nor shown as a link; only http(s) is."""

import importlib
import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks import bluesky
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.inbox.models import Item
from klankbord.listening import pipeline, services, sources
from klankbord.listening.imports import import_file
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db

# As they arrive on the wire: XML entities are decoded by the feed reader, so "&#x09;" is a tab.
ATTACKS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(document.domain)",
    "java&#x09;script:alert(document.domain)",
    " &#x01;javascript:alert(document.domain)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]
# Google Alerts wraps each link; the feed reader unwraps it, and the rule then applies.
WRAPPED = "https://www.google.com/url?rct=j&amp;url=javascript:alert(document.domain)"
# Texts far enough apart that none is dropped as a near duplicate of another.
TEXTS = [
    "De bakker in Gent opent een tweede winkel",
    "Welke bakker bakt het lekkerste roggebrood?",
    "Lange rij aan de bakker op zondagochtend",
    "Onze bakker wint de prijs voor beste croissant",
    "Is de bakker op maandag gesloten?",
    "Nieuwe bakker zoekt leerjongen voor de nacht",
    "Prijzen van de bakker stijgen door dure bloem",
    "Bakker levert taarten aan huis in Leuven",
    "De bakker schenkt brood aan de voedselbank",
]
RSS_ITEM = "<item><guid>{n}</guid><title>{text}</title><link>{link}</link></item>"


def rss(links: list[str]) -> str:
    items = "".join(RSS_ITEM.format(n=n, link=link, text=TEXTS[n]) for n, link in enumerate(links))
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>{items}</channel></rss>'
    )


def assert_no_unsafe_link(page: str) -> None:
    for scheme in ("javascript:", "data:", "vbscript:", "JaVaScRiPt:"):
        assert f'href="{scheme}' not in page and "alert(document.domain)" not in page


def test_a_feed_item_with_an_executable_link_is_stored_without_it(
    world: World, httpserver: HTTPServer, settings: Any, alice_client: Client
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker")
    address = httpserver.url_for("/feed")
    Channel.objects.create(
        organisation=world.org, network="rss", external_id=address, handle="N", base_url=address
    )
    services.sources_sync(world.org)
    source = Source.objects.get(organisation=world.org, kind=Source.Kind.FEED)
    good = "https://nieuws.test/bakker"
    httpserver.expect_request("/feed").respond_with_data(
        rss([*ATTACKS, WRAPPED, good]), content_type="application/rss+xml"
    )
    sources.poll(source.pk)
    stored = dict(Mention.objects.values_list("remote_id", "url"))
    assert stored == {**{str(n): "" for n in range(len(ATTACKS) + 1)}, str(len(ATTACKS) + 1): good}
    assert_no_unsafe_link(alice_client.get("/o/bakkerij-alice/luisteren/").content.decode())


def test_a_mastodon_status_with_an_executable_url_is_stored_without_it(
    world: World, httpserver: HTTPServer, settings: Any
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    fake = FakeMastodon(httpserver)
    channel = connect_mastodon(world, fake)
    hostile = fake.add_mention("Zijn jullie open?")
    hostile.update(url="javascript:alert(document.domain)", uri="vbscript:msgbox(1)")
    half = fake.add_mention("Is er nog brood?")
    half["url"] = "data:text/html,<script>alert(1)</script>"  # its uri is an https address
    sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)
    stored = dict(Mention.objects.values_list("remote_id", "url"))
    assert stored[hostile["id"]] == ""
    assert stored[half["id"]] == half["uri"] and half["uri"].startswith("http://")


def test_a_bluesky_address_is_built_on_bsky_app_and_a_hostile_handle_gives_none() -> None:
    post = "at://did:plc:x/app.bsky.feed.post/3k"
    assert (
        bluesky.web_url(post, "klant.bsky.social")
        == "https://bsky.app/profile/klant.bsky.social/post/3k"
    )
    assert bluesky.web_url(post, "x\tjavascript:alert(1)") == ""


def test_an_imported_mention_with_an_executable_url_is_stored_without_it(world: World) -> None:
    lines = [
        json.dumps({"id": str(n), "text": TEXTS[n], "url": url})
        for n, url in enumerate([*ATTACKS, "//evil.test/x", "https://forum.test/t/1"])
    ]
    result = import_file(world.org, io.BytesIO("\n".join(lines).encode()), "export.jsonl")
    assert result.stored == len(lines)
    urls = set(Mention.objects.values_list("url", flat=True))
    assert urls == {"", "https://forum.test/t/1"}


def test_any_item_reaching_the_pipeline_loses_an_executable_url(world: World) -> None:
    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="x")
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker")
    items = [
        pipeline.Item(network="rss", remote_id=str(n), text="bakker", url=url)
        for n, url in enumerate(["java\tscript:alert(1)", "\x00javascript:alert(1)"])
    ]
    pipeline.run(source, items)
    assert set(Mention.objects.values_list("url", "canonical_url")) == {("", "")}


def old_row(world: World, url: str = "javascript:alert(document.domain)") -> Mention:
    """A mention stored before the rule existed, as the database could still hold it."""
    return Mention.objects.create(
        organisation=world.org, network="mastodon", remote_id="old", key="old", url=url,
        canonical_url=url, text="Wanneer is de bakker open?", author_handle="@klant@m.test",
    )  # fmt: skip


def test_an_old_row_with_an_executable_url_is_shown_without_a_link(
    world: World, alice_client: Client
) -> None:
    mention = old_row(world)
    monitor = Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker")
    mention.monitors.add(monitor)
    item = Item.objects.create(organisation=world.org, mention=mention)
    for address in (
        "/o/bakkerij-alice/luisteren/",
        f"/o/bakkerij-alice/luisteren/monitors/{monitor.pk}/",
        f"/o/bakkerij-alice/inbox/{item.pk}/",
    ):
        page = alice_client.get(address).content.decode()
        assert "Wanneer is de" in page
        assert_no_unsafe_link(page)


def test_the_migration_forgets_executable_urls_and_keeps_good_ones(world: World) -> None:
    bad = old_row(world)
    good = Mention.objects.create(
        organisation=world.org, network="rss", remote_id="g", key="g", text="x",
        url="https://nieuws.test/1", canonical_url="https://nieuws.test/1",
    )  # fmt: skip
    migration = importlib.import_module("klankbord.listening.migrations.0009_forget_unsafe_urls")
    migration.forget_unsafe_urls(apps, None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.url, bad.canonical_url) == ("", "")
    assert good.url == "https://nieuws.test/1"
