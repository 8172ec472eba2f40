"""A monitor's mentions as Atom and JSON Feed at a secret, revocable address."""

import json

import feedparser
import pytest
from django.test import Client

from klankbord.listening import pipeline
from klankbord.listening.models import Monitor, MonitorFeed, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(world: World) -> Monitor:
    monitor = Monitor.objects.create(organisation=world.org, name="Merk", query="bakker")
    feed = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    pipeline.run(
        feed,
        [pipeline.Item(network="rss", remote_id="1", text="Wie kent een goede bakker in Gent?",
                       url="https://forum.test/t/1", author_name="Mieke")],
    )  # fmt: skip
    return monitor


def feed_address(client: Client, monitor: Monitor) -> tuple[str, str]:
    client.post(f"/o/bakkerij-alice/luisteren/monitors/{monitor.pk}/feed/")
    page = client.get(f"/o/bakkerij-alice/luisteren/monitors/{monitor.pk}/").content.decode()
    atom = page.split("Atom: <code>http://testserver")[1].split("</code>")[0]
    return atom, atom.replace(".xml", ".json")


def test_the_feed_serves_atom_and_json_without_logging_in(
    alice_client: Client, monitor: Monitor
) -> None:
    atom_path, json_path = feed_address(alice_client, monitor)
    anonymous = Client()

    atom = anonymous.get(atom_path)
    parsed = feedparser.parse(atom.content)
    assert atom["Content-Type"].startswith("application/atom+xml") and not parsed.bozo
    assert [entry.link for entry in parsed.entries] == ["https://forum.test/t/1"]

    items = json.loads(anonymous.get(json_path).content)["items"]
    assert items[0]["content_text"] == "Wie kent een goede bakker in Gent?"
    assert "lead" in items[0]["_klankbord"]["intents"]


def test_a_new_address_or_revoking_stops_the_old_one(
    alice_client: Client, monitor: Monitor
) -> None:
    old, _json = feed_address(alice_client, monitor)
    new, _json = feed_address(alice_client, monitor)
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200

    alice_client.post(
        f"/o/bakkerij-alice/luisteren/monitors/{monitor.pk}/feed/", {"action": "revoke"}
    )
    assert Client().get(new).status_code == 404
    assert MonitorFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_a_guessed_token_finds_nothing(monitor: Monitor) -> None:
    assert Client().get("/luisteren/feed/" + "x" * 43 + ".xml").status_code == 404
    assert Client().get("/luisteren/feed/" + "x" * 300 + ".json").status_code == 404
