"""The plan drives the other pillars: its rhythm sets the regularity monitor in Publish, and its
response time is the inbox's target."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from klankbord.channels.models import Channel
from klankbord.inbox.models import InboxSettings
from klankbord.orgs.models import Membership
from klankbord.publishing import selectors as publishing
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create
from klankbord.strategy import services
from klankbord.strategy.models import Plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"


@pytest.fixture
def mastodon(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="1", handle="@bakker@m.test",
        base_url="https://m.test",
    )  # fmt: skip


def plan_rhythm(world: World, alice: Membership, per_week: dict[str, float]) -> None:
    services.plan_step_save(
        organisation=world.org, key="channels", data={"networks": list(per_week)}, by=alice
    )
    services.plan_step_save(
        organisation=world.org, key="rhythm", data={"posts_per_week": per_week}, by=alice
    )


def schedule(world: World, channel: Channel, days: float) -> None:
    post = post_create(organisation=world.org, author=world.alice, text=f"Over {days} dagen",
                       channels=[channel])  # fmt: skip
    post.targets.update(
        status=PostTarget.Status.SCHEDULED, scheduled_at=timezone.now() + timedelta(days=days)
    )


def silences(world: World) -> list[str]:
    with translation.override("en"):
        warnings = publishing.rhythm_warnings(world.org)
    return [w.message for w in warnings if w.kind == "silence"]


def test_without_a_plan_the_monitor_keeps_its_default_of_a_week(
    world: World, mastodon: Channel
) -> None:
    for days in (1, 5, 10, 15, 20, 25, 29):
        schedule(world, mastodon, days)
    assert silences(world) == []


def test_the_plans_rhythm_sets_how_long_a_channel_may_stay_silent(
    world: World, alice: Membership, mastodon: Channel
) -> None:
    for days in (1, 5, 10, 15, 20, 25, 29):
        schedule(world, mastodon, days)
    plan_rhythm(world, alice, {"mastodon": 3})  # at most three days between posts
    assert silences(world) == [
        "@bakker@m.test: 4 days with nothing planned; your plan asks for 3 posts a week."
    ]


def test_a_channel_the_plan_does_not_mention_keeps_the_default(
    world: World, alice: Membership, mastodon: Channel
) -> None:
    for days in (1, 5, 10, 15, 20, 25, 29):
        schedule(world, mastodon, days)
    plan_rhythm(world, alice, {"instagram": 3})
    assert silences(world) == []


def test_a_slow_rhythm_looks_further_ahead(
    world: World, alice: Membership, mastodon: Channel
) -> None:
    for days in (1, 12, 24):
        schedule(world, mastodon, days)
    plan_rhythm(world, alice, {"mastodon": 0.5})  # once every two weeks
    assert silences(world) == []
    plan_rhythm(world, alice, {"mastodon": 1})
    assert silences(world) == [
        "@bakker@m.test: 11 days with nothing planned; your plan asks for 1 post a week."
    ]


def test_the_response_time_of_the_rhythm_step_becomes_the_inbox_target(
    world: World, alice_client: Client
) -> None:
    page = alice_client.get(f"{BASE}stap/6/").content.decode()
    assert 'name="response_minutes" value="120"' in page  # the inbox's current target
    response = alice_client.post(f"{BASE}stap/6/", {"response_minutes": "60", "action": "save"})
    assert response.status_code == 302
    assert InboxSettings.objects.get(organisation=world.org).target_minutes == 60
    inbox_page = alice_client.get("/o/bakkerij-alice/inbox/instellingen/").content.decode()
    assert 'name="target_minutes" value="60"' in inbox_page


def test_a_target_changed_in_the_inbox_is_not_overwritten_by_the_plan(
    world: World, alice_client: Client
) -> None:
    alice_client.post(f"{BASE}stap/6/", {"response_minutes": "60", "action": "save"})
    InboxSettings.objects.filter(organisation=world.org).update(target_minutes=30)
    page = alice_client.get(f"{BASE}stap/6/").content.decode()
    assert 'name="response_minutes" value="30"' in page
    alice_client.post(f"{BASE}stap/6/", {"who_posts": "Bob", "response_minutes": "30",
                                          "action": "save"})  # fmt: skip
    assert InboxSettings.objects.get(organisation=world.org).target_minutes == 30


def test_an_editor_plans_the_rhythm_but_leaves_the_inbox_target_to_managers(
    world: World,
) -> None:
    InboxSettings.objects.create(organisation=world.org, target_minutes=120)
    bob = Client()
    bob.force_login(world.bob)  # an editor
    page = bob.get(f"{BASE}stap/6/").content.decode()
    assert "Managers and owners set the response target" in page
    response = bob.post(f"{BASE}stap/6/", {"who_posts": "Bob", "response_minutes": "5",
                                           "action": "save"})  # fmt: skip
    assert response.status_code == 302
    assert InboxSettings.objects.get(organisation=world.org).target_minutes == 120
    assert Plan.objects.get().rhythm["who_posts"] == "Bob"


def test_a_version_keeps_the_inbox_target_of_that_moment(
    world: World, alice: Membership, alice_client: Client
) -> None:
    alice_client.post(f"{BASE}stap/6/", {"response_minutes": "60", "action": "save"})
    InboxSettings.objects.filter(organisation=world.org).update(target_minutes=45)
    version = services.plan_version_save(plan=Plan.objects.get(), by=alice)
    assert version.steps["rhythm"]["response_minutes"] == 45


def test_the_publishing_settings_say_the_plan_sets_the_rhythm(alice_client: Client) -> None:
    page = alice_client.get("/o/bakkerij-alice/instellingen/publiceren/").content.decode()
    assert "When the plan sets posts per week for a network" in page
    assert f"{BASE}stap/6/" in page
