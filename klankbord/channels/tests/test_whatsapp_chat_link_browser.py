"""The WhatsApp chat link page on a phone: it fits, shows the QR code and copies the link."""

from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.channels.models import Channel
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = "https://wa.me/32470123456?text=Hallo%2C%20een%20taart%20graag"


def test_on_a_phone_the_link_is_copied_and_the_code_shown(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    channel = Channel.objects.create(
        organisation=world.org, network="whatsapp", external_id="106540352242922",
        handle="+32 470 12 34 56", display_name="Bakkerij Janssens",
    )  # fmt: skip
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 360, "height": 800})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.locator(f"#whatsapp-link-{channel.pk} a").click()
    page.get_by_label("Vooraf ingevuld bericht (optioneel)").fill("Hallo, een taart graag")
    page.get_by_role("button", name="Link bijwerken").click()

    expect(page.locator("#whatsapp-link-url")).to_have_value(LINK)
    # Polled with evaluate: wait_for_function evaluates a string, which the CSP rightly forbids.
    loaded = "document.getElementById('whatsapp-qr').naturalWidth > 0"
    for _ in range(50):
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded), "the QR code did not load"
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), "the page is wider than a 360 px screen"
    copy = page.locator("button[data-copy]")
    expect(copy).to_have_text("Link kopiëren")
    copy.click()
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == LINK
    assert not [text for text in console if "Content-Security-Policy" in text], console
