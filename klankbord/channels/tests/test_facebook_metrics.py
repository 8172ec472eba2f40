"""Facebook Page results in Measure: post counts and followers, from the fake Graph API."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.analytics import collect
from klankbord.analytics.audience import count_audiences
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.tests.counted import counts_of, published
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import NotFound
from klankbord.channels.services import connector_for
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.test import World

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


def test_reactions_comments_and_shares_of_a_page_post_come_into_its_result(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Verse croissants vanaf 7 uur!", start)
    fake_facebook.react(target.remote_id, reactions=5, shares=2)
    fake_facebook.add_comment(target.remote_id, "Lekker!")
    reply = fake_facebook.add_comment(target.remote_id, "Top", name="Ann")
    fake_facebook.add_comment(target.remote_id, "Dank je", parent=reply["id"])

    assert collect.run(start + HOUR) == 1

    # Reactions are likes, top-level comments are replies; Facebook has no quotes.
    assert counts_of(PostResult.objects.get(target=target)) == (5, 2, 2, 0, 9)
    result = PostResult.objects.get(target=target)
    assert (result.checks, result.next_check_at) == (1, start + 6 * HOUR)


def test_a_post_nobody_shared_counts_no_shares(page: Channel, fake_facebook: FakeFacebook) -> None:
    # Graph leaves `shares` out until someone shares the post.
    target = published(page, "Nog niemand deelde dit", timezone.now())
    fake_facebook.react(target.remote_id, reactions=1)
    metrics = connector_for(page).metrics([target.remote_id])[target.remote_id]
    assert (metrics.likes, metrics.shares, metrics.replies) == (1, None, 0)


def test_a_count_facebook_withholds_keeps_the_last_one_and_is_not_stored_as_zero(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Brood van de week", start)
    fake_facebook.react(target.remote_id, reactions=4, shares=1)
    assert collect.run(start + HOUR) == 1

    fake_facebook.withhold(target.remote_id, "reactions", "shares")
    fake_facebook.add_comment(target.remote_id, "Mooi")
    assert collect.run(start + 6 * HOUR) == 1

    assert counts_of(PostResult.objects.get(target=target)) == (4, 1, 1, 0, 6)
    assert PostResult.objects.get(target=target).checks == 2


def test_a_post_deleted_on_facebook_is_gone_and_keeps_its_counts(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    kept, deleted = published(page, "Blijft", start), published(page, "Oeps", start)
    fake_facebook.react(deleted.remote_id, reactions=3)
    assert collect.run(start + HOUR) == 2

    fake_facebook.delete_post(deleted.remote_id)
    with pytest.raises(NotFound):
        connector_for(page).metrics([deleted.remote_id])
    fake_facebook.react(kept.remote_id, reactions=2)
    assert collect.run(start + 6 * HOUR) == 1

    assert counts_of(PostResult.objects.get(target=kept))[0] == 2
    gone = PostResult.objects.get(target=deleted)
    assert gone.gone and gone.next_check_at is None and gone.error == ""
    assert counts_of(PostResult.objects.get(target=deleted)) == (3, 0, 0, 0, 3)


def test_throttling_only_moves_the_next_check(page: Channel, fake_facebook: FakeFacebook) -> None:
    now = timezone.now()
    target = published(page, "Te snel gevraagd", now - 2 * HOUR)
    fake_facebook.react(target.remote_id, reactions=3)
    fake_facebook.throttle(32)

    assert collect.run(now) == 0

    result = PostResult.objects.get(target=target)
    assert result.next_check_at is not None and result.next_check_at > now + 10 * timedelta(
        minutes=1
    )
    assert (result.checks, result.checked_at, result.likes) == (0, None, 0)
    assert (result.gone, result.error, result.lease_until) == (False, "", None)
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED


def test_page_followers_are_counted_once_a_day(page: Channel, fake_facebook: FakeFacebook) -> None:
    page_data = fake_facebook.pages[page.external_id]
    page_data["followers_count"] = 512
    evening = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    with time_machine.travel(evening, tick=False):
        assert count_audiences() == 1
        page_data["followers_count"] = 513
        assert count_audiences() == 0  # counted today already
    with time_machine.travel(evening + 24 * HOUR, tick=False):
        assert count_audiences() == 1
    counts = [
        (c.day, c.followers) for c in AudienceCount.objects.filter(channel=page).order_by("day")
    ]
    assert counts == [(date(2026, 3, 9), 512), (date(2026, 3, 10), 513)]
