"""The time page, the Measure section and the download, in the reader's language."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from klankbord.accounts.models import User
from klankbord.analytics.tests.figures import item
from klankbord.test import World
from klankbord.timekeeping.models import AdSpend, ReturnSettings, TimeEntry
from klankbord.timekeeping.tests.helpers import plan_with_budget

URL = "/o/bakkerij-alice/tijd/"
MEASURE = "/o/bakkerij-alice/meten/"
NOW = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)


def speaking(world: World, language: str) -> Client:
    User.objects.filter(pk=world.alice.pk).update(language=language)
    client = Client()
    client.force_login(world.alice)
    return client


@pytest.fixture
def month(world: World) -> None:
    plan_with_budget(world.org, hours_per_week=2, hourly_cost=40, ad_spend=50)
    TimeEntry.objects.create(organisation=world.org, member=world.alice, activity="writing",
                             day=date(2026, 3, 10), minutes=90, note="=1+2")  # fmt: skip
    AdSpend.objects.create(organisation=world.org, start=date(2026, 3, 1), end=date(2026, 3, 20),
                           amount=Decimal(200))  # fmt: skip
    ReturnSettings.objects.create(organisation=world.org, value_per_lead=Decimal(500))
    item(world.org, datetime(2026, 3, 12, 9, tzinfo=UTC), is_lead=True)


@time_machine.travel(NOW, tick=False)
def test_the_time_page_in_dutch(world: World, month: None) -> None:
    page = speaking(world, "nl-be").get(URL).content.decode()
    assert "<h1>Bestede tijd</h1>" in page
    assert "Snel registreren voor vandaag" in page and "Schrijven" in page
    assert "Van 19 februari 2026 tot 20 maart 2026: 1:30 uur geregistreerd." in page
    assert "<summary>Timer</summary>" in page
    assert "Waaraan werk je?" in page


@time_machine.travel(NOW, tick=False)
def test_the_measure_section_in_french(world: World, month: None) -> None:
    page = speaking(world, "fr-be").get(MEASURE).content.decode()
    assert "Temps et rendement" in page
    # 1.5 hours at € 40 = € 60, € 200 of ads: € 260 of cost; one lead worth € 500.
    assert "60,00 €" in page or "€ 60,00" in page
    assert "€ 260,00" in page
    assert "Rendement : 240,00 € de plus que ce que cela a coûté." in page
    assert "aucun lien suivi" in page  # clicks: missing, not zero


@time_machine.travel(NOW, tick=False)
def test_the_measure_section_in_english_names_what_is_missing(world: World) -> None:
    client = speaking(world, "en")
    page = client.get(MEASURE).content.decode()
    assert 'id="time-return"' in page
    assert "No ad spend recorded for these days" in page
    assert "Say what a lead and a click are worth to you to see the return." in page
    assert "€ 0.00" not in page  # nothing known is never shown as zero


@time_machine.travel(NOW, tick=False)
def test_the_time_entries_download_as_csv_and_xlsx_with_formulas_neutralised(
    world: World, month: None
) -> None:
    client = speaking(world, "en")
    csv = client.get(URL + "export.csv?van=2026-03-01&tot=2026-03-31")
    assert csv["Content-Disposition"] == (
        'attachment; filename="klankbord-bakkerij-alice-time-2026-03-01-2026-03-31.csv"'
    )
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == '"Day","Member","Activity","Minutes","Hours","Source","Note"'
    assert text.splitlines()[1] == '"2026-03-10","Alice","Writing","90","1.5","Entered","\'=1+2"'
    xlsx = client.get(URL + "export.xlsx?van=2026-03-01&tot=2026-03-31")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    row = [cell.value for cell in sheet[2]]
    assert row[1:5] == ["Alice", "Writing", 90, 1.5]
    assert str(row[6]).startswith("'=")
    assert client.get(URL + "export.pdf").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_measure_section_downloads_with_unknown_figures_as_empty_cells(
    world: World, month: None
) -> None:
    client = speaking(world, "en")
    assert (
        'href="/o/bakkerij-alice/meten/tabel/return.xlsx?dagen=30"'
        in client.get(MEASURE).content.decode()
    )
    xlsx = client.get("/o/bakkerij-alice/meten/tabel/return.xlsx?dagen=30")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Time"] == (1.5, 60, None)
    assert rows["Ads"] == (None, 200, None)
    assert rows["Tools"] == (None, None, None)  # not in the plan: empty, not 0
    assert rows["Leads"] == (1, None, 260)
    assert rows["Link clicks"] == (None, None, None)
    assert rows["Return"] == (None, 240, None)
