"""Tables as files: CSV (streamed) and XLSX. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) are neutralised with a leading apostrophe;
numbers and dates (int, date) are written as such, never as text.

A file may start with heading lines (what the list is, when and by whom it was produced, that
it is confidential), as the printed list does: in CSV each is a row of its own with as many
(empty) fields as the table, so that a spreadsheet, or csv.Sniffer, still finds the columns;
in XLSX they stand above the table, whose header row carries the filter and stays in view."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The separator the reader's spreadsheet splits a CSV file at: German Excel expects
# semicolons (the comma is its decimal mark), English Excel commas.
DELIMITERS = {"de": ";", "en": ","}
# A date as the reader's spreadsheet shows short dates (Excel's built-in format 14 follows
# the system's locale: 03.05.2010 in German, 5/3/2010 in US English).
DATE_FORMAT = "mm-dd-yy"
WIDTH_MIN, WIDTH_MAX = 6, 50  # column widths in characters


def delimiter_for(language: str) -> str:
    return DELIMITERS.get(language.split("-")[0].split("_")[0].lower(), ",")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _field(value: object) -> object:
    if isinstance(value, int | date) and not isinstance(value, bool):
        return value
    return neutralise(value)


def csv_stream(
    header: list[str],
    rows: Iterable[Sequence[object]],
    heading: Sequence[str] = (),
    delimiter: str = ",",
) -> Iterator[str]:
    """The CSV text row by row, with a byte-order mark so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    blanks = [""] * (len(header) - 1)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    for line in heading:
        writer.writerow([neutralise(line), *blanks])
    writer.writerow([neutralise(c) for c in header])
    yield "\ufeff" + take()
    for row in rows:
        writer.writerow([_field(c) for c in row])
        yield take()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"


def _width(value: object) -> int:
    """How many characters wide a cell's text is (dates as 10)."""
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


def xlsx_bytes(
    title: str,
    header: list[str],
    rows: Iterable[Sequence[object]],
    heading: Sequence[str] = (),
    kinds: Sequence[str] | None = None,
) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming mode: the heading lines, then the
    table with a bold header row that carries an auto-filter and stays in view; numbers and
    dates typed, text as text (never a formula), each column as wide as its content (up to
    WIDTH_MAX characters, the rest wrapped)."""
    # openpyxl (~10 MB) only where a workbook is written: a worker rendering PDFs never is.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    kinds = list(kinds) if kinds is not None else ["text"] * len(header)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    header_row = len(heading) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, label in enumerate(header):
        widest = max([_width(label) + 3, *(_width(row[index]) for row in rows)])  # + the arrow
        width = min(WIDTH_MAX, max(WIDTH_MIN, widest + 2))
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    last = get_column_letter(max(1, len(header)))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(rows)}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def cell(value: object, kind: str = "text", header_cell: bool = False) -> WriteOnlyCell:
        if kind != "text" and isinstance(value, int | date) and not isinstance(value, bool):
            c = WriteOnlyCell(sheet, value=value)
            c.alignment = top
            if isinstance(value, date):
                c.number_format = DATE_FORMAT
            return c
        c = WriteOnlyCell(sheet, value=neutralise(value))
        c.data_type = "s"
        c.alignment = wrap
        if header_cell:
            c.font = bold
        return c

    for number, line in enumerate(heading):
        c = WriteOnlyCell(sheet, value=neutralise(line))
        c.data_type = "s"
        if number == 0:
            c.font = bold
        sheet.append([c])
    sheet.append([cell(h, header_cell=True) for h in header])
    for row in rows:
        sheet.append([cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
