"""A Bluesky account's mention source also brings its direct messages, each once."""

import json
from typing import Any
from unittest import mock

import pytest
from django.utils import translation
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_bluesky
from klankbord.channels.tests.fakes.bluesky import HANDLE, KLANT, FakeBluesky, Fault
from klankbord.lib import http
from klankbord.listening import pipeline, services, sources
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(httpserver: HTTPServer, settings: Any) -> FakeBluesky:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True  # the fake runs on 127.0.0.1
    return FakeBluesky(httpserver)


def mentions_source(world: World, fake: FakeBluesky) -> Source:
    channel = connect_bluesky(world, fake)
    services.sources_sync(world.org)
    return Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)


def stored() -> list[tuple[str, str]]:
    return sorted(Mention.objects.values_list("kind", "text"))


def test_direct_messages_are_stored_as_messages_with_the_mentions_once(
    world: World, fake: FakeBluesky
) -> None:
    source = mentions_source(world, fake)
    fake.add_mention(f"@{HANDLE} lekker brood!")
    fake.chat.add_message("Kan ik bij jullie bestellen voor een feest?", author=KLANT)

    assert sources.poll(source.pk) == 2
    assert sources.poll(source.pk) == 0

    assert stored() == [
        ("mention", f"@{HANDLE} lekker brood!"),
        ("message", "Kan ik bij jullie bestellen voor een feest?"),
    ]
    message = Mention.objects.get(kind="message")
    assert message.author_handle == f"@{KLANT}" and "question" in message.intents
    source.refresh_from_db()
    assert "chat" in json.loads(source.cursor) and source.last_error == ""


def test_a_chat_outage_leaves_the_cursor_and_the_next_poll_reads_everything(
    world: World, fake: FakeBluesky, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    source = mentions_source(world, fake)
    fake.add_mention(f"@{HANDLE} zijn jullie open?")
    fake.chat.add_message("Ik wil graag iets vragen", author=KLANT)
    fake.faults.append(
        Fault(503, {"error": "InternalServerError"}, nsid="chat.bsky.convo.getMessages")
    )

    assert sources.poll(source.pk) == 0

    source.refresh_from_db()
    assert source.cursor == "" and source.failures == 1 and source.last_error
    assert sources.poll(source.pk) == 2
    assert [kind for kind, _text in stored()] == ["mention", "message"]


def test_a_batch_that_is_not_stored_does_not_move_the_cursor_past_its_messages(
    world: World, fake: FakeBluesky
) -> None:
    source = mentions_source(world, fake)
    fake.chat.add_message("Eerste vraag", author=KLANT)
    sources.poll(source.pk)
    source.refresh_from_db()
    before = source.cursor
    fake.chat.add_message("Tweede vraag", author=KLANT)

    def crashes(batch: pipeline.Batch) -> None:
        raise SystemExit("worker killed")

    with (
        mock.patch.object(pipeline, "STEPS", [*pipeline.STEPS[:-1], ("store", crashes)]),
        pytest.raises(SystemExit),
    ):
        sources.poll(source.pk)
    source.refresh_from_db()
    assert source.cursor == before

    assert sources.poll(source.pk) == 1
    assert stored() == [("message", "Eerste vraag"), ("message", "Tweede vraag")]


def test_without_access_to_messages_the_mentions_are_still_read(
    world: World, fake: FakeBluesky
) -> None:
    fake.app_password_dms = False
    source = mentions_source(world, fake)
    fake.add_mention(f"@{HANDLE} hallo daar")
    fake.chat.add_message("Dit lezen we niet", author=KLANT)

    # The note is written in the language of the moment; checked here in the source language.
    with translation.override("en"):
        assert sources.poll(source.pk) == 1

    assert stored() == [("mention", f"@{HANDLE} hallo daar")]
    source.refresh_from_db()
    assert source.failures == 0 and source.last_error == ""
    channel = Channel.objects.get(pk=source.channel_id)
    assert channel.status == Channel.Status.CONNECTED
    assert "direct messages" in channel.settings["direct_messages_refused"]
