"""Replies to our threads into the inbox, hiding them, and each post's results."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from klankbord.analytics import collect
from klankbord.analytics.audience import count_audiences
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.tests.counted import published
from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError, OutgoingPost, iter_pages
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes.threads import FakeThreads
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_threads: FakeThreads) -> Channel:
    return connect_threads(world, fake_threads)


def thread(channel: Channel, text: str) -> str:
    return services.connector_for(channel).publish(OutgoingPost(text, "k")).remote_id


def test_replies_to_our_threads_come_in_without_our_own(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    post_id = thread(channel, "Nieuw: spelt")
    question = fake_threads.add_reply(post_id, "Ook glutenvrij?")
    services.connector_for(channel).publish(OutgoingPost("Nee", "a", reply_to=question["id"]))
    nested = fake_threads.add_reply(question["id"], "Jammer!", username="els.maes")
    page = services.connector_for(channel).mentions()
    assert [(m.text, m.kind, m.in_reply_to) for m in page.mentions] == [
        ("Ook glutenvrij?", "reply", post_id),
        ("Jammer!", "reply", question["id"]),
    ]
    first = page.mentions[0]
    assert (first.author_handle, first.url) == ("@jan.peeters", question["permalink"])
    assert page.mentions[1].remote_id == nested["id"]


def test_the_cursor_brings_only_newer_replies(channel: Channel, fake_threads: FakeThreads) -> None:
    post_id = thread(channel, "Open op zondag")
    fake_threads.add_reply(post_id, "Top", at=datetime.now(UTC) - timedelta(minutes=5))
    connector = services.connector_for(channel)
    first = connector.mentions()
    assert [m.text for m in first.mentions] == ["Top"]
    fake_threads.add_reply(post_id, "Tot zondag", at=datetime.now(UTC) + timedelta(seconds=2))
    second = connector.mentions(first.cursor)
    # The cursor's own second is read again (and dropped downstream as a duplicate).
    assert [m.text for m in second.mentions][-1] == "Tot zondag"
    assert len(second.mentions) <= 2
    assert len(list(iter_pages(connector, second.cursor, limit=3))) >= 1


def test_replies_on_threads_older_than_two_weeks_are_not_read(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    post_id = thread(channel, "Oud nieuws")
    fake_threads.media[post_id]["timestamp"] = "2020-01-01T10:00:00+0000"
    fake_threads.add_reply(post_id, "Nog iemand?")
    assert services.connector_for(channel).mentions().mentions == []


def test_a_reply_is_hidden_and_shown_again(channel: Channel, fake_threads: FakeThreads) -> None:
    post_id = thread(channel, "Nieuw: spelt")
    rude = fake_threads.add_reply(post_id, "Koop bij de buren!")
    connector = services.connector_for(channel)
    connector.comment_hide(rude["id"], hidden=True)
    assert fake_threads.media[rude["id"]]["hidden"]
    connector.comment_hide(rude["id"], hidden=False)
    assert not fake_threads.media[rude["id"]]["hidden"]


def test_a_nested_reply_cannot_be_hidden_on_its_own(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    post_id = thread(channel, "Nieuw")
    top = fake_threads.add_reply(post_id, "Vraag")
    nested = fake_threads.add_reply(top["id"], "Nog een vraag")
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).comment_hide(nested["id"], hidden=True)
    assert caught.value.permanent and "top-level" in caught.value.message


def test_results_of_a_post_with_reposts_and_shares_together(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    post_id = thread(channel, "Verse croissants")
    fake_threads.set_metrics(post_id, views=120, likes=9, replies=2, reposts=3, quotes=1, shares=4)
    metrics = services.connector_for(channel).metrics([post_id])[post_id]
    assert (metrics.views, metrics.likes, metrics.replies, metrics.quotes) == (120, 9, 2, 1)
    assert metrics.shares == 7


def test_a_metric_threads_leaves_out_is_unknown_not_zero(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    post_id = thread(channel, "Stil")
    fake_threads.set_metrics(post_id, views=None, likes=0, shares=None)
    metrics = services.connector_for(channel).metrics([post_id])[post_id]
    assert (metrics.views, metrics.likes, metrics.shares) == (None, 0, None)
    assert metrics.replies == 0


def test_results_and_followers_come_into_measure(
    channel: Channel, fake_threads: FakeThreads
) -> None:
    start = timezone.now()
    target = published(channel, "Verse croissants", start)
    fake_threads.set_metrics(target.remote_id, views=80, likes=5, replies=1, reposts=2, quotes=1)
    assert collect.run(start + timedelta(hours=1)) == 1
    result = PostResult.objects.get(target=target)
    assert (result.views, result.likes, result.replies, result.quotes) == (80, 5, 1, 1)
    assert result.shares == 2
    assert count_audiences() == 1
    assert AudienceCount.objects.get(channel=channel).followers == 312
