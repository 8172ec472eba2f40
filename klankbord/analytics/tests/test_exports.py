"""Every table of the Measure page as CSV and XLSX: neutralised cells, numbers as numbers,
moments in the organisation's zone, headers in the reader's language, one organisation only."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from klankbord.analytics.tables import TABLES
from klankbord.analytics.tests.counted import counted_post
from klankbord.core.tests.conftest import translations
from klankbord.test import World

pytestmark = pytest.mark.django_db
__all__ = ["translations"]
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 19:00 in Brussels (winter time)
HOSTILE = '=HYPERLINK("https://evil.example","klik")'


@pytest.fixture(autouse=True)
def now() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def posts(world: World) -> None:
    for n in range(3):
        counted_post(world.org, TUESDAY + timedelta(days=n), pillar="Tips", likes=4, views=10)
    counted_post(world.org, TUESDAY, pillar=HOSTILE, text="@bakker -5 korting", likes=9)


def url(world: World, table: str, fmt: str, days: str = "30") -> str:
    return reverse("measure_table", args=[world.org.slug, table, fmt]) + f"?dagen={days}"


def csv_rows(response: object) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response: object) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    sheet = book.active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_a_table_downloads_as_csv_with_the_period_in_its_name(
    world: World, alice_client: Client, posts: None
) -> None:
    response = alice_client.get(url(world, "pillars", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="klankbord-{world.org.slug}-pillars-2026-03-02-2026-03-31.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Content pillar", "Posts", "Reactions", "Reactions per post", "Clicks",
        "Engagement rate (%)",
    ]  # fmt: skip
    assert rows[1] == ["Tips", "3", "12", "4.0", "", "40.0"]  # 12 reactions of 30 views
    # A pillar that reads as a formula stays text; without views its rate stays empty.
    assert rows[2] == ["'" + HOSTILE, "1", "9", "9.0", "", ""]


def test_the_xlsx_has_numbers_as_numbers_and_text_that_cannot_run(
    world: World, alice_client: Client, posts: None
) -> None:
    response = alice_client.get(url(world, "pillars", "xlsx", days="90"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'pillars-2026-01-01-2026-03-31.xlsx"' in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0][:5] == ("Content pillar", "Posts", "Reactions", "Reactions per post", "Clicks")
    assert rows[1] == ("Tips", 3, 12, 4, None, 40)
    assert rows[2][0] == "'" + HOSTILE
    assert not any(str(value).startswith("=") for row in rows for value in row)


def test_the_best_posts_carry_their_moment_in_the_organisations_zone(
    world: World, alice_client: Client, posts: None
) -> None:
    rows = xlsx_rows(alice_client.get(url(world, "best-posts", "xlsx")))
    assert rows[0][:3] == ("Published", "Channel", "Post")
    best = rows[1]
    assert best[0] == datetime(2026, 3, 10, 19, 0)  # 18:00 UTC is 19:00 in Brussels
    assert best[2] == "'@bakker -5 korting"  # @ starts a formula in some spreadsheets
    assert best[8] == 9 and best[9] is None  # reactions; views not given stay empty
    assert best[12] is None  # and so does the engagement rate: unknown, not 0 %
    assert rows[2][9] == 10 and rows[2][12] == 40  # 4 reactions of 10 views
    csv_best = csv_rows(alice_client.get(url(world, "best-posts", "csv")))[1]
    assert csv_best[0] == "2026-03-10 19:00"


def test_headers_are_in_the_readers_language(
    world: World, alice_client: Client, posts: None, translations: None
) -> None:
    world.alice.language = "fr-be"
    world.alice.save(update_fields=["language"])
    header = csv_rows(alice_client.get(url(world, "channels", "csv")))[0]
    assert header[:2] == ["Canal", "Publications"]
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    in_dutch = xlsx_rows(alice_client.get(url(world, "channels", "xlsx")))[0]
    assert in_dutch[:2] == ("Kanaal", "Berichten")


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_downloads(
    world: World, alice_client: Client, posts: None, table: str, fmt: str
) -> None:
    response = alice_client.get(url(world, table, fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_the_page_links_to_the_downloads(world: World, alice_client: Client, posts: None) -> None:
    page = alice_client.get(reverse("measure", args=[world.org.slug]) + "?dagen=90")
    assert url(world, "channels", "xlsx", days="90") in page.content.decode()
    assert url(world, "best-posts", "csv", days="90") in page.content.decode()


def test_an_unknown_table_or_format_is_not_found(world: World, alice_client: Client) -> None:
    assert alice_client.get(url(world, "passwords", "csv")).status_code == 404
    assert alice_client.get(url(world, "channels", "xls")).status_code == 404


def test_another_organisation_cannot_download(
    world: World, charlie_client: Client, client: Client, posts: None
) -> None:
    for fmt in ["csv", "xlsx"]:
        assert charlie_client.get(url(world, "channels", fmt)).status_code == 404
        assert client.get(url(world, "channels", fmt)).status_code == 302  # to log in
