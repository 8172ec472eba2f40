"""Measure in a real browser, as an owner uses it: choose the period, read the heat map's table,
time the work with the header's timer, download a table and the monthly PDF, and hand a client a
report address that opens in a browser nobody logged in to — until it is stopped."""

import io
import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from klankbord.analytics.models import ReportLink
from klankbord.analytics.tests.counted import counted_post
from klankbord.core.tests.conftest import log_in
from klankbord.test import World
from klankbord.timekeeping.models import RunningTimer, TimeEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["log_in"]


def _local_moment(world: World, days_ago: int, hour: int) -> datetime:
    """A moment `days_ago` days back at `hour`:10 in the organisation's time zone."""
    zone = zoneinfo.ZoneInfo(world.org.timezone)
    day = timezone.now().astimezone(zone).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, 10, tzinfo=zone)


def test_an_owner_measures_times_her_work_and_shares_a_report(
    browser: Any, live_server: Any, world: World, log_in: Callable[[Any, str], None]
) -> None:
    # Two posts six weeks back, outside the default 30 days, both at 10:10 on the same weekday.
    old = _local_moment(world, 45, 10)
    counted_post(world.org, old, likes=5, shares=2, text="Zuurdesem op zaterdag")
    counted_post(world.org, old + timedelta(minutes=20), likes=4, text="=SUM(A1:A9) taart")
    weekday = old.strftime("%A")

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, world.alice.email)
    measure = f"{live_server.url}/o/{world.org.slug}/meten/"
    page.goto(measure)
    assert page.locator("#chart-reaction_hours").count() == 0

    # The period: 90 days brings the two posts into the heat map, 11 reactions at 10:00.
    page.select_option("#what-works-days", "90")
    page.wait_for_url("**dagen=90**")
    heat = page.locator("#chart-reaction_hours")
    heat.locator("summary").click()
    row = heat.locator("tbody tr", has_text=weekday)
    assert row.locator("th").inner_text() == weekday
    assert row.locator("td").all_inner_texts() == ["10:00\u201311:00", "11"]
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner

    # The timer in the header: start on writing, still running after a page load, stop records.
    page.locator("#timer summary").click()
    page.select_option("#timer-activity", "writing")
    page.locator("#timer form.timer-start button").click()
    page.locator("#timer.timer-running").wait_for()
    assert RunningTimer.objects.get(organisation=world.org).activity == "writing"
    page.reload()
    assert "Writing" in page.locator("#timer summary").inner_text()
    page.locator("#timer summary").click()
    page.get_by_role("button", name="Stop and record").click()
    page.locator("#timer:not(.timer-running)").wait_for()
    entry = TimeEntry.objects.get(organisation=world.org)
    assert (entry.member_id, entry.activity, entry.source) == (world.alice.pk, "writing", "timer")
    assert not RunningTimer.objects.exists()

    # The best posts as XLSX: the period chosen on the page, a formula kept as text.
    with page.expect_download() as got:
        page.locator("#download-best-posts a", has_text="XLSX").click()
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    texts = [str(cell.value) for row in sheet.iter_rows(min_row=2) for cell in row]
    assert any("Zuurdesem op zaterdag" in text for text in texts)
    formula = next(text for text in texts if "SUM(A1:A9)" in text)
    assert not formula.startswith("=")

    # This month's PDF from the report section.
    page.goto(measure)
    # A PDF takes a few seconds to build; more on a busy machine.
    with page.expect_download(timeout=90_000) as got:
        page.locator("#measure-report a[download]").first.click()
    assert Path(got.value.path()).read_bytes()[:5] == b"%PDF-"

    # A report address for the client, for the dates of the old posts, in French.
    page.goto(f"{measure}klantrapporten/")
    form = page.locator("form[action$='klantrapporten/adressen/']")
    form.get_by_label("For whom").fill("Frituur Gust")
    form.get_by_label("Which period").select_option("custom")
    form.get_by_label("First day (chosen dates only)").fill(
        (old - timedelta(days=3)).date().isoformat()
    )
    form.get_by_label("Last day (chosen dates only)").fill(
        (old + timedelta(days=3)).date().isoformat()
    )
    form.get_by_label("Language of the page").select_option("fr-be")
    form.get_by_role("button", name="Make the address").click()
    link = ReportLink.objects.get(organisation=world.org)
    address = page.locator(f"#report-link-{link.pk}").input_value()
    assert address.startswith(live_server.url) and link.token_hash not in address

    client = browser.new_context(viewport={"width": 360, "height": 740})
    shared = client.new_page()
    answer = shared.goto(address)
    assert answer is not None and answer.status == 200
    assert shared.locator("html").get_attribute("lang", timeout=5_000).startswith("fr")
    assert shared.locator("h1").inner_text().startswith("Rapport du ")
    assert "Bakkerij Alice" in shared.content()
    assert "Zuurdesem op zaterdag" in shared.content()
    with shared.expect_download(timeout=90_000) as got:
        shared.locator("a[href$='/pdf/']").first.click()
    assert Path(got.value.path()).read_bytes()[:5] == b"%PDF-"
    link.refresh_from_db()
    assert link.views >= 1

    # Stopped: the same address now answers 404, as an unknown one would.
    page.get_by_role("button", name="Stop this address").click()
    page.wait_for_load_state()
    link.refresh_from_db()
    assert link.revoked_at is not None
    answer = shared.goto(address)
    assert answer is not None and answer.status == 404
    client.close()
    context.close()
