"""A reading Klankbord is not sure of says so in the inbox, until a member corrects it."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.inbox.models import Item
from klankbord.listening import pipeline
from klankbord.listening.models import Source
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/inbox/"
UNSURE = "Klankbord is not sure of this reading — correct it if it is wrong."


@pytest.fixture
def item(world: World) -> Item:
    channel = Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="9", handle="@alice@m.test",
        base_url="https://m.test",
    )  # fmt: skip
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    unsure = SimpleNamespace(language="nl", sentiment="neutral", sentiment_score=0.0,
                             intents=[], places=[], confidence=0.38, uncertain=True)  # fmt: skip
    arrived = pipeline.Item(network="mastodon", remote_id="r1", text="Tja, die taart weer",
                            author_handle="@klant@x.test")  # fmt: skip
    with mock.patch.object(pipeline, "read", return_value=[unsure]):
        pipeline.run(source, [arrived])
    return Item.objects.get()


def test_the_item_page_says_klankbord_is_not_sure(item: Item, alice_client: Client) -> None:
    page = alice_client.get(f"{BASE}{item.pk}/").content.decode()
    assert "data-uncertain" in page
    assert f'<small class="help unsure-why">{UNSURE}</small>' in page  # in words, not colour


def test_the_inbox_list_marks_the_uncertain_item(item: Item, alice_client: Client) -> None:
    page = alice_client.get(BASE).content.decode()
    assert "Tja, die taart weer" in page
    assert "data-uncertain" in page and UNSURE in page


def test_a_correction_in_the_inbox_makes_the_reading_sure(item: Item, alice_client: Client) -> None:
    alice_client.post(f"{BASE}{item.pk}/label/", {"sentiment": "negative"})

    item.mention.refresh_from_db()
    assert item.mention.sentiment == "negative"
    assert (item.mention.uncertain, item.mention.reading_confidence) == (False, 1.0)
    assert "data-uncertain" not in alice_client.get(f"{BASE}{item.pk}/").content.decode()
