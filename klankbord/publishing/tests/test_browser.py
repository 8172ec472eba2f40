"""Publishing in a real browser: compose for two channels with an image, schedule, drag in the
calendar, and see the post published on the fake Mastodon and Bluesky with links to it."""

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.bluesky import BlueskyConnector
from klankbord.channels.tests.fakes.bluesky import HANDLE, FakeBluesky
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.core.tests.test_browser import SCREENSHOTS, background_work_is_running
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = PostTarget.Status


@pytest.fixture
def fakes() -> Iterator[tuple[FakeMastodon, FakeBluesky]]:
    servers = [HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)]
    for server in servers:
        server.start()
    yield FakeMastodon(servers[0]), FakeBluesky(servers[1])
    for server in servers:
        server.clear()
        server.stop()


def connect(world: World, mastodon: FakeMastodon, bluesky: FakeBluesky) -> tuple[Channel, Channel]:
    on_mastodon = Channel.objects.create(
        organisation=world.org,
        network="mastodon",
        external_id=mastodon.account["id"],
        handle="@bakkerij@mastodon.fake",
        base_url=mastodon.base_url,
        secrets={"access_token": mastodon.issue_token()},
    )
    profile, secrets = BlueskyConnector.log_in(
        handle=HANDLE, app_password=bluesky.app_password, pds=bluesky.base_url, allow_loopback=True
    )
    on_bluesky = Channel.objects.create(
        organisation=world.org,
        network="bluesky",
        external_id=profile.external_id,
        handle=profile.handle,
        base_url=bluesky.base_url,
        secrets=secrets,
    )
    return on_mastodon, on_bluesky


def days_for_the_test(zone: str) -> tuple[date, date]:
    """A day to schedule on and the next day, both in one month so one month view shows both."""
    first = timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    if (first + timedelta(days=1)).month != first.month:
        first += timedelta(days=1)
    return first, first + timedelta(days=1)


def drag(page: Any, item: Any, target: Any) -> None:
    """A slow mouse drag, as a person does it (the calendar's drag library follows the pointer)."""
    item.scroll_into_view_if_needed()
    start, end = item.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 20, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=15)
    page.mouse.up()


def test_compose_schedule_drag_and_publish(
    page: Any,
    live_server: Any,
    world: World,
    log_in: Any,
    fakes: tuple[FakeMastodon, FakeBluesky],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    mastodon, bluesky = fakes
    on_mastodon, on_bluesky = connect(world, mastodon, bluesky)
    background_work_is_running()
    picture = tmp_path / "desembrood.png"
    Image.new("RGB", (1200, 900), (190, 150, 90)).save(picture)
    day, next_day = days_for_the_test(world.org.timezone)

    log_in(page, "alice@bakkerij.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publish").click()
    page.get_by_role("link", name="New post").first.click()
    page.locator("#id_text").fill(
        "Vers desembrood vanaf 7 uur! 🍞 #bakkerij https://bakkerij-alice.be/desem"
    )
    page.get_by_role("checkbox", name="@bakkerij@mastodon.fake").check()
    page.get_by_role("checkbox", name=on_bluesky.handle).check()

    # Each channel is counted by its own rules: Mastodon counts the link as 23, Bluesky in full.
    counters = page.locator("#counters")
    expect(counters.locator('[data-network="mastodon"] .counter-figure')).to_have_text("64 / 500")
    expect(counters.locator('[data-network="bluesky"] .counter-figure')).to_have_text("72 / 300")

    page.locator("#upload").set_input_files(str(picture))
    row = page.locator(".image-row")
    expect(row).to_have_count(1)
    expect(counters).to_contain_text("1 image has no alt text yet.")
    row.get_by_role("textbox", name="Alt text").fill("Drie desembroden op een houten toog")
    expect(counters).not_to_contain_text("no alt text")

    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_time").fill("10:00")
    page.get_by_role("button", name="Schedule").click()
    targets = page.locator("#targets tr.target")
    expect(targets).to_have_count(2)
    expect(targets.locator('[data-status="scheduled"]')).to_have_count(2)

    # Drag the Mastodon post one day later in the month view.
    moved = PostTarget.objects.get(channel=on_mastodon)
    page.get_by_role("link", name="Calendar").first.click()
    page.goto(f"{page.url}?date={day.isoformat()}")
    item = page.locator(f'li[data-target="{moved.pk}"]')
    expect(page.locator(f'ul.drop[data-date="{day.isoformat()}"] li')).to_have_count(2)
    with page.expect_response(lambda response: "/verplaatsen/" in response.url) as answer:
        drag(page, item, page.locator(f'ul.drop[data-date="{next_day.isoformat()}"]'))
    assert answer.value.status == 200
    expect(
        page.locator(f'ul.drop[data-date="{next_day.isoformat()}"] li[data-target="{moved.pk}"]')
    ).to_have_count(1)
    moved.refresh_from_db()
    assert moved.scheduled_at is not None
    local = moved.scheduled_at.astimezone(ZoneInfo(world.org.timezone))
    assert (local.date(), local.hour, local.minute) == (next_day, 10, 0)

    # Time passes: the scheduler publishes both to the fakes, exactly as the worker would.
    PostTarget.objects.update(due_at=timezone.now())
    token, ids = scheduler.claim_due()
    assert (
        sorted(scheduler.publish(target_id, token) for target_id in ids) == [Status.PUBLISHED] * 2
    )

    item = page.locator(f'li[data-target="{moved.pk}"] a')
    item.click()
    expect(targets.locator('[data-status="published"]')).to_have_count(2)
    links = page.locator("a.live-link")
    expect(links).to_have_count(2)
    hrefs = {links.nth(n).get_attribute("href") for n in range(2)}
    assert any(href.startswith(mastodon.base_url) for href in hrefs)
    assert any("bsky.app/profile/" in href for href in hrefs)

    # Both networks got the image with its description, and the text exactly once.
    status = next(iter(mastodon.statuses.values()))
    assert status["media_attachments"][0]["description"] == "Drie desembroden op een houten toog"
    [record] = bluesky.our_posts()
    assert record["embed"]["images"][0]["alt"] == "Drie desembroden op een houten toog"
    assert mastodon.published_texts() == [record["text"]]


@pytest.mark.skipif(
    os.environ.get("KLANKBORD_SCREENSHOTS") != "1",
    reason="screenshots for the README are taken only with KLANKBORD_SCREENSHOTS=1",
)
def test_screenshots_of_publishing(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    zone = ZoneInfo(world.org.timezone)
    channels = [
        Channel.objects.create(
            organisation=world.org, network=network, external_id=handle, handle=handle
        )
        for network, handle in [
            ("mastodon", "@bakkerij@mastodon.social"),
            ("bluesky", "bakkerij-alice.bsky.social"),
        ]
    ]
    owner = world.org.memberships.get(user=world.alice)
    today = timezone.now().astimezone(zone).date()
    for offset, text in [
        (1, "Verse desembroden vanaf 7 uur 🍞"),
        (3, "Nieuw: speculaastaart voor Sinterklaas"),
        (8, "Zaterdag proeverij van kerststollen"),
    ]:
        post = post_create(organisation=world.org, author=world.alice, text=text, channels=channels)
        moment = datetime.combine(today + timedelta(days=offset), time(9, 30), tzinfo=zone)
        post_schedule(post=post, at=moment, by=owner)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, "alice@bakkerij.test")
    page.goto(live_server.url + f"/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill(
        "Vanaf morgen: ons wintermenu met warme chocomelk en Luikse wafels ☕🧇 #Leuven #bakkerij "
        "https://bakkerij-alice.be/winter"
    )
    for checkbox in page.locator("input[name=channels]").all():
        checkbox.check()
    expect(page.locator("#counters li")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "composer.png"), full_page=True)

    page.goto(live_server.url + f"/o/{world.org.slug}/kalender/")
    expect(page.locator("li.item").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "calendar.png"), full_page=True)
