"""The whole Measure loop: a post written in the composer goes out on the fake Mastodon, the
network counts reactions, Klankbord reads them, and Measure and the post page show them."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from klankbord.analytics import collect
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.publishing import scheduler
from klankbord.publishing.models import Post, PostTarget
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_a_post_from_the_composer_shows_its_reactions_on_measure(
    world: World, alice_client: Client, fake_mastodon: FakeMastodon
) -> None:
    channel = connect_mastodon(world, fake_mastodon)
    Plan.objects.create(organisation=world.org, **bakery_plan())
    slug = world.org.slug

    response = alice_client.post(
        f"/o/{slug}/publiceren/nieuw/",
        {"text": "Vers desembrood vanaf 7 uur!", "channels": [channel.pk], "pillar": "Tips",
         "action": "now"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    token, claimed = scheduler.claim_due(timezone.now() + timedelta(seconds=5))
    assert scheduler.publish(claimed[0], token) == PostTarget.Status.PUBLISHED
    target = PostTarget.objects.get()
    fake_mastodon.statuses[target.remote_id].update(
        favourites_count=14, reblogs_count=3, replies_count=2
    )

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert collect.run() == 1
        measure = alice_client.get(f"/o/{slug}/meten/", HTTP_ACCEPT_LANGUAGE="en")
        detail = alice_client.get(
            f"/o/{slug}/publiceren/{Post.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="en"
        )

    shown = measure.content.decode()
    works = shown[shown.index('id="what-works"') :]
    assert '<p class="figure">19</p>' in works  # 14 likes + 3 shares + 2 replies
    assert "Vers desembrood vanaf 7 uur!" in works[works.index('id="what-works-top"') :]
    pillars = works[works.index('id="what-works-pillars"') :]
    assert "<td>Tips" in pillars
    assert "Likes 14 · Shares 3 · Replies 2 · Quotes 0" in detail.content.decode()
