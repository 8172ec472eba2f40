"""The audit log says who read a WhatsApp conversation, at most hourly, and who answered it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.channels.tests.whatsapp_setup import connected, fake, in_english
from klankbord.inbox.models import Item
from klankbord.listening.models import Mention
from klankbord.orgs.models import AuditEvent
from klankbord.test import World

__all__ = ["fake", "in_english"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world: World, fake: FakeWhatsApp, monkeypatch: pytest.MonkeyPatch) -> Item:
    channel = connected(world, monkeypatch)
    fake.customer_wrote(CUSTOMER_WA_ID)
    deliver(channel, webhook_delivery(text_message("wamid.1", "Mijn adres is Kerkstraat 1")))
    return Item.objects.get()


@pytest.fixture
def bob_client(world: World) -> Client:
    client = Client()
    client.force_login(world.bob)
    return client


def reads(world: World) -> list[tuple[str, str]]:
    found = AuditEvent.objects.filter(organisation=world.org, action="inbox.read")
    return list(found.order_by("created_at", "pk").values_list("actor_email", "target"))


def item_url(world: World, item: Item) -> str:
    return f"/o/{world.org.slug}/inbox/{item.pk}/"


def test_opening_a_whatsapp_conversation_is_logged_once_an_hour_per_member(
    world: World, item: Item, alice_client: Client, bob_client: Client
) -> None:
    assert alice_client.get(item_url(world, item)).status_code == 200
    alice_client.get(item_url(world, item))  # a reload, or the page refreshing itself
    bob_client.get(item_url(world, item))
    assert reads(world) == [(world.alice.email, f"#{item.pk}"), (world.bob.email, f"#{item.pk}")]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        alice_client.get(item_url(world, item))
    readers = [who for who, _target in reads(world)]
    assert readers == [world.alice.email, world.bob.email, world.alice.email]


def test_the_log_page_names_the_reader_and_the_network(
    world: World, item: Item, alice_client: Client, bob_client: Client
) -> None:
    bob_client.get(item_url(world, item))
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/auditlog/")
    assert "Read a private conversation" in page.text
    assert "WhatsApp Business" in page.text and world.bob.email in page.text


def test_a_public_comment_is_not_logged_when_read(
    world: World, item: Item, alice_client: Client
) -> None:
    Mention.objects.filter(pk=item.mention_id).update(kind="reply")
    alice_client.get(item_url(world, item))
    assert reads(world) == []


def test_another_organisation_reads_nothing_and_leaves_no_trace(
    world: World, item: Item, charlie_client: Client
) -> None:
    assert charlie_client.get(item_url(world, item)).status_code == 404
    assert reads(world) == [] and not AuditEvent.objects.filter(action="inbox.read").exists()


def test_who_answered_is_logged(
    world: World, item: Item, fake: FakeWhatsApp, bob_client: Client
) -> None:
    bob_client.post(f"{item_url(world, item)}antwoord/", {"text": "Genoteerd, tot morgen!"})
    [answered] = AuditEvent.objects.filter(organisation=world.org, action="inbox.replied")
    assert answered.actor == world.bob and answered.target == f"#{item.pk}"
    assert answered.data["private"] is True
    assert [m["text"] for m in fake.sent] == ["Genoteerd, tot morgen!"]
