"""Client reports in a real browser on a phone: a schedule made through the form, a report
address copied and opened by someone without an account, in French."""

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klankbord.analytics.models import ClientReport
from klankbord.analytics.tests.counted import counted_post
from klankbord.core.tests.conftest import log_in, page_in_another_browser, translations
from klankbord.core.tests.test_browser import SCREENSHOTS
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["log_in", "page_in_another_browser", "translations"]
PHONE = {"width": 360, "height": 740}


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_manager_schedules_a_report_and_a_client_opens_its_address(
    page: Any,
    page_in_another_browser: Any,
    live_server: Any,
    world: World,
    log_in: Any,
    translations: None,
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    last_month = timezone.localdate().replace(day=1) - timedelta(days=20)
    moment = datetime(last_month.year, last_month.month, last_month.day, 9, 0, tzinfo=UTC)
    counted_post(world.org, moment, likes=14, text="Paasbrood is er weer")
    page.set_viewport_size(PHONE)
    log_in(page, "alice@bakkerij.test")

    page.goto(f"{live_server.url}/o/{world.org.slug}/meten/")
    page.locator("#measure-client-reports a").click()
    expect(page.locator("h1")).to_have_text("Klantrapporten")
    page.get_by_role("link", name="Nieuw klantrapport").click()
    page.get_by_label("Naam").fill("Voor Jan")
    page.get_by_label("Welke periode").select_option("custom")
    expect(page.locator(".field-starts_on")).to_be_visible()
    page.get_by_label("Welke periode").select_option("quarter")
    expect(page.locator(".field-starts_on")).to_be_hidden()  # dates only for chosen dates
    page.get_by_label("Versturen naar").fill("jan@klant.test\nniet-een-adres")
    page.get_by_label("Taal van het rapport").select_option("fr-be")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".field-recipients .error")).to_contain_text("niet-een-adres")
    page.get_by_label("Versturen naar").fill("jan@klant.test")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("#client-report-list")).to_contain_text("jan@klant.test")
    assert ClientReport.objects.get().language == "fr-be"
    assert fits(page)

    form = page.locator("#report-links form.form")
    form.get_by_label("Taal van de pagina").select_option("fr-be")
    form.get_by_role("button", name="Maak het adres").click()
    address = page.locator("#report-links input[readonly]").input_value()
    assert "/rapport/" in address
    if os.environ.get("KLANKBORD_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "client-reports-phone.png"), full_page=True)

    client = page_in_another_browser
    client.set_viewport_size(PHONE)
    client.goto(address)
    expect(client.locator("h1")).to_contain_text("Rapport")
    expect(client.locator("main")).to_contain_text("En bref")
    expect(client.locator("main")).to_contain_text("Paasbrood is er weer")
    assert fits(client)
    with client.expect_download() as download:
        client.get_by_role("link", name="Télécharger en PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.locator(".report-link form button.danger").click()
    expect(page.locator(".report-link")).to_have_count(0)
    assert client.goto(address).status == 404
