"""A WhatsApp customer answered a day too late, on a phone-sized screen: the inbox offers the
approved templates instead of the text box, the one in the customer's language open; the preview
fills in as the variables are typed, and the template goes out through the fake Cloud API."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import FakeWhatsApp

# The fake Cloud API, a connected number and a customer's message, as for text answers.
from klankbord.channels.tests.test_whatsapp_replies import customer_item
from klankbord.channels.tests.whatsapp_setup import channel, fake
from klankbord.listening.models import Mention
from klankbord.test import World

__all__ = ["channel", "fake"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FILLED = "Dag Els, we verwachten je op dinsdag om 10 uur in de bakkerij. Tot dan!"


def test_a_late_answer_goes_out_as_a_template_on_a_phone(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    channel: Channel, fake: FakeWhatsApp,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    item = customer_item(channel, fake)
    Mention.objects.update(published_at=timezone.now() - timedelta(hours=25), language="nl")
    page.set_viewport_size({"width": 360, "height": 800})

    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/{item.pk}/")

    expect(page.locator("#wa-window-closed")).to_be_visible()
    expect(page.locator("#reply-form")).to_have_count(0)
    reminder = page.locator("details.wa-template").filter(
        has=page.locator("input[value='afspraak_herinnering:nl']")
    )
    expect(reminder).to_have_attribute("open", "")  # in the customer's language, ready
    reminder.get_by_label("Tekst: {{1}}").fill("Els")
    reminder.get_by_label("Tekst: {{2}}").fill("dinsdag om 10 uur")
    expect(reminder.locator(".template-preview")).to_have_text(FILLED)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), "the page is wider than a 360 px screen"

    reminder.get_by_role("button", name="Sjabloon versturen als").click()

    expect(page.locator("section.replies")).to_contain_text(FILLED)
    expect(page.locator("section.replies")).to_contain_text("Verstuurd")
    assert [m["text"] for m in fake.sent] == [FILLED]
