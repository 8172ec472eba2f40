"""Share of voice and engagement rates on a phone, 360 pixels wide: nothing scrolls sideways, each
figure keeps its name, and the chart's figures can be read as a table."""

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.test_share_of_voice import monitor, said
from klankbord.core.tests.conftest import log_in
from klankbord.listening.models import Monitor
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["log_in"]


def test_share_of_voice_fits_a_phone(
    browser: Any, live_server: Any, world: World, log_in: Callable[[Any, str], None]
) -> None:
    now = timezone.now()
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert uit Kessel-Lo", Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis Heverlee", Monitor.Kind.COMPETITOR)
    for days in range(1, 20, 3):
        said(world.org, now - timedelta(days=days), brand, sentiment="positive")
        said(world.org, now - timedelta(days=days + 1), rival, sentiment="negative")
    counted_post(world.org, now - timedelta(days=1), likes=12, views=200, network="instagram")
    counted_post(world.org, now - timedelta(days=2), likes=3, network="mastodon")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, world.alice.email)
    page.goto(f"{live_server.url}/o/{world.org.slug}/meten/")

    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    cells = page.locator("#share-of-voice-table tbody tr").first.locator("td[data-label]")
    labels = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert len(labels) == 6 and all(label.endswith(': "') for label in labels), labels
    rate = page.locator("#what-works-channels td.engagement-rate").first
    assert rate.evaluate("c => getComputedStyle(c, '::before').content") == '"Engagement rate: "'
    figure = page.locator("#chart-share_of_voice")
    figure.locator("summary").click()
    assert figure.locator("table tbody tr").count() >= 3  # a row per week
    # Its figures stay a grid with the sides' names as column heads.
    assert figure.locator("thead").evaluate("h => getComputedStyle(h).display") != "none"
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    if os.environ.get("KLANKBORD_SCREENSHOT"):
        page.locator("#share-of-voice").screenshot(path=os.environ["KLANKBORD_SCREENSHOT"])
    context.close()
