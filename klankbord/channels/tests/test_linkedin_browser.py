"""LinkedIn in a real browser, against the fake LinkedIn: connect a page through LinkedIn's
window, publish a post with an image and every reserved character of LinkedIn's text format from
the composer, and see it arrive whole."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from klankbord.channels import services
from klankbord.channels.tests.fakes.linkedin import CLIENT_ID, CLIENT_SECRET, FakeLinkedIn
from klankbord.publishing import scheduler
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = "Kerststollen (vers!) [beperkt] {echt} <lekker> @bakker #brood *ster* _laag_ ~golf~ a|b"


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 627), (205, 150, 90)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def publish_due() -> None:
    """What the worker does when the beat says posts are due."""
    token, ids = scheduler.claim_due()
    for target_id in ids:
        scheduler.publish(target_id, token)


def test_connect_a_page_and_publish_every_reserved_character_whole(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    fake_linkedin: FakeLinkedIn, tmp_path: Path,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.SITE_URL = live_server.url
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    services.oauth_app_save(
        organisation=world.org,
        network="linkedin",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        by=world.alice,
    )
    log_in(page, "alice@bakkerij.test")

    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.get_by_role("button", name="Connect a LinkedIn page").click()
    page.get_by_role("radio", name="Bakkerij Vandevelde", exact=True).check()
    page.get_by_role("button", name="Connect this page").click()
    expect(page.locator("tr[data-network=linkedin]")).to_contain_text("Bakkerij Vandevelde")

    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill(TEXT)
    page.get_by_role("checkbox", name=re.compile("bakkerij-vandevelde")).check()
    page.locator("#upload").set_input_files(str(jpeg(tmp_path / "stol.jpg")))
    page.locator(".image-row").get_by_role("textbox", name="Alt text").fill("Drie kerststollen")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator("#targets tr.target")).to_have_count(1)
    publish_due()
    page.reload()
    expect(page.locator("#targets tr.target[data-status=published]")).to_have_count(1)
    expect(page.locator("#targets .live-link")).to_have_count(1)

    (post,) = fake_linkedin.posts.values()
    assert fake_linkedin.texts() == [TEXT]
    media = post["content"]["media"]
    assert media["altText"] == "Drie kerststollen"
    assert fake_linkedin.images[media["id"]]["content"].startswith(b"\xff\xd8\xff")
