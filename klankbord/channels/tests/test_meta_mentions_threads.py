"""Threads posts by others that @-mention the profile come in once and are answered once."""

import json
from collections.abc import Iterator

import pytest
from django.utils import translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes.threads import FakeThreads
from klankbord.inbox.models import Reply
from klankbord.inbox.replying import reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_threads: FakeThreads) -> Channel:
    channel = connect_threads(world, fake_threads)
    listening.sources_sync(world.org)
    return channel


def source_of(channel: Channel) -> Source:
    return Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)


def test_mentions_come_in_once_over_several_polls_without_our_own(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    source = source_of(channel)
    said = fake_threads.add_mention("Beste brood van Gent: @bakkerij.vandevelde")
    ours = fake_threads.add_mention("Wij zijn @bakkerij.vandevelde", username="bakkerij.vandevelde")
    fake_threads.media[ours["id"]]["owner"] = fake_threads.user["id"]

    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0
    fake_threads.add_mention("@bakkerij.vandevelde open op zondag?", username="an.claes")
    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0

    mention = Mention.objects.get(remote_id=said["id"])
    assert (mention.kind, mention.author_handle) == ("mention", "@lies.wouters")
    assert mention.url == said["permalink"]
    assert Mention.objects.count() == 2
    source.refresh_from_db()
    assert "mentions" in json.loads(source.cursor)


def test_replies_and_mentions_come_in_together(channel: Channel, fake_threads: FakeThreads) -> None:
    thread = services.connector_for(channel).publish(OutgoingPost("Nieuw: spelt", "k"))
    fake_threads.add_reply(thread.remote_id, "Ook glutenvrij?")
    fake_threads.add_mention("Proef eens bij @bakkerij.vandevelde")

    found = services.connector_for(channel).mentions()

    assert sorted((m.kind, m.text) for m in found.mentions) == [
        ("mention", "Proef eens bij @bakkerij.vandevelde"),
        ("reply", "Ook glutenvrij?"),
    ]
    assert set(json.loads(found.cursor)) == {"replies", "mentions"}


def test_a_mention_is_answered_once_as_a_reply_to_it(
    world: World, channel: Channel, fake_threads: FakeThreads
) -> None:
    said = fake_threads.add_mention("@bakkerij.vandevelde hebben jullie spelt?")
    item = item_for(channel, said["id"])
    alice = Membership.objects.get(user=world.alice, organisation=world.org)

    reply = reply_send(item=item, by=alice, text="Ja, elke vrijdag!")

    assert reply.status == Reply.Status.SENT
    ours = fake_threads.media[reply.remote_id]
    assert (ours["text"], ours["reply_to"]) == ("Ja, elke vrijdag!", said["id"])
    assert fake_threads.texts().count("Ja, elke vrijdag!") == 1


def test_without_the_mentions_permission_the_replies_still_come_in(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    for token in fake_threads.tokens.values():
        token.scopes = [s for s in token.scopes if s != "threads_manage_mentions"]
    thread = services.connector_for(channel).publish(OutgoingPost("Nieuw: spelt", "k"))
    fake_threads.add_reply(thread.remote_id, "Ook glutenvrij?")
    fake_threads.add_mention("Proef eens bij @bakkerij.vandevelde")

    assert sources.poll(source_of(channel).pk) == 1
    assert list(Mention.objects.values_list("kind", flat=True)) == ["reply"]
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED


def test_a_mention_deleted_before_we_read_it_is_simply_not_there(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    gone = fake_threads.add_mention("Oeps @bakkerij.vandevelde")
    fake_threads.delete(gone["id"])

    assert sources.poll(source_of(channel).pk) == 0
    assert sources.poll(source_of(channel).pk) == 0
    assert not Mention.objects.exists()
