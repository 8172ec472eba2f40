"""Posts through the API: create, schedule, reschedule, cancel and list with per-channel status."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.orgs.models import Role
from klankbord.publishing.models import Post, PostTarget
from klankbord.test import World

Status = PostTarget.Status


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefen"
    )


def posts_url(world: World) -> str:
    return f"/api/v1/organisations/{world.org.slug}/posts"


def test_create_and_schedule_then_list_with_status(
    world: World, api: Callable[[Any], Client], channel: Channel
) -> None:
    client = api(world.alice)
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    response = client.post(
        posts_url(world),
        {"text": "Verse croissants", "channels": [channel.pk], "scheduled_at": at.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["targets"][0]["status"] == "scheduled"
    assert body["targets"][0]["handle"] == "oefen"
    listed = client.get(posts_url(world), {"status": "scheduled"}).json()
    assert [post["id"] for post in listed["results"]] == [body["id"]]
    assert client.get(posts_url(world), {"status": "published"}).json()["results"] == []
    channels = client.get(f"/api/v1/organisations/{world.org.slug}/channels").json()
    assert channels["results"][0]["id"] == channel.pk


def test_reschedule_cancel_and_delete(
    world: World, api: Callable[[Any], Client], channel: Channel
) -> None:
    client = api(world.alice)
    created = client.post(
        posts_url(world),
        {"text": "Taart", "channels": [channel.pk]},
        content_type="application/json",
    ).json()
    assert created["targets"][0]["status"] == "draft"
    url = f"{posts_url(world)}/{created['id']}"
    at = timezone.now() + timedelta(hours=3)
    moved = client.patch(url, {"scheduled_at": at.isoformat()}, content_type="application/json")
    assert moved.json()["targets"][0]["status"] == "scheduled"
    past = client.patch(
        url, {"scheduled_at": "2020-01-01T10:00:00+01:00"}, content_type="application/json"
    )
    assert past.status_code == 400
    assert "already passed" in past.json()["detail"]
    cancelled = client.post(f"{url}/cancel")
    assert cancelled.json()["targets"][0]["status"] == "draft"
    assert client.delete(url).status_code == 204
    assert Post.objects.get().deleted_at is not None
    assert client.get(url).status_code == 404


def test_a_contributors_post_waits_for_approval_and_clients_cannot_write(
    world: World, api: Callable[[Any], Client], channel: Channel
) -> None:
    at = (timezone.now() + timedelta(days=1)).isoformat()
    body = {"text": "x", "channels": [channel.pk], "scheduled_at": at}
    contributor = api(world.member(Role.CONTRIBUTOR))
    response = contributor.post(posts_url(world), body, content_type="application/json")
    assert response.json()["targets"][0]["status"] == "awaiting_approval"
    client = api(world.member(Role.CLIENT))
    assert client.post(posts_url(world), body, content_type="application/json").status_code == 403
    assert client.get(posts_url(world)).status_code == 200


def test_channels_of_another_organisation_are_refused(
    world: World, api: Callable[[Any], Client]
) -> None:
    theirs = Channel.objects.create(
        organisation=world.other_org, network="sandbox", external_id="c", handle="c"
    )
    response = api(world.alice).post(
        posts_url(world), {"text": "x", "channels": [theirs.pk]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not PostTarget.objects.exists()
