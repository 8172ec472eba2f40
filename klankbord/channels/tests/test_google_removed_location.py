"""A connected Google location removed from the account, or no longer managed by whoever
connected it: reading reviews, a local post and a reply each stop once, with the reason, and the
channel asks to be reconnected."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import AuthError, NotFound, OutgoingPost
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import reply_send
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

REVIEWS = r"/v4/accounts/\d+/locations/\d+/reviews"
CREATE = r"/v4/accounts/\d+/locations/\d+/localPosts"
GONE = "Google no longer gives us this location"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_google: FakeGoogle) -> Channel:
    channel = connect_google(world, fake_google)
    listening.sources_sync(world.org)
    return channel


def assert_needs_reconnecting(channel: Channel) -> None:
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN
    assert GONE in channel.status_reason and "Reconnect Google" in channel.status_reason


@pytest.mark.parametrize("access_lost", [False, True], ids=["removed", "access-lost"])
def test_the_connector_says_the_location_is_gone(
    channel: Channel, fake_google: FakeGoogle, access_lost: bool
) -> None:
    connector = services.connector_for(channel)
    fake_google.remove_location(fake_google.location(0), access_lost=access_lost)
    with pytest.raises(AuthError, match=GONE):
        connector.mentions("")
    with pytest.raises(AuthError, match=GONE):
        connector.publish(OutgoingPost(text="Zondag open", idempotency_key="k"))
    with pytest.raises(AuthError, match=GONE):
        connector.find_published(OutgoingPost(text="Zondag open", idempotency_key="k"))


@pytest.mark.parametrize("access_lost", [False, True], ids=["removed", "access-lost"])
def test_the_reviews_poll_marks_the_channel_and_waits(
    channel: Channel, fake_google: FakeGoogle, access_lost: bool
) -> None:
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    fake_google.remove_location(fake_google.location(0), access_lost=access_lost)
    assert sources.poll(source.pk) == 0
    assert_needs_reconnecting(channel)
    source.refresh_from_db()
    assert GONE in source.last_error
    # One request, then a wait: no storm of retries against Google.
    assert fake_google.requests_to("GET", REVIEWS) == 1
    assert source.next_poll_at > timezone.now() + timedelta(minutes=1)


def test_a_scheduled_local_post_fails_once_with_the_reason(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Nieuw: speculaas", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_google.remove_location(fake_google.location(0))
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.FAILED
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        scheduler.tick()
        assert scheduler.claim_due()[1] == []
    target = PostTarget.objects.get(pk=ids[0])
    assert target.status == PostTarget.Status.FAILED and GONE in target.error
    assert fake_google.requests_to("POST", CREATE) == 1
    assert_needs_reconnecting(channel)


def review_item(channel: Channel, fake_google: FakeGoogle) -> tuple[Item, dict[str, str]]:
    review = fake_google.add_review(fake_google.location(0), 2, "Koud brood.")
    sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)
    return Item.objects.get(mention__remote_id__startswith=f"{review['name']}~"), review


@pytest.mark.parametrize("access_lost", [False, True], ids=["removed", "access-lost"])
def test_a_reply_to_a_review_of_a_gone_location_fails_with_the_reason(
    world: World, channel: Channel, fake_google: FakeGoogle, access_lost: bool
) -> None:
    item, _review = review_item(channel, fake_google)
    fake_google.remove_location(fake_google.location(0), access_lost=access_lost)
    owner = Membership.objects.get(user=world.alice)
    reply = reply_send(item=item, by=owner, text="Dag Jan, sorry!")
    assert reply.status == Reply.Status.FAILED and GONE in reply.error
    assert_needs_reconnecting(channel)


def test_a_deleted_review_is_still_only_a_deleted_review(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    item, review = review_item(channel, fake_google)
    fake_google.delete_review(review)
    answer = OutgoingPost(text="Dag Jan!", idempotency_key="k", reply_to=item.mention.remote_id)
    with pytest.raises(NotFound, match="The customer deleted this review"):
        services.connector_for(channel).publish(answer)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
