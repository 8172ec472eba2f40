"""The language page in a real browser: read a post, correct it, see the correction listed."""

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.core.tests.test_browser import SCREENSHOTS, background_work_is_running
from klankbord.test import World
from klankbord.understanding.models import Correction


def test_an_owner_reads_a_post_and_corrects_it(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/taal/")

    page.get_by_label("Bericht").fill("Iemand een goede bakker in de buurt van Leuven? 🙏")
    page.get_by_role("button", name="Lezen").click()

    reading = page.locator("section.reading")
    expect(reading.locator("[data-field=intents]")).to_contain_text("Lead")
    expect(reading.locator("[data-field=places]")).to_contain_text("Leuven (en omgeving)")
    expect(reading.locator("[data-field=language]")).to_have_text("Nederlands")
    if os.environ.get("KLANKBORD_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / "language.png"), full_page=True)

    reading.get_by_label("Sentiment").select_option("positive")
    reading.get_by_label("Lof").check()
    reading.get_by_role("button", name="Correctie bewaren").click()

    expect(page.locator("ul.messages")).to_contain_text("Bedankt")
    expect(page.locator("table.list")).to_contain_text("Iemand een goede bakker")
    correction = Correction.objects.get(organisation=world.org)
    assert correction.sentiment == "positive"
    assert "praise" in correction.intents and "lead" in correction.intents


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
