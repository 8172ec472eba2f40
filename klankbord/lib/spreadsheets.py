"""A table as a CSV or XLSX file, every text cell neutralised (see cells.py).

CSV carries numbers as written by Python and dates as ISO 8601; XLSX keeps numbers as numbers
and dates as dates, so a spreadsheet can add them up and sort them.
"""

import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from klankbord.lib.cells import cell, csv_writer

Value = str | int | float | date | datetime | None
SHEET_TITLE_CHARS = 31  # Excel's limit
INVALID_IN_SHEET_TITLE = str.maketrans({char: " " for char in "[]:*?/\\"})


def _csv_value(value: Value) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads é and ë as they are."""
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow(headers)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def _xlsx_value(value: Value) -> object:
    if value is None or isinstance(value, date | datetime):
        return value  # a missing count stays an empty cell; dates as dates
    safe = cell(value)
    # openpyxl refuses control characters; a spreadsheet could not show them anyway.
    return ILLEGAL_CHARACTERS_RE.sub("", safe) if isinstance(safe, str) else safe


def xlsx_bytes(title: str, headers: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title.translate(INVALID_IN_SHEET_TITLE)[:SHEET_TITLE_CHARS] or "Sheet"
    sheet.append([_xlsx_value(header) for header in headers])
    for header in sheet[1]:
        header.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    for column in sheet.iter_cols(min_row=2):
        for found in column:
            if isinstance(found.value, datetime):
                found.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(found.value, date):
                found.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
