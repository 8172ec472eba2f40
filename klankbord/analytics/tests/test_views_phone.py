"""Views and saves on a phone, 360 pixels wide: the page does not scroll sideways, every
count of a best post keeps its name, and every chart's table keeps its column heads (en, fr, nl)."""

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from klankbord.analytics.tests.counted import counted_post
from klankbord.core.tests.conftest import log_in, translations
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["log_in", "translations"]


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


# Each figure of a chart's table with the name of its column: its visible head, or its data-label.
NAMELESS_CELLS = """table => {
  const heads = [...table.querySelectorAll('thead th')].map(h =>
    h.getBoundingClientRect().height > 0 ? h.textContent.trim() : '');
  const nameless = [];
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, column) => {
      const name = heads[column] || cell.dataset.label;
      if (!name) nameless.push(column + ': ' + cell.textContent.trim());
    });
  }
  return {heads: heads.length, rows: table.querySelectorAll('tbody tr').length, nameless};
}"""


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_every_chart_table_keeps_its_column_names_on_a_phone(
    browser: Any,
    live_server: Any,
    world: World,
    log_in: Callable[[Any, str], None],
    translations: None,
    language: str,
) -> None:
    now = timezone.now()
    for days in range(1, 30, 2):
        counted_post(world.org, now - timedelta(days=days), likes=days * 7, shares=3, replies=2,
                     views=days * 150, network="instagram")  # fmt: skip
    world.alice.language = language
    world.alice.save(update_fields=["language"])
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, world.alice.email)
    page.goto(f"{live_server.url}/o/{world.org.slug}/meten/")

    figures = page.locator("figure.chart-figure:has(details.chart-table)")
    assert figures.count() >= 2
    for number in range(figures.count()):
        figure = figures.nth(number)
        figure.locator("summary").click()
        found = figure.locator("table").evaluate(NAMELESS_CELLS)
        assert found["heads"] >= 2 and found["nameless"] == [], (figure.get_attribute("id"), found)
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (figure.get_attribute("id"), width)
    if os.environ.get("KLANKBORD_SCREENSHOT"):
        page.locator("figure.chart-figure").first.screenshot(
            path=os.environ["KLANKBORD_SCREENSHOT"]
        )
    context.close()
