"""The composer as a new user meets it: a refused "Schedule" keeps everything on one post, and
editing a scheduled post keeps its date in every language."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from klankbord.channels.models import Channel
from klankbord.publishing.models import Post, PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tomorrow(world: World) -> str:
    local = timezone.now().astimezone(ZoneInfo(world.org.timezone))
    return (local.date() + timedelta(days=1)).isoformat()


def test_a_refused_schedule_keeps_one_post_with_its_image(
    page: Any, live_server: Any, world: World, log_in: Any, sandbox: Channel, tmp_path: Path
) -> None:
    picture = tmp_path / "taart.png"
    Image.new("RGB", (800, 600), (200, 120, 80)).save(picture)
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill("Verse appeltaart vanaf vrijdag!")
    page.get_by_role("checkbox", name=sandbox.handle).check()
    page.locator("#upload").set_input_files(str(picture))
    expect(page.locator(".image-row")).to_have_count(1)
    page.locator("#id_date").fill(tomorrow(world))
    page.locator("#id_time").fill("09:30")

    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#composer-errors")).to_contain_text("alt text")
    assert not Post.objects.exists()  # refused: nothing stored behind the user's back
    expect(page.locator("#id_text")).to_have_value("Verse appeltaart vanaf vrijdag!")
    expect(page.get_by_role("checkbox", name=sandbox.handle)).to_be_checked()
    expect(page.locator("#id_date")).to_have_value(tomorrow(world))
    expect(page.locator("#id_time")).to_have_value("09:30")

    page.locator(".image-row").get_by_role("textbox", name="Alt text").fill("Een appeltaart")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#targets tr.target")).to_have_count(1)

    post = Post.objects.get()
    assert [image.alt_text for image in post.images.all()] == ["Een appeltaart"]
    assert post.targets.get().status == PostTarget.Status.SCHEDULED


def test_a_time_in_the_past_is_refused_without_a_leftover_draft(
    page: Any, live_server: Any, world: World, log_in: Any, sandbox: Channel
) -> None:
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill("Gisteren was het feest")
    page.get_by_role("checkbox", name=sandbox.handle).check()
    page.locator("#id_date").fill("2020-01-01")
    page.locator("#id_time").fill("10:00")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#composer-errors")).to_be_visible()
    assert not Post.objects.exists()

    page.locator("#id_date").fill(tomorrow(world))
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#targets tr.target")).to_have_count(1)
    assert Post.objects.count() == 1


@pytest.mark.parametrize("language", ["nl-be", "nl", "fr-be"])
def test_editing_a_scheduled_post_keeps_its_date_in_every_language(
    page: Any, live_server: Any, world: World, log_in: Any, sandbox: Channel, language: str
) -> None:
    world.alice.language = language
    world.alice.save()
    local = timezone.now().astimezone(ZoneInfo(world.org.timezone)) + timedelta(days=3)
    at = local.replace(hour=11, minute=15, second=0, microsecond=0)
    post = post_create(
        organisation=world.org, author=world.alice, text="Kerststol bestellen", channels=[sandbox]
    )
    post_schedule(post=post, at=at, by=world.alice.memberships.get())

    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/{post.pk}/bewerken/")
    expect(page.locator("#id_date")).to_have_value(at.date().isoformat())
    expect(page.locator("#id_time")).to_have_value("11:15")
    page.locator("#composer button[value=schedule]").click()
    expect(page.locator("#targets tr.target")).to_have_count(1)
    assert post.targets.get().scheduled_at == at
