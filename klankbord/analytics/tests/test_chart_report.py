"""The monthly report carries Measure's charts: drawn in the PDF, as pictures in the e-mail."""

import io
import re
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from klankbord.analytics.chart_pdf import png
from klankbord.analytics.chart_shapes import heat_chart, line_chart
from klankbord.analytics.export import report_pdf
from klankbord.analytics.report import report_for
from klankbord.analytics.tests.test_report import (  # the organisation started last year
    FIRST_AT_SEVEN,
    a_month_of_work,
    organisations_started_last_year,
    send_at,
)
from klankbord.test import World

pytestmark = pytest.mark.django_db
__all__ = ["organisations_started_last_year"]
IN_APRIL = datetime(2026, 4, 10, 10, 0, tzinfo=UTC)


def operators(pdf: bytes) -> dict[str, int]:
    """How often the pages draw a rectangle, a line and a text."""
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)
    return {op: len(re.findall(rf"\s{op}\s".encode(), content)) for op in ("re", "l", "Tj")}


def build(world: World) -> tuple[bytes, float]:
    with translation.override("en"), time_machine.travel(IN_APRIL, tick=False):
        found = report_for(world.org, date(2026, 3, 1))
        began = time.perf_counter()
        pdf = report_pdf(found, language="en")
    return pdf, time.perf_counter() - began


def test_the_pdf_draws_the_months_charts_quickly(world: World) -> None:
    a_month_of_work(world.org)
    pdf, took = build(world)
    assert took < 5
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for title in ("Charts", "Followers per day", "Reactions per post, per week",
                  "Reactions by the hour the post went out", "Time to first answer per week",
                  "Planned and published posts per week"):  # fmt: skip
        assert title in text
    drawn = operators(pdf)
    assert drawn["re"] >= 2 * 7 * 24  # the cells of two heat maps
    assert drawn["l"] >= 30  # lines, axes and hatching


def test_a_month_without_anything_to_draw_has_no_charts(world: World) -> None:
    pdf, _took = build(world)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Charts" not in text
    assert operators(pdf)["re"] < 2 * 7 * 24


def test_a_chart_as_png_is_a_picture_with_ink_where_the_line_is() -> None:
    canvas = line_chart(["1 Mar", "8 Mar", "15 Mar"], [("Median", [10.0, 40.0, 20.0])], str)
    image = Image.open(io.BytesIO(png(canvas)))
    assert image.format == "PNG" and image.size == (1040, 480)
    plot = image.convert("L").crop((100, 30, 900, 460))
    assert plot.getextrema()[0] < 100  # something dark was drawn in the plot area
    grid = [[0] * 24 for _day in range(7)]
    grid[2][14] = 9
    heat = Image.open(io.BytesIO(png(heat_chart(grid, list("MDWDVZZ"), str))))
    assert heat.convert("L").getextrema()[0] < 60


def test_the_mail_shows_its_charts_as_pictures_inside_the_message(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    html, _mime = message.alternatives[0]
    raw = message.message()
    images = {
        part["Content-ID"]: part for part in raw.walk() if part.get_content_type() == "image/png"
    }
    assert set(images) == {
        "<chart-followers@klankbord>",
        "<chart-reactions@klankbord>",
        "<chart-published@klankbord>",
        "<chart-response@klankbord>",
    }
    assert raw.get_content_type() == "multipart/related"
    assert 'src="cid:chart-reactions@klankbord"' in html
    assert 'alt="Reactions per post of the posts published each week' in html
    picture = Image.open(io.BytesIO(images["<chart-reactions@klankbord>"].get_payload(decode=True)))
    assert picture.format == "PNG" and picture.convert("L").getextrema()[0] < 100
