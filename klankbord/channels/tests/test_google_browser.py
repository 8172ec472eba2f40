"""Google Business Profile in a real browser, against the fake Google: connect a location, see a
1-star review arrive at the top of the inbox as negative, answer it with a saved reply."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.google import CLIENT_ID, CLIENT_SECRET, FakeGoogle
from klankbord.inbox.models import SavedReply
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_google_and_answer_a_one_star_review_with_a_saved_reply(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    fake_google: FakeGoogle,
) -> None:  # fmt: skip
    settings.SITE_URL = live_server.url
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    services.oauth_app_save(
        organisation=world.org,
        network="google",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        by=world.alice,
    )
    SavedReply.objects.create(
        organisation=world.org,
        title="Excuses",
        text="Dag {naam}, het spijt ons echt. Kom langs, de koffie is van ons.",
    )
    log_in(page, "alice@bakkerij.test")

    # Connect: Google's consent, then choose the Ghent shop.
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.get_by_role("button", name="Connect Google Business Profile").click()
    page.get_by_role("checkbox", name=re.compile("Gent")).check()
    page.get_by_role("button", name="Connect these locations").click()
    expect(page.locator("tr[data-network=google]")).to_contain_text("Veldstraat 12")
    channel = Channel.objects.get(network="google")

    # A happy review and an angry one arrive; the angry one is first and negative.
    ghent = fake_google.location(0)
    fake_google.add_review(ghent, 5, "Heerlijke croissants!", reviewer="Jan Peeters")
    review = fake_google.add_review(
        ghent, 1, "Drie kwartier gewacht, niemand zei iets.", reviewer="Els Claes"
    )
    sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/")
    first = page.locator("li.inbox-item").first
    expect(first).to_contain_text("Drie kwartier gewacht")
    expect(first).to_contain_text("Negative")

    # Answer it with the saved reply, filled in with the reviewer's name.
    first.get_by_role("link").first.click()
    expect(page.locator("#review-stars")).to_contain_text("Review: 1 of 5 stars")
    page.locator("#saved-reply").select_option(label="Excuses")
    expect(page.locator("#id_text")).to_have_value(re.compile("^Dag Els, het spijt ons echt"))
    page.get_by_role("button", name=re.compile("^Send")).click()
    expect(page.locator("section.replies")).to_contain_text("Sent")
    assert fake_google.reply_of(review) == (
        "Dag Els, het spijt ons echt. Kom langs, de koffie is van ons."
    )
