"""Facebook and Instagram in a real browser, against the fake Graph API: connect both through
Facebook Login, publish one post with an image to both, see a comment and a direct message
arrive in the inbox, answer both, and hide the comment."""

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.facebook import INSTAGRAM_SCOPES
from klankbord.channels.tests.fakes.facebook import APP_ID, APP_SECRET, FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUBLIC = "https://klankbord.example.be"


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (205, 150, 90)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def through_our_site(live_server: Any) -> Any:
    """Meta downloads the image from the public address; here that is the test server."""

    def fetch(url: str) -> tuple[bytes, str]:
        assert url.startswith(PUBLIC + "/")
        response = httpx.get(live_server.url + url.removeprefix(PUBLIC))
        response.raise_for_status()
        return response.content, response.headers["content-type"]

    return fetch


def publish_due() -> None:
    """What the worker does when the beat says posts are due."""
    token, ids = scheduler.claim_due()
    for target_id in ids:
        scheduler.publish(target_id, token)


def poll_mentions(channel: Channel) -> None:
    sources.poll(Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS).pk)


def test_connect_publish_and_answer_on_facebook_and_instagram(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None, settings: Any,
    fake_facebook: FakeFacebook, tmp_path: Path,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.SITE_URL = live_server.url
    settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = fake_facebook.base_url
    fake_facebook.granted = sorted(set(fake_facebook.granted) | set(INSTAGRAM_SCOPES))
    fake_instagram = FakeInstagram(fake_facebook)
    fake_instagram.fetch = through_our_site(live_server)
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    services.facebook_app_save(
        organisation=world.org, app_id=APP_ID, app_secret=APP_SECRET, by=world.alice
    )
    log_in(page, "alice@bakkerij.test")

    # Connect the Page, then the Instagram account linked to it.
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.get_by_role("button", name="Connect Facebook").click()
    page.get_by_role("radio", name="Bakkerij Vandevelde", exact=True).check()
    page.get_by_role("button", name="Connect this Page").click()
    expect(page.locator("tr[data-network=facebook]")).to_contain_text("Bakkerij Vandevelde")
    page.get_by_role("button", name="Connect Instagram").click()
    page.get_by_role("radio", name=re.compile("@bakkerijvandevelde")).check()
    page.get_by_role("button", name="Connect this account").click()
    expect(page.locator("tr[data-network=instagram]")).to_contain_text("@bakkerijvandevelde")
    facebook = Channel.objects.get(network="facebook")
    instagram = Channel.objects.get(network="instagram")

    # One post with an image to both, published now; Meta fetches the image from the public
    # address.
    settings.SITE_URL = PUBLIC
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill("Verse kerststollen vanaf vandaag!")
    page.get_by_role("checkbox", name=re.compile("facebook")).check()
    page.get_by_role("checkbox", name=re.compile("instagram")).check()
    page.locator("#upload").set_input_files(str(jpeg(tmp_path / "stol.jpg")))
    page.locator(".image-row").get_by_role("textbox", name="Alt text").fill("Drie kerststollen")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator("#targets tr.target")).to_have_count(2)
    publish_due()
    page.reload()
    expect(page.locator("#targets tr.target[data-status=published]")).to_have_count(2)
    expect(page.locator("#targets .live-link")).to_have_count(2)
    facebook_post = PostTarget.objects.get(channel=facebook)
    (media,) = fake_instagram.published()
    assert media["caption"] == "Verse kerststollen vanaf vandaag!"
    assert fake_facebook.posts[facebook_post.remote_id]["message"] == media["caption"]

    # A comment on Facebook and a direct message on Instagram arrive in the inbox.
    comment = fake_facebook.add_comment(facebook_post.remote_id, "Hoe lang blijft een stol vers?")
    fake_instagram.add_message("Kan ik er twee reserveren voor zaterdag?")
    poll_mentions(facebook)
    poll_mentions(instagram)
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/")
    expect(page.locator("#inbox-list")).to_contain_text("Hoe lang blijft een stol vers?")
    expect(page.locator("#inbox-list")).to_contain_text("twee reserveren")

    # Answer the comment in public, then hide it.
    page.locator("li.inbox-item", has_text="stol vers").get_by_role("link").first.click()
    page.locator("#id_text").fill("Een week, in een doek gewikkeld.")
    page.get_by_role("button", name=re.compile("^Send")).click()
    expect(page.locator("section.replies")).to_contain_text("Sent")
    page.get_by_role("button", name="Hide the comment").click()
    expect(page.get_by_role("button", name="Show the comment again")).to_be_visible()
    assert fake_facebook.comments[comment["id"]]["is_hidden"] is True
    answers = [
        c["message"] for c in fake_facebook.comments.values() if c["parent"] == comment["id"]
    ]
    assert answers == ["Een week, in een doek gewikkeld."]

    # Answer the direct message, privately.
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/")
    page.locator("li.inbox-item", has_text="twee reserveren").get_by_role("link").first.click()
    expect(page.locator("#reply-form")).to_contain_text("direct message")
    page.locator("#id_text").fill("Ja hoor, ze liggen klaar op zaterdag.")
    page.get_by_role("button", name=re.compile("^Send")).click()
    expect(page.locator("section.replies")).to_contain_text("Sent")
    (conversation,) = fake_instagram.conversations.values()
    assert conversation["messages"][0]["message"] == "Ja hoor, ze liggen klaar op zaterdag."
