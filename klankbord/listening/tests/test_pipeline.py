"""Each pipeline step, with the reason it drops an item, and what gets stored."""

from datetime import UTC, datetime

import pytest

from klankbord.channels.models import Channel
from klankbord.listening import pipeline
from klankbord.listening.models import BlockedAuthor, Drop, Mention, Monitor, Source
from klankbord.listening.pipeline import Item, Reason
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(world: World) -> Source:
    return Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")


@pytest.fixture
def monitor(world: World) -> Monitor:
    return Monitor.objects.create(organisation=world.org, name="Bakkerij", query="bakker*")


def item(n: int, text: str, **extra: object) -> Item:
    fields: dict = {"network": "rss", "remote_id": f"id-{n}", "text": text, **extra}
    return Item(**fields)


def test_a_matching_item_is_stored_with_its_reading_and_monitor(
    feed: Source, monitor: Monitor
) -> None:
    published = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    batch = pipeline.run(
        feed,
        [item(1, "<p>Iemand een goede bakker in de buurt van Leuven?</p>", is_html=True,
              published_at=published, author_handle="@an", url="https://x.test/a?utm_source=y")],
    )  # fmt: skip

    [mention] = Mention.objects.all()
    assert batch.stored == [mention]
    assert mention.text == "Iemand een goede bakker in de buurt van Leuven?"
    assert list(mention.monitors.all()) == [monitor]
    assert "lead" in mention.intents and mention.language == "nl"
    assert mention.places[0]["name"] == "Leuven"
    assert mention.published_at == published
    assert mention.canonical_url == "https://x.test/a"
    assert mention.priority >= 3


def test_every_drop_has_a_reason_and_is_counted_per_source(
    world: World, feed: Source, monitor: Monitor
) -> None:
    Channel.objects.create(
        organisation=world.org, network="rss", external_id="own", handle="bakkerij-alice"
    )
    BlockedAuthor.objects.create(organisation=world.org, handle="@trol")
    items = [
        item(1, "   "),
        item(2, "De bakker opent een tweede winkel in Gent"),
        item(2, "De bakker opent een tweede winkel in Gent"),  # same id again
        item(3, "Onze bakker zoekt een leerjongen", author_handle="bakkerij-alice"),
        item(4, "Die bakker is slecht", author_handle="@trol"),
        item(5, "Bakker casino bonus http://a http://b http://c http://d http://e"),
        item(6, "Het weer wordt morgen zonnig"),
    ]

    batch = pipeline.run(feed, items)

    assert [i.dropped for i in items] == [
        Reason.EMPTY, "", Reason.DUPLICATE, Reason.OWN_POST, Reason.BLOCKED_AUTHOR,
        Reason.SPAM, Reason.NO_MONITOR,
    ]  # fmt: skip
    assert len(batch.stored) == 1
    counted = {d.reason: d.count for d in Drop.objects.filter(source=feed)}
    assert counted == {
        "empty": 1, "duplicate": 1, "own_post": 1, "blocked_author": 1, "spam": 1,
        "no_monitor": 1,
    }  # fmt: skip


def test_an_item_stored_before_is_a_duplicate_the_next_time(feed: Source, monitor: Monitor) -> None:
    pipeline.run(feed, [item(1, "Nieuwe bakker in Gent")])
    again = item(1, "Nieuwe bakker in Gent")
    pipeline.run(feed, [again])
    assert again.dropped == Reason.DUPLICATE
    assert Mention.objects.count() == 1


def test_the_same_news_item_from_two_feeds_is_stored_once(
    world: World, feed: Source, monitor: Monitor
) -> None:
    other = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Ander")
    story = "Bakker Janssens uit Leuven wint de prijs voor het beste brood van Vlaanderen"
    pipeline.run(feed, [item(1, story, url="https://nieuws.test/brood?utm_source=rss")])
    second = item(9, story + ".", url="https://www.nieuws.test/brood/", network="rss2")

    pipeline.run(other, [second])

    assert second.dropped == Reason.NEAR_DUPLICATE
    assert Mention.objects.count() == 1


def test_a_repost_with_a_word_changed_is_a_near_duplicate(feed: Source, monitor: Monitor) -> None:
    first = item(
        1, "Bakkerij Alice in Leuven bakt vanaf maandag ook glutenvrij brood voor iedereen"
    )
    repost = item(
        2, "RT @an: Bakkerij Alice in Leuven bakt vanaf maandag ook glutenvrij brood voor iedereen!"
    )
    pipeline.run(feed, [first, repost])
    assert (first.dropped, repost.dropped) == ("", Reason.NEAR_DUPLICATE)


def test_mentions_of_our_own_accounts_are_kept_without_a_monitor(world: World) -> None:
    ours = Source.objects.create(organisation=world.org, kind=Source.Kind.MENTIONS, name="@alice")
    pipeline.run(ours, [item(1, "Zijn jullie open op zondag?", network="mastodon")])
    assert Mention.objects.get().monitors.count() == 0


def test_a_monitor_limited_to_other_sources_does_not_match(
    world: World, feed: Source, monitor: Monitor
) -> None:
    other = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Ander")
    monitor.sources.add(other)
    lone = item(1, "Nieuwe bakker in Gent")
    pipeline.run(feed, [lone])
    assert lone.dropped == Reason.NO_MONITOR


def test_lang_and_near_filters_use_what_the_language_step_finds(world: World, feed: Source) -> None:
    Monitor.objects.create(organisation=world.org, name="Leads", query="lang:nl near:Gent~20km")
    near, far, french = (
        item(1, "Wie kent een goede loodgieter in Merelbeke?"),
        item(2, "Wie kent een goede loodgieter in Hasselt?"),
        item(3, "Qui connaît un bon plombier à Gand près de Merelbeke?"),
    )
    pipeline.run(feed, [near, far, french])
    assert [i.dropped for i in (near, far, french)] == ["", Reason.NO_MONITOR, Reason.NO_MONITOR]


def test_mentions_stay_inside_their_organisation(world: World, feed: Source) -> None:
    Monitor.objects.create(organisation=world.other_org, name="Garage", query="bakker")
    lone = item(1, "Nieuwe bakker in Gent")
    pipeline.run(feed, [lone])
    assert lone.dropped == Reason.NO_MONITOR


def test_an_item_a_racing_worker_stored_first_is_dropped_and_the_rest_is_kept(
    feed: Source, monitor: Monitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run(feed, [item(1, "Nieuwe bakker in Gent")])
    # The other worker committed between our duplicate check and our insert.
    skipped = ("drop duplicates", "drop near-duplicates")
    steps = [(name, step) for name, step in pipeline.STEPS if name not in skipped]
    monkeypatch.setattr(pipeline, "STEPS", steps)
    late, fresh = item(1, "Nieuwe bakker in Gent"), item(2, "Tweede bakker opent in Aalst morgen")

    batch = pipeline.run(feed, [late, fresh])

    assert (late.dropped, fresh.dropped) == (Reason.DUPLICATE, "")
    assert [m.remote_id for m in batch.stored] == ["id-2"]
    assert Mention.objects.get(remote_id="id-2").monitors.get() == monitor


@pytest.mark.parametrize("kind", ["message", "reply"])
def test_two_people_writing_us_the_same_words_are_both_kept(world: World, kind: str) -> None:
    ours = Source.objects.create(organisation=world.org, kind=Source.Kind.MENTIONS, name="@alice")
    question = "Hebben jullie morgen nog glutenvrij brood liggen voor mij?"
    first = item(1, question, network="bluesky", kind=kind, author_handle="@an")
    pipeline.run(ours, [first])
    again = item(2, question, network="bluesky", kind=kind, author_handle="@bert")
    same_batch = item(3, question, network="bluesky", kind=kind, author_handle="@cis")
    pipeline.run(ours, [again, same_batch])
    assert [i.dropped for i in (first, again, same_batch)] == ["", "", ""]
    assert Mention.objects.count() == 3
