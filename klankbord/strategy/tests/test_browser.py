"""The plan in a real browser: an accountant's office in Gent fills in its plan from empty, step by
step, watches the health check turn green, and downloads the plan as a PDF."""

import io
import os
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from klankbord.core.tests.test_browser import SCREENSHOTS, background_work_is_running
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_from_empty_to_pdf_with_the_health_check_turning_green(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    background_work_is_running()
    plan = f"{live_server.url}/o/{world.org.slug}/plan/"
    log_in(page, "alice@bakkerij.test")

    page.goto(plan)
    green = health_in_order(page)
    assert green == 2  # an empty plan has no channel without audience and no promotion yet
    page.locator("a.button.primary[href$='/plan/stap/1/']").first.click()

    # 1. Goals and the self-check.
    tick(page, "goals", "leads")
    page.locator("[name=primary]").select_option("leads")
    page.locator("[name=hours_per_week]").fill("3")
    page.locator("[name=who]").fill("Els, office manager")
    page.locator("[name=mode][value=in_house]").check()
    page.locator("[name=internal_rate]").fill("55")
    green = save_and_check(page, plan, green, more=True)  # a goal and the time it gets

    # 2. Audiences.
    open_step(page, plan, 2)
    page.locator("[name=audiences-0-name]").fill("Zaakvoerders van kmo's rond Gent")
    page.locator("[name=audiences-0-area]").select_option("flanders")
    page.locator("[name=audiences-0-where]").fill("Gent en omgeving")
    page.locator("[name=audiences-0-age_from]").fill("30")
    page.locator("[name=audiences-0-age_to]").fill("65")
    page.locator("[name=audiences-0-kind][value=b2b]").check()
    tick(page, "audiences-0-online", "working_hours")
    green = save_and_check(page, plan, green, more=False)

    # 3. Positioning and tone.
    open_step(page, plan, 3)
    page.locator("[name=desired_image]").fill("De boekhouder die meedenkt")
    page.locator("[name=difference]").fill("Vaste contactpersoon, antwoord binnen de dag")
    page.locator("[name=address][value=u]").check()
    page.locator("[name=register][value=formal]").check()
    green = save_and_check(page, plan, green, more=False)

    # 4. Channels: the advice for a B2B audience names LinkedIn, with its source.
    open_step(page, plan, 4)
    expect(page.locator("main")).to_contain_text("LinkedIn")
    tick(page, "networks", "linkedin")
    green = save_and_check(page, plan, green, more=False)

    # 5. Content: more than promotion, and visuals planned.
    open_step(page, plan, 5)
    page.locator("[name=pillars-0-name]").fill("Fiscale tips")
    page.locator("[name=pillars-0-kind]").select_option("inform")
    page.locator("[name=pillars-0-share]").fill("70")
    tick(page, "formats_linkedin", "carousel")
    page.locator("[name=visual_style]").fill("Eigen foto's van het team, huisstijl in blauw")
    green = save_and_check(page, plan, green, more=True)

    # 6. Rhythm and who answers.
    open_step(page, plan, 6)
    page.locator("[name=per_week_linkedin]").fill("2")
    page.locator("[name=who_posts]").fill("Els")
    page.locator("[name=who_answers]").fill("Koen, zaakvoerder")
    page.locator("[name=response_minutes]").fill("240")
    green = save_and_check(page, plan, green, more=True)

    # 7. Budget.
    open_step(page, plan, 7)
    page.locator("[name=ad_spend]").fill("150")
    green = save_and_check(page, plan, green, more=False)

    # 8. KPIs with a target, a period and an evaluation date: all green.
    open_step(page, plan, 8)
    page.locator("[name=kpis-0-goal]").select_option("leads")
    page.locator("[name=kpis-0-indicator]").fill("aanvragen voor een kennismaking")
    page.locator("[name=kpis-0-target]").fill("6")
    page.locator("[name=kpis-0-period]").select_option("quarter")
    page.locator("[name=kpis-0-evaluate_on]").fill("2027-03-31")
    green = save_and_check(page, plan, green, more=True)
    assert green == 8
    expect(page.locator("#plan-steps .badge.ok")).to_have_count(8)  # every step complete
    expect(page.locator("#plan-health li.health-bad")).to_have_count(0)
    if os.environ.get("KLANKBORD_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "plan.png"), full_page=True)

    with page.expect_download() as download:
        page.locator(f"a[href='/o/{world.org.slug}/plan/pdf/']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(download.value.path())
    for written in ["Zaakvoerders van kmo's rond Gent", "Fiscale tips", "Koen, zaakvoerder",
                    "aanvragen voor een kennismaking", "LinkedIn"]:  # fmt: skip
        assert written in text


def health_in_order(page: Any) -> int:
    return int(page.locator("#plan-health li.health-ok").count())


def tick(page: Any, name: str, *values: str) -> None:
    for value in values:
        page.locator(f"[name='{name}'][value={value}]").check()


def open_step(page: Any, plan: str, number: int) -> None:
    page.goto(f"{plan}stap/{number}/")


def save_and_check(page: Any, plan: str, before: int, *, more: bool) -> int:
    """Saves the step, then reads the health check on the overview: greener, or as green."""
    page.locator("button[name=action][value=save]").click()
    expect(page.locator(".form-errors")).to_have_count(0)
    page.goto(plan)
    after = health_in_order(page)
    assert after > before if more else after == before, (before, after)
    return after


def pdf_text(path: Any) -> str:
    with open(path, "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    # Table cells wrap: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
