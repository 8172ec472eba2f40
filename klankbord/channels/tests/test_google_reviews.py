"""Google reviews in the inbox: with their stars, 1-2 stars first, answered, edited, deleted."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from klankbord.channels.models import Channel
from klankbord.channels.networks.google import review_name
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import reply_delete, reply_send
from klankbord.language.understand import Reading
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.listening.pipeline import priority, rated
from klankbord.orgs.models import Membership
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


def poll(channel: Channel) -> int:
    return sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)


def item_of(review: dict[str, object]) -> Item:
    return Item.objects.select_related("mention").get(
        mention__remote_id__startswith=f"{review['name']}~"
    )


def alice(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


def test_reviews_arrive_once_with_their_stars(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    location = fake_google.location(0)
    fake_google.add_review(location, 5, "Lekkerste croissants van Gent!")
    fake_google.add_review(location, 4)  # stars only, no words
    assert poll(channel) == 2
    assert poll(channel) == 0
    stored = {m.rating: m for m in Mention.objects.filter(network="google")}
    assert set(stored) == {4, 5}
    assert stored[5].kind == "review" and stored[5].text == "Lekkerste croissants van Gent!"
    assert stored[5].sentiment == "positive"
    assert stored[4].title == "★★★★☆"
    assert Item.objects.filter(mention__network="google").count() == 2


def test_one_or_two_stars_are_negative_and_urgent_whatever_the_words(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    location = fake_google.location(0)
    fake_google.add_review(location, 5, "Heel lekker brood, vriendelijke bediening.")
    polite = fake_google.add_review(
        location, 1, "Een half uur gewacht op mijn bestelling. Verder vriendelijk hoor."
    )
    poll(channel)
    item = item_of(polite)
    assert item.mention.sentiment == "negative"
    assert item.priority == 10
    assert Item.objects.filter(organisation=world.org).first() == item  # the top of the inbox


def test_an_edited_review_comes_in_again(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    review = fake_google.add_review(fake_google.location(0), 2, "Brood was oud.")
    poll(channel)
    fake_google.edit_review(review, stars=4, comment="Brood was oud, maar ze gaven een nieuw.")
    assert poll(channel) == 1
    ratings = Mention.objects.filter(network="google").values_list("rating", flat=True)
    assert sorted(rating or 0 for rating in ratings) == [2, 4]
    names = {review_name(m.remote_id) for m in Mention.objects.filter(network="google")}
    assert names == {review["name"]}


def test_a_review_is_answered_edited_and_the_answer_deleted(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    review = fake_google.add_review(fake_google.location(0), 3, "Goed, maar duur.")
    poll(channel)
    item = item_of(review)
    reply = reply_send(
        item=item, by=alice(world), text="Dank je! Volgende keer een koffie van ons."
    )
    assert reply.status == Reply.Status.SENT
    assert fake_google.reply_of(review) == "Dank je! Volgende keer een koffie van ons."
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED
    again = reply_send(item=item, by=alice(world), text="Dank je wel! De koffie staat klaar.")
    assert again.status == Reply.Status.SENT
    assert fake_google.reply_of(review) == "Dank je wel! De koffie staat klaar."
    reply_delete(reply=again, by=alice(world))
    assert fake_google.reply_of(review) is None
    again.refresh_from_db()
    assert again.status == Reply.Status.DELETED


def test_a_review_deleted_before_the_answer_is_explained(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    review = fake_google.add_review(fake_google.location(0), 1, "Nooit meer.")
    poll(channel)
    fake_google.delete_review(review)
    reply = reply_send(item=item_of(review), by=alice(world), text="Wat spijtig, bel ons even?")
    assert reply.status == Reply.Status.FAILED
    assert "deleted this review" in reply.error


def test_a_reply_over_googles_limit_is_refused_before_sending(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    review = fake_google.add_review(fake_google.location(0), 2, "Te duur.")
    poll(channel)
    text = "Wij vinden het spijtig. " + "😔" * 1100  # 1,123 characters, 4,424 bytes
    reply = reply_send(item=item_of(review), by=alice(world), text=text)
    assert reply.status == Reply.Status.FAILED
    assert "4096 bytes" in reply.error
    assert fake_google.requests_to("PUT", r"/v4/.*/reply") == 0


def test_a_reply_longer_than_a_post_but_within_googles_limit_goes_out(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    review = fake_google.add_review(fake_google.location(0), 3, "Gemengde gevoelens.")
    poll(channel)
    text = "Dank je voor je eerlijke review. " * 60  # 1,980 characters: over a post's 1,500
    reply = reply_send(item=item_of(review), by=alice(world), text=text)
    assert reply.status == Reply.Status.SENT
    assert fake_google.reply_of(review) == text.strip()


def test_stars_set_the_feeling_and_the_words_keep_their_intents() -> None:
    complaint = Reading("nl", "neutral", 0.1, ["complaint"])
    assert rated(complaint, 1) == Reading("nl", "negative", -0.5, ["complaint"])
    assert rated(Reading("nl", "positive", 0.8, ["praise"]), 2).sentiment == "negative"
    assert rated(Reading("nl", "neutral", 0.0, []), 4).sentiment == "positive"
    # Five stars with angry words: the words win.
    assert rated(Reading("nl", "negative", -0.7, ["complaint"]), 5).sentiment == "negative"
    assert rated(Reading("nl", "neutral", 0.0, []), 3).sentiment == "neutral"
    assert priority(Reading("nl", "positive", 0.9, []), 0, rating=1) == 10
