"""The main pages keep to the Content-Security-Policy in a real browser, and still work.

Chromium reports every blocked script, style, image or form as a `securitypolicyviolation`
event; the watcher below is injected by Playwright, which the policy does not block.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.core.demo import demo_seed
from klankbord.inbox.models import Item
from klankbord.listening import sources
from klankbord.listening.models import Monitor, Source
from klankbord.publishing.models import PostTarget
from klankbord.publishing.tests.test_browser import drag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} on ${location.pathname}`);
});
"""


class Problems(list[str]):
    def watch(self, page: Any) -> None:
        page.expose_function("cspViolation", lambda text: self.append(text))
        page.add_init_script(WATCH)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.append(f"console: {message.text}")
                if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
                else None
            ),
        )


def test_the_main_pages_run_without_a_policy_violation(page: Any, live_server: Any) -> None:
    demo = demo_seed()
    org = demo.organisation
    for source in Source.objects.filter(organisation=org):
        sources.poll(source.pk)  # the practice network's mentions, as the worker reads them
    item = Item.objects.filter(organisation=org).first()
    assert item is not None
    monitor = Monitor.objects.filter(organisation=org).first()
    assert monitor is not None
    moved = PostTarget.objects.filter(
        post__organisation=org, status=PostTarget.Status.SCHEDULED
    ).first()
    assert moved is not None
    problems = Problems()
    problems.watch(page)
    site = live_server.url
    base = f"{site}/o/{org.slug}"

    def visit(path: str) -> None:
        page.goto(site + path if path.startswith("/") else f"{base}/{path}")
        page.wait_for_load_state("networkidle")

    visit("/login/")
    page.locator("#id_username").fill(demo.email)
    page.locator("#id_password").fill(demo.password)
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+/$"))
    page.wait_for_load_state("networkidle")

    # The composer counts as you type (htmx), each channel by its own rules.
    visit("publiceren/nieuw/")
    page.locator("input[name=channels]").first.check()
    page.locator("#id_text").fill("Verse croissants")
    expect(page.locator("#counters .counter-figure").first).to_have_text(re.compile(r"^16 / "))

    # The calendar moves a post by drag and drop.
    day = moved.scheduled_at.date()
    visit(f"kalender/?date={day.isoformat()}")
    later = (day + timedelta(days=1)).isoformat()
    with page.expect_response(lambda response: "/verplaatsen/" in response.url) as answer:
        drag(
            page,
            page.locator(f'li[data-target="{moved.pk}"]'),
            page.locator(f'ul.drop[data-date="{later}"]'),
        )
    assert answer.value.status == 200
    expect(
        page.locator(f'ul.drop[data-date="{later}"] li[data-target="{moved.pk}"]')
    ).to_have_count(1)

    # A select that applies itself (formerly an inline onchange).
    visit("publiceren/")
    page.locator("#status").select_option("scheduled")
    page.wait_for_url(re.compile(r"status=scheduled"))

    # The inbox's keys: j selects the first item.
    visit("inbox/")
    page.keyboard.press("j")
    expect(page.locator(".inbox-item.selected")).to_have_count(1)
    visit(f"inbox/{item.pk}/")

    visit("luisteren/")
    visit(f"luisteren/monitors/{monitor.pk}/")
    expect(page.locator("figure.trend svg.bars rect.day")).to_have_count(30)

    visit("meten/")
    visit("plan/")
    visit("plan/stap/1/")
    visit("plan/personeelsbeleid/nl/afdrukken/")
    visit("instellingen/kanalen/")

    # The two-factor QR code is a data: image, the one kind of image from elsewhere allowed.
    visit("/account/tweestapsverificatie/")
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0

    visit("/api/v1/docs/")
    expect(page.locator("#swagger-ui .info")).to_contain_text("Klankbord API")

    assert problems == []
