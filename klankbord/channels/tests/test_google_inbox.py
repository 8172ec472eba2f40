"""A Google review on the inbox page: its stars in words, saved replies, the target, deleting."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.inbox.handoff import send_overdue_alerts
from klankbord.inbox.models import Item, Reply, SavedReply
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_google: FakeGoogle) -> Channel:
    channel = connect_google(world, fake_google)
    listening.sources_sync(world.org)
    return channel


def arrived(channel: Channel, fake_google: FakeGoogle, stars: int, text: str) -> Item:
    review = fake_google.add_review(fake_google.location(0), stars, text, reviewer="Els Claes")
    sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)
    return Item.objects.get(mention__remote_id__startswith=f"{review['name']}~")


def item_url(world: World, item: Item) -> str:
    return f"/o/{world.org.slug}/inbox/{item.pk}/"


def test_the_stars_are_shown_in_words_too(
    world: World, channel: Channel, fake_google: FakeGoogle, alice_client: Client
) -> None:
    item = arrived(channel, fake_google, 2, "Koud brood.")
    page = alice_client.get(item_url(world, item))
    assert "Review: 2 of 5 stars" in page.text
    assert '<span aria-hidden="true">★★☆☆☆</span>' in page.text
    listed = alice_client.get(f"/o/{world.org.slug}/inbox/").text
    assert "Review: 2 of 5 stars" in listed and "· review ·" in listed


def test_a_saved_reply_answers_a_review_and_a_new_reply_replaces_it(
    world: World, channel: Channel, fake_google: FakeGoogle, alice_client: Client
) -> None:
    SavedReply.objects.create(
        organisation=world.org,
        title="Sorry",
        text="Dag {naam}, wat spijtig! Kom langs, we maken het goed.",
    )
    item = arrived(channel, fake_google, 1, "Koud brood.")
    page = alice_client.get(item_url(world, item))
    filled = "Dag Els, wat spijtig! Kom langs, we maken het goed."
    assert filled in page.text
    alice_client.post(f"{item_url(world, item)}antwoord/", {"text": filled})
    review = next(iter(fake_google.location(0).reviews.values()))
    assert fake_google.reply_of(review) == filled
    page = alice_client.get(item_url(world, item))
    assert "sending a new reply replaces the one on the network" in page.text
    alice_client.post(f"{item_url(world, item)}antwoord/", {"text": "Dag Els, tot morgen!"})
    assert fake_google.reply_of(review) == "Dag Els, tot morgen!"
    reply = Reply.objects.filter(item=item).last()
    assert reply is not None
    page = alice_client.post(
        f"{item_url(world, item)}antwoord/{reply.pk}/verwijderen/", follow=True
    )
    assert "The reply is deleted on the network." in page.text
    assert fake_google.reply_of(review) is None
    item.refresh_from_db()
    assert item.status == Item.Status.NEW  # open again: the review has no answer now


def test_a_review_waiting_past_the_target_alerts_like_any_other(
    world: World,
    channel: Channel,
    fake_google: FakeGoogle,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = arrived(channel, fake_google, 2, "Niemand nam de telefoon op.")
    assert item.due_at is not None
    assert send_overdue_alerts(now=item.due_at - timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_alerts(now=item.due_at + timedelta(minutes=1)) >= 1
    assert any("Niemand nam de telefoon op" in message.body for message in mail.outbox)
