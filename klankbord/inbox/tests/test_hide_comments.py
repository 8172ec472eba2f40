"""An editor hides a Facebook comment on the Page's post from the inbox, and shows it again."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from klankbord.channels.models import Channel, HiddenComment
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.inbox import services
from klankbord.inbox.models import Item
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


@pytest.fixture
def comment(page: Channel, fake_facebook: FakeFacebook) -> dict[str, Any]:
    post = fake_facebook._new_post(page.external_id, "Onze nieuwe taarten")
    return fake_facebook.add_comment(post["id"], "Koop goedkope zonnebrillen op spam.example")


@pytest.fixture
def item(page: Channel, comment: dict[str, Any]) -> Item:
    return item_for(page, comment["id"])


def hide_url(item: Item) -> str:
    return reverse("inbox_item_hide", args=[item.organisation.slug, item.pk])


def item_url(item: Item) -> str:
    return reverse("inbox_item", args=[item.organisation.slug, item.pk])


def test_an_editor_hides_a_comment_and_it_is_audited(
    world: World, fake_facebook: FakeFacebook, comment: dict[str, Any], item: Item
) -> None:
    client = Client()
    client.force_login(world.bob)
    assert "Hide the comment" in client.get(item_url(item)).content.decode()

    response = client.post(hide_url(item), {"hidden": "1"}, follow=True)

    assert fake_facebook.comments[comment["id"]]["is_hidden"] is True
    assert HiddenComment.objects.filter(remote_id=comment["id"]).exists()
    page = response.content.decode()
    assert "The comment is hidden" in page and "Show the comment again" in page
    event = AuditEvent.objects.get(action="inbox.comment_hidden")
    assert event.actor == world.bob and event.target == f"#{item.pk}"


def test_a_hidden_comment_is_shown_again(
    alice_client: Client, fake_facebook: FakeFacebook, comment: dict[str, Any], item: Item
) -> None:
    alice_client.post(hide_url(item), {"hidden": "1"})

    alice_client.post(hide_url(item), {"hidden": "0"})

    assert fake_facebook.comments[comment["id"]]["is_hidden"] is False
    assert not HiddenComment.objects.exists()
    assert AuditEvent.objects.filter(action="inbox.comment_shown").count() == 1


def test_another_organisation_gets_404_and_nothing_is_hidden(
    charlie_client: Client, fake_facebook: FakeFacebook, comment: dict[str, Any], item: Item
) -> None:
    assert charlie_client.post(hide_url(item), {"hidden": "1"}).status_code == 404
    assert fake_facebook.comments[comment["id"]]["is_hidden"] is False


def test_a_role_below_editor_gets_403_and_no_button(
    world: World, fake_facebook: FakeFacebook, comment: dict[str, Any], item: Item
) -> None:
    client = Client()
    client.force_login(world.member(Role.CONTRIBUTOR))

    assert client.post(hide_url(item), {"hidden": "1"}).status_code == 403
    assert fake_facebook.comments[comment["id"]]["is_hidden"] is False
    assert "Hide the comment" not in client.get(item_url(item)).content.decode()


def test_a_message_cannot_be_hidden(
    alice_client: Client, page: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.add_message(page.external_id, "Een privébericht")
    source = Source.objects.get(channel=page, kind=Source.Kind.MENTIONS)
    sources.poll(source.pk)
    mention = Mention.objects.get(kind="message")
    services.items_from_mentions(source=source, mentions=[mention])
    item = Item.objects.get(mention=mention)
    assert "Hide the comment" not in alice_client.get(item_url(item)).content.decode()

    response = alice_client.post(hide_url(item), {"hidden": "1"}, follow=True)

    assert "Only a comment on your own Facebook posts can be hidden" in response.content.decode()


def test_a_refusal_by_facebook_is_shown_and_nothing_is_remembered(
    alice_client: Client, fake_facebook: FakeFacebook, comment: dict[str, Any], item: Item
) -> None:
    del fake_facebook.comments[comment["id"]]  # deleted by its author meanwhile

    response = alice_client.post(hide_url(item), {"hidden": "1"}, follow=True)

    assert "Facebook does not know this" in response.content.decode()
    assert not HiddenComment.objects.exists()
    assert not AuditEvent.objects.filter(action="inbox.comment_hidden").exists()
