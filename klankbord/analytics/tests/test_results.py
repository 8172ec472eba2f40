"""What works: a period's results per channel, pillar, format and moment, in local time."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from klankbord.analytics.results import MIN_POSTS, Group, last_days, results_summary
from klankbord.analytics.tests.counted import counted_post, published_without_result
from klankbord.publishing.models import Post
from klankbord.test import World

pytestmark = pytest.mark.django_db
# Brussels: winter time (UTC+1) until 29 March 2026 at 02:00, summer time (UTC+2) after.
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TUESDAY = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 19:00 in Brussels: the evening


def summary(world: World, start: date = MARCH[0], end: date = MARCH[1]):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return results_summary(world.org, start, end)


def by_key(groups: list[Group]) -> dict[str, tuple[int, int]]:
    return {g.key: (g.posts, g.engagement) for g in groups}


def test_it_adds_up_posts_and_reactions_of_the_period(world: World) -> None:
    counted_post(world.org, TUESDAY, likes=10, shares=2, replies=3, quotes=1)
    counted_post(world.org, TUESDAY + timedelta(days=1), likes=4)
    found = summary(world)
    assert (found.posts, found.engagement, found.per_post) == (2, 20, 10.0)
    assert (found.start, found.end) == MARCH


def test_it_groups_per_channel_with_network_and_handle(world: World) -> None:
    for n in range(3):
        counted_post(world.org, TUESDAY + timedelta(days=n), network="mastodon", likes=2)
        counted_post(world.org, TUESDAY + timedelta(days=n), network="bluesky", likes=6)
    found = summary(world)
    assert [g.label for g in found.channels] == [
        "Bluesky @bakkerij-alice",
        "Mastodon @bakkerij-alice",
    ]
    assert [(g.posts, g.engagement, g.per_post) for g in found.channels] == [
        (3, 18, 6.0),
        (3, 6, 2.0),
    ]


def test_a_channel_of_a_network_no_longer_offered_keeps_a_readable_name(world: World) -> None:
    counted_post(world.org, TUESDAY, network="facebook", likes=1)
    assert summary(world).channels[0].label == "Facebook @bakkerij-alice"


def test_it_groups_per_pillar_and_posts_without_one_under_no_pillar(world: World) -> None:
    counted_post(world.org, TUESDAY, pillar="Achter de schermen", likes=9)
    counted_post(world.org, TUESDAY, pillar="Achter de schermen", likes=3)
    counted_post(world.org, TUESDAY, pillar="Tips", likes=1)
    counted_post(world.org, TUESDAY, likes=5)
    found = summary(world)
    assert by_key(found.pillars) == {"Achter de schermen": (2, 12), "Tips": (1, 1), "": (1, 5)}
    assert {g.key: g.label for g in found.pillars}[""] == "No pillar"


def test_the_format_is_image_before_link_before_text(world: World) -> None:
    counted_post(world.org, TUESDAY, image=True, text="Kijk: https://bakker.example", likes=8)
    counted_post(world.org, TUESDAY, text="Ons recept: https://bakker.example/recept", likes=4)
    counted_post(world.org, TUESDAY, link_preview={"url": "https://bakker.example"}, likes=2)
    counted_post(world.org, TUESDAY, text="Goedemorgen!", likes=1)
    found = summary(world)
    assert by_key(found.formats) == {"image": (1, 8), "link": (2, 6), "text": (1, 1)}
    assert {g.key: g.label for g in found.formats} == {
        "image": "Image", "link": "Link", "text": "Text only"
    }  # fmt: skip


def test_groups_with_too_few_posts_are_not_compared_and_come_last(world: World) -> None:
    counted_post(world.org, TUESDAY, pillar="Viraal", likes=500)
    for n in range(MIN_POSTS):
        counted_post(world.org, TUESDAY + timedelta(days=n), pillar="Tips", likes=2)
    pillars = summary(world).pillars
    assert [(g.key, g.comparable) for g in pillars] == [("Tips", True), ("Viraal", False)]


def test_moments_are_local_weekday_and_daypart_best_first(world: World) -> None:
    for week in range(3):
        counted_post(world.org, TUESDAY + timedelta(weeks=week), likes=10)  # Tuesday 19:00
        # Saturday 08:00 local; 02:30 on Wednesday is still Tuesday's night.
        counted_post(world.org, datetime(2026, 3, 7, 7, 0, tzinfo=UTC) + timedelta(weeks=week),
                     likes=4)  # fmt: skip
        counted_post(world.org, datetime(2026, 3, 4, 1, 30, tzinfo=UTC) + timedelta(weeks=week),
                     likes=1)  # fmt: skip
    counted_post(world.org, datetime(2026, 3, 2, 12, 0, tzinfo=UTC), likes=99)  # one Monday
    moments = summary(world).moments
    assert [(g.key, g.label) for g in moments] == [
        ("1:evening", "Tuesday evening"),
        ("5:morning", "Saturday morning"),
        ("1:night", "Tuesday night"),
    ]
    assert [g.per_post for g in moments] == [10.0, 4.0, 1.0]


def test_moments_follow_the_clock_across_the_change_to_summer_time(world: World) -> None:
    # 10:30 UTC is 11:30 in Brussels in winter (morning) and 12:30 in summer (afternoon).
    for week in range(1, 4):
        counted_post(world.org, datetime(2026, 3, 24, 10, 30, tzinfo=UTC) - timedelta(weeks=week),
                     likes=1)  # fmt: skip
        counted_post(world.org, datetime(2026, 3, 31, 10, 30, tzinfo=UTC) + timedelta(weeks=week),
                     likes=1)  # fmt: skip
    moments = summary(world, date(2026, 3, 1), date(2026, 4, 30)).moments
    assert by_key(moments) == {"1:morning": (3, 3), "1:afternoon": (3, 3)}


def test_the_period_uses_local_days_across_the_change_to_summer_time(world: World) -> None:
    # 29 March 2026 has 23 hours in Brussels: it runs from 23:00 UTC to 22:00 UTC.
    counted_post(world.org, datetime(2026, 3, 28, 22, 59, tzinfo=UTC), likes=1)  # 28 March
    counted_post(world.org, datetime(2026, 3, 28, 23, 0, tzinfo=UTC), likes=10)  # 29th, 00:00
    counted_post(world.org, datetime(2026, 3, 29, 21, 59, tzinfo=UTC), likes=100)  # 23:59
    counted_post(world.org, datetime(2026, 3, 29, 22, 0, tzinfo=UTC), likes=1000)  # 30th
    found = summary(world, date(2026, 3, 29), date(2026, 3, 29))
    assert (found.posts, found.engagement) == (2, 110)


def test_the_previous_period_has_the_same_length_just_before(world: World) -> None:
    counted_post(world.org, datetime(2026, 3, 20, 12, 0, tzinfo=UTC), likes=5)
    counted_post(world.org, datetime(2026, 3, 9, 12, 0, tzinfo=UTC), likes=3)  # in the previous
    counted_post(world.org, datetime(2026, 3, 1, 12, 0, tzinfo=UTC), likes=2)  # in the previous
    counted_post(world.org, datetime(2026, 2, 28, 12, 0, tzinfo=UTC), likes=7)  # before that
    found = summary(world, date(2026, 3, 11), date(2026, 3, 20))
    assert (found.posts, found.engagement) == (1, 5)
    assert (found.previous_posts, found.previous_engagement) == (2, 5)


def test_another_organisation_counts_nothing_here(world: World) -> None:
    counted_post(world.other_org, TUESDAY, likes=50)
    counted_post(world.org, TUESDAY, likes=1)
    found = summary(world)
    assert (found.posts, found.engagement) == (1, 1)
    assert [g.label for g in found.channels] == ["Mastodon @bakkerij-alice"]
    assert len(found.top) == 1


def test_deleted_posts_are_left_out_and_so_are_posts_the_network_lost_uncounted(
    world: World,
) -> None:
    deleted = counted_post(world.org, TUESDAY, likes=40)
    Post.objects.filter(pk=deleted.target.post_id).update(deleted_at=TUESDAY)
    counted_post(world.org, TUESDAY, likes=7, gone=True)  # deleted on the network: counts stay
    counted_post(world.org, TUESDAY, gone=True)  # lost before anything was counted
    counted_post(world.org, TUESDAY, likes=2)
    found = summary(world)
    assert (found.posts, found.engagement) == (2, 9)
    assert found.waiting == 0


def test_published_posts_without_counts_yet_are_waiting(world: World) -> None:
    published_without_result(world.org, TUESDAY)
    counted_post(world.org, TUESDAY, checked=False)  # the collector has not asked yet
    counted_post(world.org, TUESDAY, likes=3)
    published_without_result(world.other_org, TUESDAY)
    published_without_result(world.org, TUESDAY - timedelta(days=30))  # another period
    found = summary(world)
    assert (found.posts, found.waiting) == (1, 2)


def test_the_top_five_have_the_most_reactions(world: World) -> None:
    for likes in (0, 1, 8, 3, 20, 5, 2):
        counted_post(world.org, TUESDAY, likes=likes, text=f"Post met {likes} likes " + "x" * 200)
    top = summary(world).top
    assert [t.engagement for t in top] == [20, 8, 5, 3, 2]
    assert top[0].text.startswith("Post met 20 likes") and len(top[0].text) == 120
    assert top[0].channel_label == "Mastodon @bakkerij-alice"
    assert top[0].published_at_local == "03/10/2026 7 p.m."
    assert top[0].remote_url == "https://social.example/@bakker/1"


def test_a_network_address_that_is_not_a_web_address_is_not_linked(world: World) -> None:
    counted_post(world.org, TUESDAY, likes=1, remote_url="javascript:alert(1)")
    assert summary(world).top[0].remote_url == ""


def test_it_takes_a_handful_of_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(20):
        counted_post(world.org, TUESDAY + timedelta(hours=n), pillar=f"P{n % 3}", image=n % 2 == 0,
                     likes=n)  # fmt: skip
    # The results as plain rows, the channels once, the period before, the five best posts in
    # full, the posts waiting.
    with django_assert_max_num_queries(5):
        summary(world)


def test_the_last_days_end_today_in_the_organisations_zone(world: World) -> None:
    # 23:30 UTC on 31 March is already 1 April in Brussels.
    with time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        assert last_days(world.org, 30) == (date(2026, 3, 3), date(2026, 4, 1))
