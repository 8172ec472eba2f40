"""Comments on our LinkedIn posts in the inbox, answered once as the page; results in Measure."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from klankbord.analytics import collect
from klankbord.analytics.audience import count_audiences
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.tests.counted import published
from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost, UnknownOutcomeError
from klankbord.channels.tests.connected import connect_linkedin
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn
from klankbord.inbox.replying import reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

DAY_MS = 86_400_000


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_linkedin: FakeLinkedIn) -> Channel:
    channel = connect_linkedin(world, fake_linkedin)
    listening.sources_sync(world.org)
    return channel


def a_post(channel: Channel, text: str = "Nieuw: speltbrood") -> str:
    return services.connector_for(channel).publish(OutgoingPost(text, "k")).remote_id


def test_comments_come_in_once_without_our_own(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    post = a_post(channel)
    question = fake_linkedin.add_comment(post, "Ook glutenvrij?")
    fake_linkedin.add_comment(post, "Bedankt!", actor=fake_linkedin.page)
    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0
    fake_linkedin.add_comment(question["commentUrn"], "En op zondag?")
    assert sources.poll(source.pk) == 1
    stored = Mention.objects.order_by("text")
    assert [(m.kind, m.text) for m in stored] == [
        ("reply", "En op zondag?"),
        ("reply", "Ook glutenvrij?"),
    ]
    assert stored[1].url.startswith(f"https://www.linkedin.com/feed/update/{post}/?commentUrn=")


def test_comments_on_posts_older_than_two_weeks_are_not_read(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    post = a_post(channel)
    old = int((timezone.now() - timedelta(days=20)).timestamp() * 1000)
    fake_linkedin.posts[post].update(createdAt=old, lastModifiedAt=old, publishedAt=old)
    fake_linkedin.add_comment(post, "Oud nieuws", at_ms=old + DAY_MS)
    assert services.connector_for(channel).mentions().mentions == []


def test_a_comment_is_answered_as_the_page_once(
    world: World, channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    question = fake_linkedin.add_comment(a_post(channel), "Ook glutenvrij (zonder tarwe)?")
    item = item_for(channel, question["commentUrn"])
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    reply = reply_send(item=item, by=alice, text="Nee, maar vrijdag wel!")
    ours = fake_linkedin.comments[reply.remote_id]
    assert ours["actor"] == fake_linkedin.page
    assert ours["parentComment"] == question["commentUrn"]
    assert ours["message"]["text"] == "Nee, maar vrijdag wel!"
    page_comments = [c for c in fake_linkedin.comments.values() if c["actor"] == ours["actor"]]
    assert len(page_comments) == 1


def test_an_answer_lost_after_linkedin_took_it_is_found_not_sent_again(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    question = fake_linkedin.add_comment(a_post(channel), "Open op maandag?")
    connector = services.connector_for(channel)
    answer = OutgoingPost(
        "Ja, vanaf 7 uur", "k", reply_to=question["commentUrn"], not_before=timezone.now()
    )
    fake_linkedin.drop_after_accept = 1
    with pytest.raises(UnknownOutcomeError):
        connector.publish(answer)
    found = connector.find_published(answer)
    ours = [c for c in fake_linkedin.comments.values() if c["actor"] == fake_linkedin.page]
    assert found is not None and [c["commentUrn"] for c in ours] == [found.remote_id]


def test_results_of_an_organisation_post_with_a_missing_count(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    post = a_post(channel)
    fake_linkedin.set_statistics(
        post, impressionCount=80, likeCount=5, commentCount=1, shareCount=None
    )
    metrics = services.connector_for(channel).metrics([post])[post]
    assert (metrics.views, metrics.likes, metrics.replies) == (80, 5, 1)
    assert metrics.shares is None and metrics.quotes is None


def test_a_post_linkedin_says_nothing_about_has_no_counts(channel: Channel) -> None:
    metrics = services.connector_for(channel).metrics(["urn:li:share:1"])["urn:li:share:1"]
    assert (metrics.views, metrics.likes, metrics.replies, metrics.shares) == (
        None,
        None,
        None,
        None,
    )


def test_a_member_post_has_reactions_and_comments_or_nothing(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    post = a_post(channel, "Mijn post")
    # Reading a member's posts needs r_member_social, which LinkedIn keeps for partners.
    metrics = services.connector_for(channel).metrics([post])[post]
    assert (metrics.likes, metrics.replies, metrics.views) == (None, None, None)
    fake_linkedin.tokens[channel.secrets["access_token"]].scopes.append("r_member_social")
    fake_linkedin.set_statistics(post, likeCount=4)
    fake_linkedin.add_comment(post, "Mooi!")
    metrics = services.connector_for(channel).metrics([post])[post]
    assert (metrics.likes, metrics.replies, metrics.views) == (4, 1, None)


def test_results_and_followers_come_into_measure(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    start = timezone.now()
    target = published(channel, "Verse croissants", start)
    fake_linkedin.set_statistics(
        target.remote_id, impressionCount=120, likeCount=7, commentCount=2, shareCount=1
    )
    assert collect.run(start + timedelta(hours=1)) == 1
    result = PostResult.objects.get(target=target)
    assert (result.views, result.likes, result.replies, result.shares) == (120, 7, 2, 1)
    assert count_audiences() == 1
    assert AudienceCount.objects.get(channel=channel).followers == 1312


def test_a_member_profile_reads_no_comments_it_may_not_read(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    fake_linkedin.add_comment(a_post(channel, "Mijn post"), "Proficiat!")
    assert services.connector_for(channel).mentions().mentions == []
    assert fake_linkedin.requests_to("GET", r"/rest/posts") == 0


def test_an_answer_to_an_answer_goes_below_the_comment_that_started_the_thread(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    question = fake_linkedin.add_comment(a_post(channel), "Hebben jullie spelt?")
    follow_up = fake_linkedin.add_comment(question["commentUrn"], "En volkoren?")
    answer = OutgoingPost(
        "Allebei!", "k", reply_to=follow_up["commentUrn"], not_before=timezone.now()
    )
    fake_linkedin.drop_after_accept = 1
    connector = services.connector_for(channel)
    with pytest.raises(UnknownOutcomeError):
        connector.publish(answer)
    found = connector.find_published(answer)
    assert found is not None
    assert fake_linkedin.comments[found.remote_id]["parentComment"] == question["commentUrn"]
    assert [c["message"]["text"] for c in fake_linkedin.comments.values()].count("Allebei!") == 1
