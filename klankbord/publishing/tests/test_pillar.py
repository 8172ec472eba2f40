"""A post's content pillar, chosen from the plan's pillars, and what the post page shows of it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klankbord.analytics.models import PostResult
from klankbord.channels.models import Channel
from klankbord.orgs.models import Role
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.services import post_create
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    return Plan.objects.create(
        organisation=world.org, **bakery_plan()
    )  # Achter de schermen, Tips, Aanbod


def url(name: str, world: World, **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": world.org.slug, **kwargs})


def draft(client: Client, world: World, channel: Channel, **fields: str) -> object:
    data = {"text": "Verse pistolets", "channels": [channel.pk], "action": "draft", **fields}
    return client.post(url("compose", world), data)


def test_the_composer_offers_the_plans_pillars_and_saves_the_choice(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    page = alice_client.get(url("compose", world)).content.decode()
    assert '<select name="pillar" aria-describedby="id_pillar_helptext" id="id_pillar">' in page
    assert '<p class="help" id="id_pillar_helptext">' in page
    assert '<option value="Achter de schermen">Achter de schermen</option>' in page
    assert '<option value="Tips">Tips</option>' in page
    response = draft(alice_client, world, sandbox, pillar="Tips")
    post = Post.objects.get()
    assert response["Location"] == url("post_detail", world, post_id=post.pk)  # type: ignore[index]
    assert post.pillar == "Tips"
    shown = alice_client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert 'Content pillar: <span class="badge neutral">Tips</span>' in shown


def test_no_pillar_is_a_choice_too(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    draft(alice_client, world, sandbox, pillar="")
    post = Post.objects.get()
    assert post.pillar == ""
    shown = alice_client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert 'id="post-pillar"' not in shown


def test_without_pillars_in_the_plan_there_is_nothing_to_choose(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    assert 'name="pillar"' not in alice_client.get(url("compose", world)).content.decode()
    steps = bakery_plan()
    steps["content"]["pillars"] = []
    Plan.objects.create(organisation=world.org, **steps)
    assert 'name="pillar"' not in alice_client.get(url("compose", world)).content.decode()
    draft(alice_client, world, sandbox, pillar="Tips")  # a crafted value has no field to land in
    assert Post.objects.get().pillar == ""


def test_a_pillar_that_is_not_in_the_plan_is_refused_plainly(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    response = draft(alice_client, world, sandbox, pillar="Recepten")
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "“Recepten” is not a content pillar of your plan. Choose one of its pillars." in page
    assert not Post.objects.exists()


def test_a_pillar_the_plan_renamed_does_not_block_editing_the_post(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    post = post_create(organisation=world.org, author=world.alice, text="Desem", channels=[sandbox])
    Post.objects.filter(pk=post.pk).update(pillar="Oude naam")
    edit = url("post_edit", world, post_id=post.pk)
    page = alice_client.get(edit).content.decode()
    assert '<option value="Oude naam" selected>Oude naam (no longer in the plan)</option>' in page
    fields = {"text": "Desem!", "channels": [sandbox.pk], "action": "draft"}
    assert alice_client.post(edit, {**fields, "pillar": "Oude naam"}).status_code == 302
    post.refresh_from_db()
    assert (post.text, post.pillar) == ("Desem!", "Oude naam")
    assert alice_client.post(edit, {**fields, "pillar": "Iets anders"}).status_code == 422
    assert alice_client.post(edit, {**fields, "pillar": "Aanbod"}).status_code == 302
    post.refresh_from_db()
    assert post.pillar == "Aanbod"


def test_a_post_keeps_its_pillar_after_the_plan_dropped_all_pillars(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    post = post_create(organisation=world.org, author=world.alice, text="Desem", channels=[sandbox])
    Post.objects.filter(pk=post.pk).update(pillar="Tips")
    edit = url("post_edit", world, post_id=post.pk)
    assert 'name="pillar"' in alice_client.get(edit).content.decode()
    alice_client.post(edit, {"text": "Desem", "channels": [sandbox.pk], "action": "draft",
                             "pillar": "Tips"})  # fmt: skip
    post.refresh_from_db()
    assert post.pillar == "Tips"


def test_a_duplicate_keeps_the_pillar_even_a_renamed_one(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    post = post_create(organisation=world.org, author=world.alice, text="Desem", channels=[sandbox])
    Post.objects.filter(pk=post.pk).update(pillar="Oude naam")
    alice_client.post(url("post_duplicate", world, post_id=post.pk))
    assert Post.objects.exclude(pk=post.pk).get().pillar == "Oude naam"


def published_post(world: World, sandbox: Channel) -> Post:
    post = post_create(organisation=world.org, author=world.alice, text="Desem", channels=[sandbox])
    post.targets.update(status=PostTarget.Status.PUBLISHED, published_at=timezone.now())
    return post


def test_a_published_post_can_still_be_given_its_pillar(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    post = published_post(world, sandbox)
    detail = url("post_detail", world, post_id=post.pk)
    assert 'id="post-pillar-form"' in alice_client.get(detail).content.decode()
    response = alice_client.post(url("post_pillar", world, post_id=post.pk), {"pillar": "Tips"})
    assert response.status_code == 302 and response["Location"] == detail
    post.refresh_from_db()
    assert post.pillar == "Tips"
    assert post.targets.get().status == PostTarget.Status.PUBLISHED  # nothing else changed


def test_a_pillar_not_in_the_plan_is_refused_on_a_published_post(
    world: World, alice_client: Client, sandbox: Channel, plan: Plan
) -> None:
    post = published_post(world, sandbox)
    page = alice_client.post(
        url("post_pillar", world, post_id=post.pk), {"pillar": "Iets anders"}, follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert "Choose one of your plan&#x27;s content pillars." in page.content.decode()
    post.refresh_from_db()
    assert post.pillar == ""


def test_a_client_viewer_cannot_name_the_pillar(world: World, sandbox: Channel, plan: Plan) -> None:
    post = published_post(world, sandbox)
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    assert (
        'id="post-pillar-form"'
        not in client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    )
    assert (
        client.post(url("post_pillar", world, post_id=post.pk), {"pillar": "Tips"}).status_code
        == 403
    )
    post.refresh_from_db()
    assert post.pillar == ""


def test_a_published_post_shows_the_reactions_the_network_counted(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    post = published_post(world, sandbox)
    detail = url("post_detail", world, post_id=post.pk)
    shown = alice_client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "counted from about an hour after publishing" in shown
    target = post.targets.get()
    PostResult.objects.create(
        organisation=world.org, target=target, published_at=target.published_at, likes=12,
        shares=3, replies=2, quotes=1, engagement=18, checked_at=timezone.now(),
    )  # fmt: skip
    shown = alice_client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Likes 12 · Shares 3 · Replies 2 · Quotes 1" in shown
