"""Polling: claims, cursors that move only with a committed batch, and back-off."""

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError, MentionPage, RateLimitError
from klankbord.channels.networks.base import Mention as NetworkMention
from klankbord.listening import pipeline, services, sources
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(world: World) -> Source:
    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="sandbox-alice", handle="alice"
    )
    services.sources_sync(world.org)
    return Source.objects.get(organisation=world.org, kind=Source.Kind.MENTIONS)


def page(start: int, count: int, cursor: str) -> MentionPage:
    mentions = [
        NetworkMention(
            remote_id=f"m{n}", url="", author_handle=f"@fan{n}", author_name="",
            text=f"Bericht nummer {n} over jullie winkel {'x' * n}", created_at=datetime.now(UTC),
        )
        for n in range(start, start + count)
    ]  # fmt: skip
    return MentionPage(mentions=mentions, cursor=cursor)


def test_a_connected_account_gets_a_source_and_loses_it_when_disconnected(
    world: World, sandbox: Source
) -> None:
    assert sandbox.channel.network == "sandbox" and sandbox.active
    Channel.objects.filter(pk=sandbox.channel_id).update(status=Channel.Status.DISCONNECTED)
    services.sources_sync(world.org)
    sandbox.refresh_from_db()
    assert not sandbox.active


def test_polling_the_sandbox_stores_its_mentions_and_moves_the_cursor(sandbox: Source) -> None:
    assert sources.claim_due() == [sandbox.pk]
    stored = sources.poll(sandbox.pk)
    sandbox.refresh_from_db()
    assert stored == Mention.objects.count() > 0
    assert sandbox.cursor and sandbox.lease_until is None
    assert sandbox.next_poll_at > timezone.now()


def test_a_claimed_source_is_not_claimed_twice(sandbox: Source) -> None:
    assert sources.claim_due() == [sandbox.pk]
    assert sources.claim_due() == []
    assert sources.claim_due(now=timezone.now() + sources.LEASE * 2) == [sandbox.pk]


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_stores_nothing_twice(
    sandbox: Source,
) -> None:
    pages = [page(0, 5, "5"), page(5, 5, "10"), page(10, 0, "10")]
    real_store = pipeline.store
    calls = {"n": 0}

    def dies_on_the_second_batch(batch: pipeline.Batch) -> None:
        calls["n"] += 1
        real_store(batch)
        if calls["n"] == 2:
            raise SystemExit("worker killed")

    with (
        mock.patch.object(sources, "read_page", side_effect=lambda s, c: pages[int(c or 0) // 5]),
        mock.patch.object(
            pipeline, "STEPS", [*pipeline.STEPS[:-1], ("store", dies_on_the_second_batch)]
        ),
        pytest.raises(SystemExit),
    ):
        sources.poll(sandbox.pk)
    sandbox.refresh_from_db()
    assert sandbox.cursor == "5"  # the second batch was rolled back with its cursor
    assert Mention.objects.count() == 5

    with mock.patch.object(sources, "read_page", side_effect=lambda s, c: pages[int(c or 0) // 5]):
        sources.poll(sandbox.pk)
    assert sorted(Mention.objects.values_list("remote_id", flat=True)) == sorted(
        f"m{n}" for n in range(10)
    )


def test_a_rate_limit_waits_until_the_network_says(sandbox: Source) -> None:
    retry_at = timezone.now() + timedelta(minutes=17)
    with mock.patch.object(
        sources, "read_page", side_effect=RateLimitError("slow", retry_at=retry_at)
    ):
        sources.poll(sandbox.pk)
    sandbox.refresh_from_db()
    assert sandbox.next_poll_at == retry_at and sandbox.failures == 0


def test_failures_back_off_and_are_shown(sandbox: Source) -> None:
    with mock.patch.object(
        sources, "read_page", side_effect=ConnectorError("De site gaf fout 502.")
    ):
        sources.poll(sandbox.pk)
        sources.poll(sandbox.pk)
    sandbox.refresh_from_db()
    assert sandbox.failures == 2 and sandbox.last_error == "De site gaf fout 502."
    assert sandbox.next_poll_at - timezone.now() > timedelta(seconds=sandbox.interval_seconds * 2)


def test_replies_to_published_posts_are_read_as_a_source(world: World) -> None:
    from klankbord.channels.networks.mastodon import MastodonConnector
    from klankbord.publishing.models import PostTarget
    from klankbord.publishing.services import post_create

    channel = Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="9", handle="alice@m.test",
        base_url="https://m.test",
    )  # fmt: skip
    services.sources_sync(world.org)
    comments = Source.objects.get(organisation=world.org, kind=Source.Kind.COMMENTS)
    post = post_create(
        organisation=world.org, author=world.alice, text="Nieuw brood", channels=[channel]
    )
    post.targets.update(
        status=PostTarget.Status.PUBLISHED, remote_id="111", published_at=timezone.now()
    )
    reply = NetworkMention(
        remote_id="222", url="https://m.test/@an/222", author_handle="@an", author_name="An",
        text="Hoe laat zijn jullie open?", created_at=datetime.now(UTC), in_reply_to="111",
    )  # fmt: skip

    with mock.patch.object(MastodonConnector, "replies", return_value=[reply]) as replies:
        sources.poll(comments.pk)
        sources.poll(comments.pk)

    replies.assert_called_with("111")
    stored = Mention.objects.get()
    assert (stored.kind, stored.remote_id) == ("reply", "222") and "question" in stored.intents


def test_a_bluesky_channel_reads_the_replies_to_its_published_posts_once(
    world: World, httpserver: HTTPServer, settings: Any
) -> None:
    from klankbord.channels.networks.base import OutgoingPost
    from klankbord.channels.services import connector_for
    from klankbord.channels.tests.connected import connect_bluesky
    from klankbord.channels.tests.fakes.bluesky import BUUR, FakeBluesky
    from klankbord.publishing.models import PostTarget
    from klankbord.publishing.services import post_create

    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True  # the fake runs on 127.0.0.1
    fake = FakeBluesky(httpserver)
    channel = connect_bluesky(world, fake)
    services.sources_sync(world.org)
    comments = Source.objects.get(channel=channel, kind=Source.Kind.COMMENTS)
    post = post_create(
        organisation=world.org, author=world.alice, text="Nieuw brood", channels=[channel]
    )
    ours = connector_for(channel).publish(OutgoingPost(text="Nieuw brood", idempotency_key="n1"))
    post.targets.update(
        status=PostTarget.Status.PUBLISHED, remote_id=ours.remote_id, published_at=timezone.now()
    )
    question = fake.add_mention(
        "Hoe laat zijn jullie open?", reason="reply", reply_to=ours.remote_id
    )
    fake.add_mention("Graag ook op zondag!", reason="reply", reply_to=question, author=BUUR)
    connector_for(channel).publish(
        OutgoingPost(text="Vanaf zeven uur.", idempotency_key="n2", reply_to=question)
    )

    sources.poll(comments.pk)
    sources.poll(comments.pk)
    mentions = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    assert sources.poll(mentions.pk) == 0

    stored = Mention.objects.order_by("published_at")
    # Our own answer in the thread is left out; the reply to a reply is kept.
    assert [(m.kind, m.author_handle, m.text) for m in stored] == [
        ("reply", "@klant.bsky.social", "Hoe laat zijn jullie open?"),
        ("reply", "@buur.bsky.social", "Graag ook op zondag!"),
    ]
    assert stored[0].remote_id == question and "question" in stored[0].intents
    assert {m.source_id for m in stored} == {comments.pk}


@pytest.mark.django_db(transaction=True)
def test_mentions_are_understood_before_the_transaction_that_stores_them(sandbox: Source) -> None:
    # On SQLite a transaction holds the write lock from its start: understanding (and loading the
    # language models) inside it would keep every other writer, a login too, waiting.
    seen: dict[str, bool] = {}
    steps = dict(pipeline.STEPS)

    def understand(batch: pipeline.Batch) -> None:
        seen["understand"] = transaction.get_connection().in_atomic_block
        steps["understand"](batch)

    def store(batch: pipeline.Batch) -> None:
        seen["store"] = transaction.get_connection().in_atomic_block
        steps["store"](batch)

    replaced = [(n, understand if n == "understand" else store if n == "store" else s)
                for n, s in pipeline.STEPS]  # fmt: skip
    pages = [page(0, 3, "3"), page(3, 0, "3")]
    with (
        mock.patch.object(sources, "read_page", side_effect=lambda s, c: pages[int(c or 0) // 3]),
        mock.patch.object(pipeline, "STEPS", replaced),
    ):
        sources.poll(sandbox.pk)
    assert seen == {"understand": False, "store": True}
    assert Mention.objects.filter(organisation=sandbox.organisation).count() == 3
