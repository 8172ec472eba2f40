"""The product in a real browser (Debian's Chromium driven by Playwright), through the UI only."""

import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klankbord.channels.networks.base import Profile
from klankbord.channels.services import channel_connect
from klankbord.core.demo import seed_plan
from klankbord.core.demo_results import seed_audience, seed_results
from klankbord.core.models import Heartbeat
from klankbord.orgs.models import Membership, Role
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
LogIn = Callable[[Any, str], None]


def background_work_is_running() -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name="worker:test@host", defaults={"kind": Heartbeat.Kind.WORKER, "seen_at": now}
    )
    Heartbeat.objects.update_or_create(
        name="beat", defaults={"kind": Heartbeat.Kind.BEAT, "seen_at": now}
    )


def open_settings_page(page: Any, name: str) -> None:
    """Settings in the top bar, then a page of the settings menu."""
    page.locator("nav.pillars a").last.click()
    page.locator("nav.subnav").get_by_role("link", name=name, exact=True).click()


def switch_organisation(page: Any, name: str) -> None:
    switcher = page.locator("#org-switcher")
    switcher.locator("summary").click()
    switcher.get_by_role("link", name=name).click()


def test_a_user_logs_in_in_dutch_switches_to_english_and_back(
    page: Any, live_server: Any, world: World, log_in: LogIn, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    log_in(page, "alice@bakkerij.test")
    nav = page.locator("nav.pillars")
    expect(page.locator("html")).to_have_attribute("lang", "nl-be")
    expect(nav.get_by_role("link", name="Publiceren")).to_be_visible()
    expect(nav.get_by_role("link", name="Instellingen")).to_be_visible()

    page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Publish")).to_be_visible()
    expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    world.alice.refresh_from_db()
    assert world.alice.language == "en"

    page.locator("#language-select").select_option("nl-be")
    expect(page.locator("html")).to_have_attribute("lang", "nl-be")
    expect(nav.get_by_role("link", name="Publiceren")).to_be_visible()
    expect(nav.get_by_role("link", name="Publish")).to_have_count(0)


def test_an_owner_creates_a_second_organisation_and_switches_between_both(
    page: Any, live_server: Any, world: World, log_in: LogIn
) -> None:
    log_in(page, "alice@bakkerij.test")
    expect(page.locator("h1")).to_have_text("Bakkerij Alice")

    switch_organisation(page, "New organisation")
    page.locator("#id_name").fill("Koffiebar Alice")
    page.locator("#id_timezone").select_option("Europe/Amsterdam")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Koffiebar Alice")
    expect(page.locator("#org-switcher summary")).to_have_text("Koffiebar Alice")
    expect(page.locator("main")).to_contain_text("Europe/Amsterdam")

    switch_organisation(page, "Bakkerij Alice")
    expect(page).to_have_url(re.compile(r"/o/bakkerij-alice/$"))
    expect(page.locator("h1")).to_have_text("Bakkerij Alice")
    expect(page.locator("#org-switcher summary")).to_have_text("Bakkerij Alice")

    switch_organisation(page, "Koffiebar Alice")
    expect(page.locator("h1")).to_have_text("Koffiebar Alice")
    assert Membership.objects.get(organisation__name="Koffiebar Alice").role == Role.OWNER


def test_an_owner_invites_a_member_who_accepts_in_another_browser(
    page: Any,
    page_in_another_browser: Any,
    live_server: Any,
    world: World,
    log_in: LogIn,
    mailoutbox: list[Any],
) -> None:
    log_in(page, "alice@bakkerij.test")
    open_settings_page(page, "Members")
    invite_form = page.locator("main form.form")
    invite_form.locator("#id_email").fill("nieuw@bakkerij.test")
    invite_form.locator("#id_role").select_option("contributor")
    invite_form.locator("button[type=submit]").click()
    expect(page.locator("#invitations")).to_contain_text("nieuw@bakkerij.test")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nieuw@bakkerij.test"]
    link = re.search(r"https?://\S+/uitnodiging/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    # The e-mail points at SITE_URL; the same path on the test server.
    newcomer = page_in_another_browser
    newcomer.goto(live_server.url + "/" + link.group(0).split("/", 3)[3])
    expect(newcomer.locator("h1")).to_contain_text("Bakkerij Alice")
    newcomer.locator("#id_name").fill("Nieuwe Collega")
    newcomer.locator("#id_password").fill("deeg kneden om zes uur")
    newcomer.locator("main form.form button[type=submit]").click()
    expect(newcomer).to_have_url(re.compile(r"/o/bakkerij-alice/$"))
    expect(newcomer.locator("h1")).to_have_text("Bakkerij Alice")

    page.reload()
    members = page.locator("#members")
    expect(members).to_contain_text("Nieuwe Collega")
    expect(members).to_contain_text("nieuw@bakkerij.test")
    row = members.locator("tr", has_text="nieuw@bakkerij.test")
    expect(row.locator("select[name=role]")).to_have_value("contributor")
    expect(page.locator("#invitations")).to_have_count(0)


def test_a_banner_warns_when_the_worker_has_stopped(
    page: Any, live_server: Any, world: World, log_in: LogIn
) -> None:
    background_work_is_running()
    log_in(page, "alice@bakkerij.test")
    expect(page.locator("h1")).to_have_text("Bakkerij Alice")
    expect(page.locator("#background-banner")).to_have_count(0)

    Heartbeat.objects.filter(name="worker:test@host").update(
        seen_at=timezone.now() - timedelta(minutes=10)
    )
    page.reload()
    banner = page.locator("#background-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("No worker is running")
    expect(banner).not_to_contain_text("beat scheduler")


@pytest.mark.skipif(
    os.environ.get("KLANKBORD_SCREENSHOTS") != "1",
    reason="screenshots for the README are taken only with KLANKBORD_SCREENSHOTS=1",
)
def test_screenshots_for_the_readme(
    page: Any, live_server: Any, world: World, log_in: LogIn, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    seed_plan(world.org, world.alice)
    practice = channel_connect(
        organisation=world.org, network="sandbox", by=world.alice,
        profile=Profile(
            external_id="sandbox-alice", handle="bakkerij-alice", display_name="Bakkerij Alice"
        ),
    )  # fmt: skip
    seed_results(world.org, world.alice, practice)
    seed_audience(world.org, practice)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    log_in(page, "alice@bakkerij.test")
    expect(page.locator("h1")).to_have_text("Bakkerij Alice")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))

    page.goto(f"{live_server.url}/o/{world.org.slug}/meten/")
    expect(page.locator("h1")).to_have_text("Meten")
    page.screenshot(path=str(SCREENSHOTS / "measure.png"), full_page=True)

    open_settings_page(page, "Leden")
    expect(page.locator("#members")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "members.png"))

    page.locator("nav.subnav").get_by_role("link", name="Kanalen", exact=True).click()
    expect(page.locator("h1")).to_be_visible()
    # The four network cards run below the fold; the README shows them whole.
    page.screenshot(path=str(SCREENSHOTS / "channels.png"), full_page=True)

    page.locator("nav.subnav").get_by_role("link", name="Achtergrondwerk", exact=True).click()
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "status.png"))
