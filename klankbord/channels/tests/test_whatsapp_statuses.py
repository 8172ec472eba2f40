"""WhatsApp's status webhooks for our answers: delivered and read recorded, in any order and
once; a lost answer settled as sent by the key it carries; a failure explained."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from pytest_httpserver import HTTPServer

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel, WebhookEvent
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    signed,
    status_delivery,
    status_object,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_connect import connect_url, entered
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.inbox import services as inbox
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import reply_look_up, reply_send
from klankbord.lib import http
from klankbord.listening import services as listening
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db
QUESTION = "wamid.HBgLMzI0NzU5ODc2NTQVAgASGBQzQTdCNUY3RjBFQkRGRkY4QzY4NwA="
DELIVERED_AT = 1_796_000_000  # Unix seconds, as WhatsApp's timestamps are
READ_AT = DELIVERED_AT + 300


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fake(httpserver: HTTPServer, settings: Any) -> FakeWhatsApp:
    fake = FakeWhatsApp(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    return fake


@pytest.fixture
def processed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each new event processed as the worker would, instead of through a broker."""
    found: list[int] = []

    def run(ids: list[int]) -> None:
        found.extend(ids)
        for event_id in ids:
            meta_webhooks.event_process(event_id)

    monkeypatch.setattr(meta_webhooks, "_enqueue", run)
    return found


@pytest.fixture
def channel(world: World, fake: FakeWhatsApp, processed: list[int]) -> Channel:
    alice = Client()
    alice.force_login(world.alice)
    alice.post(connect_url(world), entered())
    listening.sources_sync(world.org)
    return Channel.objects.get(network="whatsapp")


@pytest.fixture
def item(channel: Channel, fake: FakeWhatsApp) -> Item:
    fake.customer_wrote(CUSTOMER_WA_ID)
    deliver(channel, webhook_delivery(text_message(QUESTION, "Is de taart klaar?")))
    mention = Mention.objects.get()
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    inbox.items_from_mentions(source=source, mentions=[mention])
    return Item.objects.get(mention=mention)


def answer(world: World, item: Item) -> Reply:
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    return reply_send(item=item, by=alice, text="Ja, vanaf 10 uur!")


def moment(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, tz=UTC)


def status_events() -> int:
    return WebhookEvent.objects.filter(key__startswith="status:").count()


def test_it_records_delivered_then_read(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    (sent,) = fake.sent

    deliver(channel, status_delivery(status_object(sent, "sent", at=DELIVERED_AT - 2)))
    deliver(channel, status_delivery(status_object(sent, "delivered", at=DELIVERED_AT)))
    reply.refresh_from_db()
    assert (reply.delivered_at, reply.read_at) == (moment(DELIVERED_AT), None)

    deliver(channel, status_delivery(status_object(sent, "read", at=READ_AT)))
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert (reply.delivered_at, reply.read_at) == (moment(DELIVERED_AT), moment(READ_AT))
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"done"}
    assert WebhookEvent.objects.filter(key__startswith="status:", error="").count() == 3


def test_read_before_delivered_and_sent_after_read_never_move_it_back(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    (sent,) = fake.sent

    # One delivery holding all three, the newest first, as Meta may send them.
    deliver(
        channel,
        status_delivery(
            status_object(sent, "read", at=READ_AT),
            status_object(sent, "delivered", at=DELIVERED_AT),
            status_object(sent, "sent", at=DELIVERED_AT - 2),
        ),
    )
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert (reply.delivered_at, reply.read_at) == (moment(DELIVERED_AT), moment(READ_AT))


def test_read_alone_means_delivered_too(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    deliver(channel, status_delivery(status_object(fake.sent[0], "read", at=READ_AT)))
    reply.refresh_from_db()
    assert reply.delivered_at == reply.read_at == moment(READ_AT)


def test_a_status_delivered_twice_is_stored_once(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item, processed: list[int]
) -> None:
    reply = answer(world, item)
    payload = status_delivery(status_object(fake.sent[0], "delivered", at=DELIVERED_AT))
    before = len(processed)

    assert deliver(channel, payload).status_code == 200
    assert deliver(channel, payload).status_code == 200

    assert status_events() == 1 and len(processed) == before + 1
    reply.refresh_from_db()
    assert reply.delivered_at == moment(DELIVERED_AT)


def test_a_lost_answer_is_settled_as_sent_by_its_status_and_never_sent_again(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item, monkeypatch: Any
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    fake.drop_after_accept = 1
    reply = answer(world, item)
    assert reply.status == Reply.Status.UNCONFIRMED and reply.remote_id == ""
    (sent,) = fake.sent
    assert sent["biz_opaque_callback_data"] == reply.idempotency_key

    deliver(channel, status_delivery(status_object(sent, "sent", at=time.time())))

    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT and reply.error == ""
    assert reply.remote_id == f"whatsapp/{CUSTOMER_WA_ID}/{sent['id']}"
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED and item.first_response_at == reply.created_at
    assert reply_look_up(reply=reply).status == Reply.Status.SENT
    deliver(channel, status_delivery(status_object(sent, "delivered", at=DELIVERED_AT)))
    reply.refresh_from_db()
    assert reply.delivered_at == moment(DELIVERED_AT)
    assert len(fake.sent) == 1
    assert sum(1 for method, path in fake.requests if path.endswith("/messages")) == 1


@pytest.mark.parametrize(
    ("code", "explained"),
    [
        (131047, "more than 24 hours passed"),
        (131026, "the number may not be on WhatsApp"),
        (131051, "does not support this kind of message"),
        (131053, "could not fetch or upload the attached file"),
        (132015, "paused this template"),
        (131000, "error 131000: Generic user error"),
    ],
)
def test_a_failed_status_fails_the_reply_explained_and_reopens_the_item(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item, code: int, explained: str
) -> None:
    reply = answer(world, item)
    deliver(channel, status_delivery(status_object(fake.sent[0], "failed", error=code)))
    reply.refresh_from_db()
    assert reply.status == Reply.Status.FAILED
    assert explained in reply.error
    item.refresh_from_db()
    assert item.status == Item.Status.NEW


def test_the_failure_is_explained_in_the_language_of_who_answered(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    reply = answer(world, item)
    deliver(channel, status_delivery(status_object(fake.sent[0], "failed", error=131026)))
    reply.refresh_from_db()
    assert reply.status == Reply.Status.FAILED
    assert reply.error.startswith("WhatsApp kon het antwoord niet afleveren")


def test_a_late_failure_after_delivery_changes_nothing(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    (sent,) = fake.sent
    deliver(channel, status_delivery(status_object(sent, "delivered", at=DELIVERED_AT)))
    deliver(channel, status_delivery(status_object(sent, "failed", error=131026)))
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT and reply.error == ""
    assert "delivered or settled already" in WebhookEvent.objects.get(key__endswith=":failed").error


def test_a_wrongly_signed_status_is_refused_with_nothing_stored(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    payload = status_delivery(status_object(fake.sent[0], "read", at=READ_AT))
    body = json.dumps(payload).encode()

    assert deliver(channel, payload, **signed(body, "not-the-app-secret")).status_code == 403

    assert status_events() == 0
    reply.refresh_from_db()
    assert reply.read_at is None and reply.delivered_at is None


def test_a_status_of_a_message_we_do_not_know_is_set_aside_with_a_reason(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item
) -> None:
    reply = answer(world, item)
    stranger = {"id": "wamid.SOMEONE-ELSES", "to": CUSTOMER_WA_ID}

    assert deliver(channel, status_delivery(status_object(stranger, "read"))).status_code == 200

    event = WebhookEvent.objects.get(key__startswith="status:")
    assert event.status == WebhookEvent.Status.DONE
    assert "No reply sent from Klankbord has this WhatsApp message id" in event.error
    reply.refresh_from_db()
    assert reply.read_at is None


def test_the_conversation_shows_delivered_then_read_in_the_readers_time_zone(
    world: World, channel: Channel, fake: FakeWhatsApp, item: Item, alice_client: Client
) -> None:
    answer(world, item)
    (sent,) = fake.sent
    url = f"/o/{world.org.slug}/inbox/{item.pk}/"
    local = ZoneInfo(world.org.timezone)

    page = alice_client.get(url).text
    assert 'id="replies" hx-get=' in page  # asks again until the answer is read
    deliver(channel, status_delivery(status_object(sent, "delivered", at=DELIVERED_AT)))
    shown = moment(DELIVERED_AT).astimezone(local).strftime("%H:%M")
    assert f"Delivered {moment(DELIVERED_AT).astimezone(local).day}" in alice_client.get(url).text
    assert shown in alice_client.get(url).text

    deliver(channel, status_delivery(status_object(sent, "read", at=READ_AT)))
    page = alice_client.get(url).text
    assert "Read " + str(moment(READ_AT).astimezone(local).day) in page
    assert 'id="replies">' in page  # read: nothing more to wait for
