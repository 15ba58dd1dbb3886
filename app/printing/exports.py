"""Tables as files: CSV (streamed) and XLSX. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) are neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_stream(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The CSV text row by row, with a byte-order mark so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise(c) for c in header])
    yield "\ufeff" + take()
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
        yield take()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming mode: bold header, frozen first
    row, wrapped text, every cell a string."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index in range(len(header)):
        sheet.column_dimensions[_column_letter(index)].width = 24
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value: str, header_cell: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=neutralise(value))
        c.data_type = "s"
        c.alignment = wrap
        if header_cell:
            c.font = bold
        return c

    sheet.append([cell(h, True) for h in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
