"""WhatsApp in a real browser: a customer's question comes in by signed webhook and shows in the
open inbox without a reload, is taken, answered with a saved reply through the fake Cloud API, and
WhatsApp's delivered and read statuses show beside the answer as they arrive, with the response
time counted."""

import re
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    post_signed,
    status_delivery,
    status_object,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_connect import connect_url, entered
from klankbord.core.tests.test_browser import background_work_is_running
from klankbord.inbox import views as inbox_views
from klankbord.inbox.models import Reply, SavedReply
from klankbord.listening import services as listening
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUESTION = "wamid.HBgLMzI0NzU5ODc2NTQVAgASGBQ5QkE3RjQ2MDFBQzBBMDZCNUQA"


def processed_at_once(ids: list[int]) -> None:
    """What the worker does with each new event, here in the request that stored it."""
    for event_id in ids:
        meta_webhooks.event_process(event_id)


def shown(unix: float, world: World) -> str:
    """The hour and minute the organisation's clock said then."""
    local = datetime.fromtimestamp(int(unix), tz=UTC).astimezone(ZoneInfo(world.org.timezone))
    return local.strftime("%H:%M")


def test_a_whatsapp_question_is_answered_and_its_delivery_and_reading_show(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    fake = FakeWhatsApp(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    monkeypatch.setattr(meta_webhooks, "_enqueue", processed_at_once)
    monkeypatch.setattr(inbox_views, "REFRESH_SECONDS", 1)  # the list and the thread ask often
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    owner = Client()
    owner.force_login(world.alice)
    owner.post(connect_url(world), entered())
    listening.sources_sync(world.org)
    channel = Channel.objects.get(network="whatsapp")
    webhook = live_server.url + reverse("whatsapp_webhook", args=[channel.settings["webhook_key"]])
    answer = "Dag! Je taart ligt klaar vanaf 10 uur."
    SavedReply.objects.create(organisation=world.org, title="Bestelling klaar", text=answer)

    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/")

    # The customer writes; Meta pushes it, signed.
    fake.customer_wrote(CUSTOMER_WA_ID)
    question = webhook_delivery(text_message(QUESTION, "Is mijn verjaardagstaart al klaar?"))
    assert post_signed(webhook, question).status_code == 200
    row = page.locator("li.inbox-item", has_text="verjaardagstaart")
    expect(row).to_be_visible()  # no reload

    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Neem het zelf").click()
    expect(page.locator("section.work h2")).to_contain_text("Toegewezen")
    page.get_by_label("Bewaard antwoord").select_option(label="Bestelling klaar")
    expect(page.locator("#id_text")).to_have_value(answer)
    page.get_by_role("button", name="Verstuur als").click()
    expect(page.locator("section.work h2")).to_contain_text("Beantwoord")
    expect(page.locator("#replies")).to_contain_text("Verstuurd")
    # Working minutes, or when the test runs while the bakery is closed, that it was closed.
    expect(page.locator(".first-response")).to_have_text(re.compile(r"\d+ min|openingsuren"))
    (sent,) = fake.sent
    assert sent["text"] == answer

    # WhatsApp tells us it reached the phone, then that it was read: the thread follows.
    delivered_at = time.time()
    delivered = status_delivery(status_object(sent, "delivered", at=delivered_at))
    assert post_signed(webhook, delivered, secret="not-the-app-secret").status_code == 403
    assert post_signed(webhook, delivered).status_code == 200
    expect(page.locator("#replies .receipt-delivered")).to_contain_text(
        f"Afgeleverd {datetime.now(ZoneInfo(world.org.timezone)).day}"
    )
    expect(page.locator("#replies .receipt-delivered")).to_contain_text(shown(delivered_at, world))
    read_at = delivered_at + 60
    assert post_signed(webhook, status_delivery(status_object(sent, "read", at=read_at))).is_success
    expect(page.locator("#replies .receipt-read")).to_contain_text(shown(read_at, world))
    expect(page.locator("#replies .receipt-read")).to_contain_text("Gelezen")
    expect(page.locator("#replies")).not_to_have_attribute("hx-get", re.compile(".+"))
    reply = Reply.objects.get()
    assert reply.delivered_at is not None and reply.read_at is not None
