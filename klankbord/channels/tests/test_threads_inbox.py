"""Replies to our threads in the inbox: stored once, answered once on Threads, hidden there."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from klankbord.channels import services
from klankbord.channels.models import Channel, HiddenComment
from klankbord.channels.networks.base import OutgoingPost
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes.threads import FakeThreads
from klankbord.inbox.replying import reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_threads: FakeThreads) -> Channel:
    return connect_threads(world, fake_threads)


def a_thread(channel: Channel) -> str:
    return services.connector_for(channel).publish(OutgoingPost("Nieuw: spelt", "k")).remote_id


def test_each_reply_is_stored_once_over_many_polls(
    world: World, channel: Channel, fake_threads: FakeThreads
) -> None:
    listening.sources_sync(world.org)
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    thread = a_thread(channel)
    fake_threads.add_reply(thread, "Ook glutenvrij?")
    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0
    fake_threads.add_reply(thread, "En op zondag?")
    assert sources.poll(source.pk) == 1
    assert sorted(Mention.objects.values_list("kind", "text")) == [
        ("reply", "En op zondag?"),
        ("reply", "Ook glutenvrij?"),
    ]


def test_a_reply_is_answered_on_threads_once(
    world: World, channel: Channel, fake_threads: FakeThreads
) -> None:
    question = fake_threads.add_reply(a_thread(channel), "Ook glutenvrij?")
    item = item_for(channel, question["id"])
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    reply = reply_send(item=item, by=alice, text="Nee, maar vrijdag wel!")
    ours = fake_threads.media[reply.remote_id]
    assert (ours["text"], ours["reply_to"]) == ("Nee, maar vrijdag wel!", question["id"])
    assert fake_threads.texts().count("Nee, maar vrijdag wel!") == 1


def test_an_editor_hides_a_reply_from_the_inbox(
    world: World, channel: Channel, fake_threads: FakeThreads
) -> None:
    rude = fake_threads.add_reply(a_thread(channel), "Koop bij de buren!")
    item = item_for(channel, rude["id"])
    client = Client()
    client.force_login(world.bob)
    url = reverse("inbox_item_hide", args=[world.org.slug, item.pk])
    client.post(url, {"hidden": "1"})
    assert fake_threads.media[rude["id"]]["hidden"]
    assert HiddenComment.objects.filter(remote_id=rude["id"]).exists()
    client.post(url, {"hidden": "0"})
    assert not fake_threads.media[rude["id"]]["hidden"]
