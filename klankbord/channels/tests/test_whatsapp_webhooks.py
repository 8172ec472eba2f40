"""Customer messages pushed by WhatsApp's webhook: signed, stored once, into the inbox."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from pytest_httpserver import HTTPServer

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel, WebhookEvent
from klankbord.channels.networks.whatsapp import WhatsAppConnector
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_NAME,
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    signed,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_connect import connect_url, entered
from klankbord.listening import services as listening
from klankbord.listening.models import Mention
from klankbord.test import World

pytestmark = pytest.mark.django_db
WAMID = "wamid.HBgLMzI0NzU5ODc2NTQVAgASGBQzQTdCNUY3RjBFQkRGRkY4QzY4NwA="


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # The placeholder and the reason are written in the language active in the worker.
    with translation.override("en"):
        yield


@pytest.fixture
def fake_whatsapp(httpserver: HTTPServer, settings: Any) -> FakeWhatsApp:
    fake = FakeWhatsApp(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    return fake


@pytest.fixture
def channel(world: World, fake_whatsapp: FakeWhatsApp) -> Channel:
    alice = Client()
    alice.force_login(world.alice)
    alice.post(connect_url(world), entered())
    listening.sources_sync(world.org)
    return Channel.objects.get(network="whatsapp")


def deliver(channel: Channel, payload: dict[str, Any], **headers: Any) -> Any:
    body = json.dumps(payload).encode()
    extra: dict[str, Any] = headers or signed(body)
    url = reverse("whatsapp_webhook", args=[channel.settings["webhook_key"]])
    # The receiver hands new events to the queue (run at once here) once they are committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client(HTTP_ACCEPT_LANGUAGE="en").post(
            url, body, content_type="application/json", **extra
        )


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


def test_a_text_message_comes_into_the_inbox_once_over_duplicate_deliveries(
    channel: Channel, processed: list[int]
) -> None:
    payload = webhook_delivery(text_message(WAMID, "Hebben jullie morgen nog een taart?"))
    assert deliver(channel, payload).status_code == 200
    assert deliver(channel, payload).status_code == 200  # Meta delivers again
    mention = Mention.objects.get()
    assert mention.remote_id == f"whatsapp/{CUSTOMER_WA_ID}/{WAMID}"
    assert mention.kind == "message"
    assert mention.author_name == CUSTOMER_NAME
    assert mention.text == "Hebben jullie morgen nog een taart?"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
    assert len(processed) == 1
    conversation = WhatsAppConnector.conversation_of(mention.remote_id)
    assert conversation == f"whatsapp/{CUSTOMER_WA_ID}/"


def test_a_wrong_signature_is_refused_with_nothing_stored(
    channel: Channel, processed: list[int]
) -> None:
    payload = webhook_delivery(text_message(WAMID, "Hallo"))
    body = json.dumps(payload).encode()
    assert deliver(channel, payload, **signed(body, "not-the-app-secret")).status_code == 403
    assert deliver(channel, payload, HTTP_X_FOO="1").status_code == 403
    assert not WebhookEvent.objects.exists() and not Mention.objects.exists()


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg"}}, "[Image received"),
        ({"type": "audio", "audio": {"id": "2", "voice": True}}, "[Voice message received"),
        ({"type": "location", "location": {"latitude": 51.05}}, "[Location shared"),
        ({"type": "reaction", "reaction": {"emoji": "👍"}}, "of type “reaction”"),
    ],
)
def test_other_message_types_are_stored_with_a_placeholder_naming_them(
    channel: Channel, processed: list[int], message: dict[str, Any], shown: str
) -> None:
    deliver(channel, webhook_delivery({"id": WAMID, **message}))
    assert shown in Mention.objects.get().text


def test_a_message_for_an_unknown_phone_number_id_is_stored_and_set_aside(
    channel: Channel, processed: list[int]
) -> None:
    payload = webhook_delivery(text_message(WAMID, "Hallo"), phone_number_id="999999999")
    assert deliver(channel, payload).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.DONE
    assert "No connected WhatsApp number" in event.error
    assert not Mention.objects.exists()


def test_a_signed_body_that_is_not_whatsapp_is_refused(
    channel: Channel, processed: list[int]
) -> None:
    assert deliver(channel, {"object": "page", "entry": []}).status_code == 400
    assert deliver(channel, {"nonsense": True}).status_code == 400
    assert not WebhookEvent.objects.exists()
