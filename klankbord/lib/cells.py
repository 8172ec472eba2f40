"""Spreadsheet cells that stay text: every export writes through csv_writer.

A cell that starts with = + - @, a tab or a carriage return (also after spaces a spreadsheet
skips, and in their fullwidth forms) runs as a formula when the file is opened; a leading single
quote keeps it text (OWASP, "CSV Injection"). Numbers the code itself computes stay numbers:
-3 in a count column is a value, not a formula, so only text is neutralised.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

# = + - @, tab, CR, LF, and the fullwidth = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20).
FORMULA_START = frozenset("=+-@\t\r\n" + "\uff1d\uff0b\uff0d\uff20")

Cell = str | int | float | Decimal


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def cell(value: object) -> Cell:
    """A value as a spreadsheet should see it: numbers as numbers, text that cannot run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text[:1] in FORMULA_START or text.lstrip()[:1] in FORMULA_START:
        return "'" + text
    return text


class SafeWriter:
    """csv.writer that neutralises every cell and quotes every field, so a `;` inside a value
    cannot start a new cell in a spreadsheet that splits on semicolons (Belgian and Dutch
    Excel)."""

    def __init__(self, stream: Writable) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Writable) -> SafeWriter:
    return SafeWriter(stream)
