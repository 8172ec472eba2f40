"""Klankbord on a phone, 360 pixels wide: no page scrolls sideways; on a laptop in French the
main menu keeps to one line."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.core.demo import demo_seed
from klankbord.inbox.models import Item
from klankbord.listening import sources
from klankbord.listening.models import Mention, Monitor, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TEXT = (
    "Kijk eens naar https://www.example.com/een/heel/lang/pad/zonder/spaties/"
    "bakkerij-vandevelde-klachtenformulier-en-nog-veel-meer?utm_source=klankbord&utm_medium=social"
    " en Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsbetriebsleiter"
)
PAGES = [
    "",
    "publiceren/nieuw/",
    "kalender/",
    "kalender/?view=week",
    "publiceren/",
    "inbox/",
    "inbox/{item}/",
    "inbox/instellingen/",
    "luisteren/",
    "luisteren/monitors/{monitor}/",
    "meten/",
    "tijd/",
    "tijd/kosten/",
    "plan/",
    "instellingen/kanalen/",
]


def page_width(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_every_page_fits_a_phone_and_the_french_menu_fits_a_laptop(
    browser: Any, live_server: Any, translations: None
) -> None:
    demo = demo_seed()
    org = demo.organisation
    for source in Source.objects.filter(organisation=org):
        sources.poll(source.pk)  # the practice network's mentions, as the worker reads them
    item = Item.objects.filter(organisation=org).first()
    monitor = Monitor.objects.filter(organisation=org).first()
    assert item is not None and monitor is not None
    Mention.objects.filter(pk=item.mention_id).update(text=LONG_TEXT)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(20_000)  # the first page of a busy test machine may be slow
    base = f"{live_server.url}/o/{org.slug}/"

    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(demo.email)
    page.locator("#id_password").fill(demo.password)
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+/$"))

    too_wide = {}
    for path in PAGES:
        page.goto(base + path.format(item=item.pk, monitor=monitor.pk))
        scroll_width, inner_width = page_width(page)
        if scroll_width > inner_width:
            too_wide[path] = scroll_width
    assert too_wide == {}, f"wider than the phone's {inner_width} pixels: {too_wide}"

    # The inbox's filters fold away on a phone, and open with one tap.
    page.goto(base + "inbox/")
    expect(page.locator("#inbox-filters")).to_be_hidden()
    page.locator("details.filter-box summary").click()
    expect(page.locator("#inbox-filters")).to_be_visible()

    page.set_viewport_size({"width": 1366, "height": 800})
    # A composer error spans the form's two columns; the text box keeps its width.
    page.goto(base + "publiceren/nieuw/")
    text_box = page.locator("#id_text")
    wide = text_box.bounding_box()["width"]
    text_box.fill("Verse croissants")
    page.locator("button[name=action][value=schedule]").click()
    errors = page.locator("#composer-errors")
    expect(errors).to_be_visible()
    form_width = page.locator("#composer").bounding_box()["width"]
    assert errors.bounding_box()["width"] == pytest.approx(form_width, abs=1)
    assert text_box.bounding_box()["width"] == pytest.approx(wide, abs=2)

    for language in ("fr-be", "nl-be", "en"):
        page.locator("#language-select").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        tops = page.locator("nav.pillars a").evaluate_all("links => links.map(a => a.offsetTop)")
        assert len(set(tops)) == 1, f"the {language} menu wraps: {tops}"
    context.close()
