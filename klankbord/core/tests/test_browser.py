"""The product in a real browser (Debian's Chromium driven by Playwright)."""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from klankbord.core.models import Heartbeat
from klankbord.orgs.models import Organisation
from klankbord.test import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/"))


def background_is_running() -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name="worker:browser@test", defaults={"kind": "worker", "seen_at": now}
    )
    Heartbeat.objects.update_or_create(name="beat", defaults={"kind": "beat", "seen_at": now})


def test_log_in_and_switch_language_to_english_and_back(
    page: Any, live_server: Any, world: World, compiled_translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save()
    log_in(page, live_server.url, "alice@bakkerij.test")
    assert page.locator("html").get_attribute("lang") == "nl-be"
    assert page.locator("nav.pillars").inner_text().count("Publiceren") == 1
    page.select_option("#language-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Publish" in page.locator("nav.pillars").inner_text()
    page.select_option("#language-select", "nl-be")
    page.wait_for_function("document.documentElement.lang === 'nl-be'")
    assert "Instellingen" in page.locator("nav.pillars").inner_text()


def test_create_a_second_organisation_and_switch_between_them(
    page: Any, live_server: Any, world: World
) -> None:
    log_in(page, live_server.url, "alice@bakkerij.test")
    page.click("#org-switcher summary")
    page.click("#org-switcher a[href='/organisaties/nieuw/']")
    page.fill("#id_name", "Koffiebar Alice")
    page.select_option("#id_timezone", "Europe/Amsterdam")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/koffiebar-alice/"))
    assert page.locator("h1").inner_text() == "Koffiebar Alice"
    page.click("#org-switcher summary")
    page.click(f"#org-switcher a[href='/o/{world.org.slug}/']")
    page.wait_for_url(re.compile(f"/o/{world.org.slug}/"))
    assert page.locator("h1").inner_text() == "Bakkerij Alice"
    assert Organisation.objects.filter(name="Koffiebar Alice").exists()


def test_an_owner_invites_a_member_who_accepts_in_another_browser(
    page: Any, browser: Any, live_server: Any, world: World
) -> None:
    log_in(page, live_server.url, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/leden/")
    page.fill("#id_email", "nieuw@bakkerij.test")
    page.select_option("#id_role", "contributor")
    page.locator("main form.form button[type=submit]").last.click()
    page.wait_for_selector("#invitations")
    link = re.search(r"http://\S+/uitnodiging/\S+/", mail.outbox[-1].body)
    assert link
    invite_path = "/" + link.group(0).split("/", 3)[3]

    other = browser.new_context(locale="nl-BE")
    newcomer = other.new_page()
    newcomer.goto(f"{live_server.url}{invite_path}")
    newcomer.fill("#id_name", "Nieuwe Collega")
    newcomer.fill("#id_password", "deeg kneden om zes uur")
    newcomer.locator("main form button[type=submit]").click()
    newcomer.wait_for_url(re.compile(f"/o/{world.org.slug}/"))
    assert newcomer.locator("h1").inner_text() == "Bakkerij Alice"
    other.close()

    page.reload()
    assert "nieuw@bakkerij.test" in page.locator("#members").inner_text()


def test_the_banner_warns_when_background_work_has_stopped(
    page: Any, live_server: Any, world: World
) -> None:
    background_is_running()
    log_in(page, live_server.url, "alice@bakkerij.test")
    assert page.locator("#background-banner").count() == 0
    Heartbeat.objects.filter(name="worker:browser@test").update(
        seen_at=timezone.now() - timedelta(minutes=10)
    )
    page.reload()
    banner = page.locator("#background-banner")
    assert banner.is_visible()
    assert "worker" in banner.inner_text().lower()


@pytest.mark.skipif(
    os.environ.get("KLANKBORD_SCREENSHOTS") != "1", reason="set KLANKBORD_SCREENSHOTS=1"
)
def test_screenshots_for_the_readme(
    page: Any, live_server: Any, world: World, compiled_translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save()
    background_is_running()
    log_in(page, live_server.url, "alice@bakkerij.test")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/leden/")
    page.screenshot(path=str(SCREENSHOTS / "members.png"), full_page=True)
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.screenshot(path=str(SCREENSHOTS / "channels.png"), full_page=True)
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/status/")
    page.screenshot(path=str(SCREENSHOTS / "status.png"))
