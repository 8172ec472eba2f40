"""Clicks on tracked links as a result of what works: per channel, pillar and best post."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from klankbord.analytics.models import PostResult
from klankbord.analytics.results import results_summary
from klankbord.analytics.tests.counted import counted_post
from klankbord.publishing.models import LinkClick, ShortLink
from klankbord.test import World

pytestmark = pytest.mark.django_db
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TUESDAY = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def clicked(result: PostResult, *per_day: int) -> None:
    """Tracked links on the result's post, clicked that many times on consecutive days."""
    link = ShortLink.objects.create(
        organisation=result.organisation, target=result.target, code=f"c{result.pk}",
        url="https://bakkerij.be", destination="https://bakkerij.be?utm_medium=social",
    )  # fmt: skip
    for n, count in enumerate(per_day):
        LinkClick.objects.create(link=link, day=MARCH[0] + timedelta(days=9 + n), count=count)


def test_clicks_add_up_per_channel_and_leave_untracked_posts_out(world: World) -> None:
    for n in range(3):
        clicked(counted_post(world.org, TUESDAY + timedelta(days=n), network="mastodon"), 2, 1)
    counted_post(world.org, TUESDAY, network="bluesky", likes=3)
    found = results_summary(world.org, *MARCH)
    by_network = {g.label.split()[0]: (g.clicks, g.tracked) for g in found.channels}
    assert by_network == {"Mastodon": (9, 3), "Bluesky": (0, 0)}
    assert (found.clicks.total, found.clicks.given, found.clicks.posts) == (9, 3, 4)
    assert [top.clicks for top in found.top] == [None]  # the only post with reactions


def test_the_measure_page_shows_clicks_as_a_result_column(
    world: World, alice_client: Client
) -> None:
    clicked(counted_post(world.org, TUESDAY, network="mastodon", likes=5), 4)
    counted_post(world.org, TUESDAY, network="bluesky", likes=1)
    page = alice_client.get(reverse("measure", args=[world.org.slug]) + "?dagen=365")
    html = page.content.decode()
    assert 'id="what-works-clicks"' in html
    assert '<td data-label="Clicks" class="clicks">4</td>' in html
    assert '<td data-label="Clicks" class="clicks"><span class="missing"' in html


def test_without_tracked_links_there_is_no_clicks_column(
    world: World, alice_client: Client
) -> None:
    counted_post(world.org, TUESDAY, likes=5)
    html = alice_client.get(reverse("measure", args=[world.org.slug]) + "?dagen=365")
    assert 'class="clicks"' not in html.content.decode()
