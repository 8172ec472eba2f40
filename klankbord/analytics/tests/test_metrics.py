"""Each metric counts one organisation's own data in [start, end), with a single query."""

from datetime import UTC, datetime, timedelta

import pytest

from klankbord.analytics.metrics import METRICS, metric_value
from klankbord.analytics.models import PostResult
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import item, mention, published
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import Post, PostTarget
from klankbord.test import World

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
DAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def value(world: World, key: str) -> float | None:
    return metric_value(world.org, key, START, END)


def test_posts_published_counts_published_targets_in_the_period(world: World) -> None:
    published(world.org, DAY)
    published(world.org, DAY, network="instagram")
    published(world.org, DAY - timedelta(days=30))  # February
    published(world.org, END)  # the end is not part of the period
    published(world.org, DAY, status=PostTarget.Status.FAILED)
    published(world.other_org, DAY)
    assert value(world, "posts_published") == 2


def test_answered_in_time_is_the_share_of_answers_before_the_due_time(world: World) -> None:
    item(world.org, DAY, answered_after=timedelta(hours=1))
    item(world.org, DAY, answered_after=timedelta(hours=1), due_after=None)
    item(world.org, DAY, answered_after=timedelta(hours=3))
    item(world.org, DAY, answered_after=timedelta(hours=5))
    item(world.org, DAY)  # not answered yet: not part of the share
    item(world.other_org, DAY, answered_after=timedelta(hours=9))
    assert value(world, "answered_in_time") == 50.0


def test_answered_in_time_has_no_value_without_answers(world: World) -> None:
    item(world.org, DAY)
    assert value(world, "answered_in_time") is None


def test_first_response_minutes_is_the_median_of_working_time(world: World) -> None:
    for minutes in (10, 30, 600):
        item(world.org, DAY, answered_after=timedelta(days=1), working_minutes=minutes)
    item(world.other_org, DAY, answered_after=timedelta(minutes=1), working_minutes=1)
    assert value(world, "first_response_minutes") == 30.0
    item(world.org, DAY, answered_after=timedelta(days=1), working_minutes=50)
    assert value(world, "first_response_minutes") == 40.0  # between 30 and 50


def test_leads_are_lead_items_that_arrived_in_the_period(world: World) -> None:
    item(world.org, DAY, is_lead=True)
    item(world.org, DAY, is_lead=True, answered_after=timedelta(hours=1))
    item(world.org, DAY)
    item(world.org, START - timedelta(seconds=1), is_lead=True)
    item(world.other_org, DAY, is_lead=True)
    assert value(world, "leads") == 2


def test_mentions_and_their_sentiment_shares(world: World) -> None:
    for sentiment in ("negative", "positive", "positive", "neutral"):
        mention(world.org, DAY, sentiment)
    mention(world.org, END, "negative")
    for _n in range(4):
        mention(world.other_org, DAY, "negative")
    assert value(world, "mentions") == 4
    assert value(world, "negative_share") == 25.0
    assert value(world, "positive_share") == 50.0


def test_shares_have_no_value_without_mentions(world: World) -> None:
    assert value(world, "negative_share") is None
    assert value(world, "mentions") == 0


def test_each_metric_is_one_query(world: World, django_assert_max_num_queries) -> None:
    for key in METRICS:
        with django_assert_max_num_queries(1):
            value(world, key)


def _counted(org: Organisation, at: datetime, reactions: int, deleted: bool = False) -> PostResult:
    result = counted_post(org, at, likes=reactions, checked=False)
    if deleted:
        Post.objects.filter(pk=result.target.post_id).update(deleted_at=at)
    return result


def test_reactions_add_up_the_last_counts_of_posts_published_in_the_period(world: World) -> None:
    _counted(world.org, DAY, 12)
    _counted(world.org, DAY + timedelta(days=3), 4)
    _counted(world.org, START - timedelta(seconds=1), 50)  # February
    _counted(world.org, DAY, 90, deleted=True)  # deleted since: not ours to count
    _counted(world.other_org, DAY, 70)
    published(world.org, DAY)  # no counts yet: not part of the average
    assert value(world, "reactions") == 16
    assert value(world, "reactions_per_post") == 8.0


def test_reactions_per_post_has_no_value_without_counts(world: World) -> None:
    published(world.org, DAY)
    assert value(world, "reactions") == 0
    assert value(world, "reactions_per_post") is None


def test_a_post_not_counted_yet_does_not_lower_the_average(world: World) -> None:
    _counted(world.org, DAY, 10)
    waiting = _counted(world.org, DAY, 0)
    PostResult.objects.filter(pk=waiting.pk).update(checked_at=None)
    assert value(world, "reactions_per_post") == 10.0
