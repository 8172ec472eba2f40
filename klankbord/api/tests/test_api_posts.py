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
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan
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


# --- content pillar -----------------------------------------------------------------------------


@pytest.fixture
def plan(world: World) -> Plan:
    return Plan.objects.create(
        organisation=world.org, **bakery_plan()
    )  # Achter de schermen, Tips, Aanbod


def test_a_post_gets_a_pillar_of_the_plan(
    world: World, api: Callable[[Any], Client], channel: Channel, plan: Plan
) -> None:
    client = api(world.alice)
    body = {"text": "Deeg om 4 uur", "channels": [channel.pk], "pillar": "Achter de schermen"}
    created = client.post(posts_url(world), body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["pillar"] == "Achter de schermen"
    assert Post.objects.get().pillar == "Achter de schermen"
    without = client.post(posts_url(world), {"text": "x", "channels": [channel.pk]},
                          content_type="application/json")  # fmt: skip
    assert without.json()["pillar"] == ""


def test_a_pillar_not_in_the_plan_is_refused_and_nothing_is_stored(
    world: World, api: Callable[[Any], Client], channel: Channel, plan: Plan
) -> None:
    body = {"text": "x", "channels": [channel.pk], "pillar": "Recepten"}
    response = api(world.alice).post(posts_url(world), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "“Recepten” is not a content pillar of your plan. Choose one of its pillars."
    )
    assert not Post.objects.exists()
    body["pillar"] = 3  # type: ignore[assignment]
    response = api(world.alice).post(posts_url(world), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"pillar": ["Not a valid string."]}


def test_patch_names_the_pillar_of_a_published_post_and_keeps_a_renamed_one(
    world: World, api: Callable[[Any], Client], channel: Channel, plan: Plan
) -> None:
    client = api(world.alice)
    created = client.post(posts_url(world), {"text": "x", "channels": [channel.pk]},
                          content_type="application/json").json()  # fmt: skip
    PostTarget.objects.update(status=Status.PUBLISHED, published_at=timezone.now())
    url = f"{posts_url(world)}/{created['id']}"
    moved = client.patch(url, {"pillar": "Tips"}, content_type="application/json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["pillar"] == "Tips"
    assert moved.json()["targets"][0]["status"] == "published"  # nothing else changed
    Post.objects.update(pillar="Oude naam")  # the plan renamed it since
    kept = client.patch(url, {"pillar": "Oude naam"}, content_type="application/json")
    assert kept.status_code == 200
    refused = client.patch(url, {"pillar": "Iets"}, content_type="application/json")
    assert refused.status_code == 400
    assert Post.objects.get().pillar == "Oude naam"
    assert client.patch(url, {"pillar": ""}, content_type="application/json").json()["pillar"] == ""
    empty = client.patch(url, {}, content_type="application/json")
    assert empty.status_code == 400
    assert "Give scheduled_at, pillar or both." in str(empty.json()["errors"])


def test_patch_sets_pillar_and_moment_together_or_neither(
    world: World, api: Callable[[Any], Client], channel: Channel, plan: Plan
) -> None:
    client = api(world.alice)
    created = client.post(posts_url(world), {"text": "x", "channels": [channel.pk]},
                          content_type="application/json").json()  # fmt: skip
    url = f"{posts_url(world)}/{created['id']}"
    past = {"pillar": "Tips", "scheduled_at": "2020-01-01T10:00:00+01:00"}
    assert client.patch(url, past, content_type="application/json").status_code == 400
    assert Post.objects.get().pillar == ""  # the refused moment took the pillar with it
    at = (timezone.now() + timedelta(days=1)).isoformat()
    both = client.patch(
        url, {"pillar": "Tips", "scheduled_at": at}, content_type="application/json"
    )
    assert both.json()["pillar"] == "Tips"
    assert both.json()["targets"][0]["status"] == "scheduled"


def test_a_client_cannot_change_the_pillar(
    world: World, api: Callable[[Any], Client], channel: Channel, plan: Plan
) -> None:
    post = Post.objects.create(organisation=world.org, text="x")
    url = f"{posts_url(world)}/{post.pk}"
    response = api(world.member(Role.CLIENT)).patch(url, {"pillar": "Tips"},
                                                   content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert api(world.charlie).patch(url, {"pillar": "Tips"},
                                    content_type="application/json").status_code == 404  # fmt: skip
    assert Post.objects.get().pillar == ""
