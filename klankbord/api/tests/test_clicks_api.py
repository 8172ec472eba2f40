"""Clicks on tracked links through the API: per post and channel, and in what works."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.tests.counted import counted_post
from klankbord.channels.models import Channel
from klankbord.orgs.models import Role
from klankbord.publishing import scheduler
from klankbord.publishing.models import LinkClick, Post, ShortLink
from klankbord.test import World

pytestmark = pytest.mark.django_db
Api = Callable[[Any], Client]
POSTS = "/api/v1/organisations/bakkerij-alice/posts"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_a_post_with_tracked_links_shows_its_clicks_per_channel(
    world: World, api: Api, client: Client
) -> None:
    channels = [
        Channel.objects.create(
            organisation=world.org, network=network, external_id=network, handle=network
        )
        for network in ["mastodon", "bluesky"]
    ]
    body = {
        "text": "Nieuw brood: https://bakkerij.be/brood",
        "channels": [c.pk for c in channels],
        "track_clicks": True,
    }
    created = api(world.alice).post(POSTS, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["track_clicks"] is True
    assert [t["clicks"] for t in created.json()["targets"]] == [None, None]  # not sent yet
    post = Post.objects.get()
    for target in post.targets.all():
        scheduler.outgoing(target)  # as it goes out: the short links are made
    mastodon = ShortLink.objects.get(target__channel__network="mastodon")
    client.get(f"/r/{mastodon.code}", HTTP_USER_AGENT=BROWSER)
    client.get(f"/r/{mastodon.code}", HTTP_USER_AGENT=BROWSER)
    found = api(world.member(Role.CLIENT)).get(f"{POSTS}/{post.pk}").json()
    assert {t["network"]: t["clicks"] for t in found["targets"]} == {"mastodon": 2, "bluesky": 0}


def test_what_works_carries_the_clicks(world: World, api: Api) -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    result = counted_post(world.org, now - timedelta(days=1), likes=4, pillar="Tips")
    link = ShortLink.objects.create(
        organisation=world.org, target=result.target, code="abc12345",
        url="https://bakkerij.be", destination="https://bakkerij.be?utm_medium=social",
    )  # fmt: skip
    LinkClick.objects.create(link=link, day=now.date(), count=7)
    counted_post(world.org, now - timedelta(days=2), likes=1, pillar="Aanbod")
    with time_machine.travel(now, tick=False):
        data = api(world.member(Role.CLIENT)).get("/api/v1/organisations/bakkerij-alice/results")
    found = data.json()
    assert found["clicks"] == {"total": 7, "given": 1, "posts": 2}
    assert {g["key"]: (g["clicks"], g["tracked"]) for g in found["pillars"]} == {
        "Tips": (7, 1),
        "Aanbod": (None, 0),
    }
    assert [t["clicks"] for t in found["top"]] == [7, None]
