"""Views and saves on a phone, 360 pixels wide: the page does not scroll sideways and every
count of a best post keeps its name."""

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from klankbord.analytics.tests.counted import counted_post
from klankbord.core.tests.conftest import log_in
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["log_in"]


def test_views_and_saves_fit_a_phone(
    browser: Any, live_server: Any, world: World, log_in: Callable[[Any, str], None]
) -> None:
    now = timezone.now()
    for days, views, saves in [(1, 1_234_567, 12_345), (2, None, None), (3, 0, 3)]:
        counted_post(world.org, now - timedelta(days=days), likes=120, shares=45, replies=33,
                     quotes=2, views=views, saves=saves, network="instagram")  # fmt: skip
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, world.alice.email)
    page.goto(f"{live_server.url}/o/{world.org.slug}/meten/")

    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    cells = page.locator("#what-works-top tbody tr").first.locator("td[data-label]")
    labels = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert len(labels) == 8 and all(label.endswith(': "') for label in labels), labels
    if os.environ.get("KLANKBORD_SCREENSHOT"):
        page.locator("#what-works").screenshot(path=os.environ["KLANKBORD_SCREENSHOT"])
    context.close()
