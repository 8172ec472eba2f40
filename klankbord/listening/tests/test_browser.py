"""Listening in a real browser: a monitor with its preview, mentions arriving from a source,
and the digest e-mail whose link leads back into Klankbord."""

import os
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from klankbord.channels.models import Channel
from klankbord.core.tests.test_browser import SCREENSHOTS, background_work_is_running
from klankbord.listening import alerts, services, sources
from klankbord.listening.models import AlertRule, Source
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_monitor_hears_the_sandbox_and_the_digest_leads_back(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="sandbox-alice",
        handle="bakkerij-alice", settings={"display_name": "Bakkerij Alice"},
    )  # fmt: skip
    log_in(page, "alice@bakkerij.test")

    page.goto(f"{live_server.url}/o/{world.org.slug}/luisteren/monitors/nieuw/")
    page.get_by_label("Naam").fill("Bakkerij")
    page.get_by_label("Zoekvraag").fill("(bakker OR brood")
    expect(page.locator("#preview [role=alert]")).to_contain_text("Haakje niet gesloten")
    page.get_by_label("Zoekvraag").fill("bakker* OR brood* OR pistolets")
    expect(page.locator("#preview h2")).to_contain_text("0 bewaarde vermeldingen")
    page.get_by_role("button", name="Monitor bewaren").click()
    expect(page.locator("h1")).to_contain_text("Bakkerij")

    # What a worker does when the beat says the source is due.
    services.sources_sync(world.org)
    source = Source.objects.get(organisation=world.org, kind=Source.Kind.MENTIONS)
    sources.poll(source.pk)
    page.reload()
    expect(page.locator("ul.mentions")).to_contain_text("Iemand een goede bakker")
    page.get_by_label("Bedoeling").select_option("lead")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("ul.mentions li.mention")).to_have_count(1)
    if os.environ.get("KLANKBORD_SCREENSHOTS") == "1":
        page.get_by_label("Bedoeling").select_option("")
        page.get_by_role("button", name="Filter").click()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / "listening.png"), full_page=True)

    AlertRule.objects.filter(membership__user=world.alice).update(last_digest_on=None)
    tomorrow_morning = timezone.now() + timedelta(days=1)
    tomorrow_morning = tomorrow_morning.replace(hour=8)
    alerts.send_digests(tomorrow_morning - timedelta(hours=1))
    [digest] = [m for m in mail.outbox if "overzicht" in m.subject]
    link = re.search(r"http://\S+/luisteren/", digest.body)
    assert link is not None
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Luisteren")
    expect(page.locator("#monitors")).to_contain_text("Bakkerij")
