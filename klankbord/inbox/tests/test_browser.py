"""The inbox in a real browser: a negative question arrives, rises to the top without a reload,
is taken, answered with a saved reply through the fake Mastodon, and shows its response time."""

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.core.tests.test_browser import SCREENSHOTS, background_work_is_running
from klankbord.inbox.models import SavedReply
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_negative_question_is_answered_with_a_saved_reply(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    httpserver: HTTPServer,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    fake = FakeMastodon(httpserver)
    channel = connect_mastodon(world, fake)
    SavedReply.objects.create(
        organisation=world.org, title="Excuses", language="nl",
        text="Sorry {naam}, we bekijken het meteen en bellen je vandaag nog.",
    )  # fmt: skip
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    fake.add_mention("Bedankt voor het lekkere brood gisteren!", acct="fan@example.social")
    sources.poll(source.pk)

    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/")
    expect(page.locator("#inbox-list")).to_contain_text("lekkere brood")

    fake.add_mention("Waarom is mijn taart nog altijd niet geleverd?? Echt slecht.")
    sources.poll(source.pk)  # what a worker does when the beat says the source is due
    first = page.locator("li.inbox-item").first
    expect(first).to_contain_text("nog altijd niet geleverd", timeout=20_000)  # no reload
    expect(page).to_have_title("(2) Inbox · Klankbord")
    if os.environ.get("KLANKBORD_SCREENSHOTS") == "1":
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

    first.get_by_role("link").first.click()
    page.get_by_role("button", name="Neem het zelf").click()
    expect(page.locator("section.work h2")).to_contain_text("Toegewezen")
    page.get_by_label("Bewaard antwoord").select_option(label="Excuses (nl)")
    answer = "@klant@example.social Sorry klant, we bekijken het meteen en bellen je vandaag nog."
    expect(page.locator("#id_text")).to_have_value(answer)
    page.get_by_role("button", name="Verstuur als").click()
    expect(page.locator("section.work h2")).to_contain_text("Beantwoord")
    expect(page.locator("section.replies")).to_contain_text("Verstuurd")
    # Working minutes, or when the test runs while the bakery is closed, that it was closed.
    expect(page.locator(".first-response")).to_have_text(re.compile(r"\d+ min|openingsuren"))
    assert fake.published_texts()[-1] == answer
