"""Reading one sheet of an Excel workbook (.xlsx) as text cells, for tables.read_table.

openpyxl reads the workbook in read-only mode, row by row; the sheet's XML is parsed once by
openpyxl's own sheet parser (pinned version), which also reports formulas and merged cells.
A workbook is a zip file: its unpacked size and the cells read are bounded, so a small upload
cannot unpack to gigabytes.
"""

from __future__ import annotations

import logging
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from app.services.enrolment.student_csv import MAX_ROWS, ImportRefused

if TYPE_CHECKING:
    from openpyxl.worksheet._reader import WorkSheetParser

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files; also password-protected ones
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
MAX_UNPACKED = 100 * 1024 * 1024  # bytes; a 5 MB upload of real lists unpacks to far less
# Cells (also empty ones with a format) and rows read from a sheet, and the cells of its rows
# made as wide as the widest: 5,000 students in 40 columns with borders are 205,000. Reading
# takes about 1 second per 100,000 cells.
MAX_CELLS = 600_000

Record = tuple[int, int, list[str]]
log = logging.getLogger(__name__)


@dataclass
class Book:
    """What was read: the sheet's header and records, or the sheets to choose from."""

    sheets: list[str]
    sheet: str | None = None
    header: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    choice_needed: list[str] = field(default_factory=list)


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def is_ole(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def too_many_rows() -> ImportRefused:
    """The refusal of a file with more than MAX_ROWS students (CSV and XLSX alike)."""
    return ImportRefused(
        [
            _(
                "The file has more than %(n)d students. Import at most %(n)d at "
                "a time: split the file and upload the parts one after another.",
                n=MAX_ROWS,
            )
        ]
    )


def _refused(message: str) -> ImportRefused:
    return ImportRefused([message])


def _damaged() -> ImportRefused:
    return _refused(
        _(
            "The workbook cannot be opened: the file is damaged or not a real .xlsx file. Open "
            "it in Excel, save it again as “Excel workbook (.xlsx)” and upload it again."
        )
    )


def _check_archive(data: bytes) -> None:
    """Refuses a zip that is no .xlsx workbook, or unpacks to more than MAX_UNPACKED."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise _damaged() from None
    if b"opendocument.spreadsheet" in mimetype:
        raise _refused(
            _(
                "This is an OpenDocument spreadsheet (.ods). In LibreOffice choose “Save as” → "
                "“Excel 2007-365 (.xlsx)” or “Text CSV”, and upload that file."
            )
        )
    if "xl/workbook.bin" in names:
        raise _refused(
            _(
                "This is an Excel binary workbook (.xlsb). In Excel choose “Save as” → “Excel "
                "workbook (.xlsx)”, and upload that file."
            )
        )
    if "xl/workbook.xml" not in names:
        raise _refused(
            _(
                "This file is a zip archive but no Excel workbook. Upload the list as an Excel "
                "workbook (.xlsx) or a CSV file."
            )
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise _refused(
            _(
                "The workbook is too large to read: it unpacks to more than %(mb)d MB. Copy only "
                "the students' rows into a new workbook and upload that.",
                mb=MAX_UNPACKED // (1024 * 1024),
            )
        )


def _old_office(data: bytes) -> ImportRefused:
    if ENCRYPTED in data:
        return _refused(
            _(
                "The workbook is protected by a password and cannot be read. In Excel remove the "
                "password (File → Info → Protect workbook → Encrypt with password), save the "
                "file and upload it again."
            )
        )
    return _refused(
        _(
            "This is an old Office file (.xls or .doc), which cannot be read. In Excel choose "
            "“Save as” → “Excel workbook (.xlsx)” or “CSV UTF-8”, and upload that file."
        )
    )


def read(data: bytes, chosen: str | None) -> Book:
    """The chosen sheet, or the only worksheet, or the only visible one with content; else the
    sheets to choose from (Book.choice_needed). Refuses what cannot be read."""
    if is_ole(data):
        raise _old_office(data)
    _check_archive(data)
    # openpyxl (~10 MB) only once a workbook is read: most processes never read one.
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = load_workbook(BytesIO(data), read_only=True, keep_links=False)
        except Exception:  # any failure to parse an uploaded file: "damaged"
            log.info("An uploaded workbook cannot be opened", exc_info=True)
            raise _damaged() from None
        try:
            return _read_sheet(workbook, chosen)
        except ImportRefused:
            raise
        except Exception:
            log.info("An uploaded workbook cannot be read", exc_info=True)
            raise _damaged() from None
        finally:
            workbook.close()


def _read_sheet(workbook, chosen: str | None) -> Book:
    sheets = workbook.worksheets
    names = [sheet.title for sheet in sheets]
    if chosen is not None:
        found = [sheet for sheet in sheets if sheet.title == chosen]
        if not found:
            raise _refused(
                _(
                    "The workbook has no sheet named “%(sheet)s”. Its sheets: %(names)s.",
                    sheet=chosen,
                    names=", ".join(names),
                )
            )
        sheet = found[0]
    elif len(sheets) == 1:
        sheet = sheets[0]
    else:
        filled = [s for s in sheets if s.sheet_state == "visible" and _has_values(workbook, s)]
        if len(filled) > 1:
            return Book(names, choice_needed=[s.title for s in filled])
        sheet = filled[0] if filled else sheets[0]
    rows = _rows(workbook, sheet)
    if not rows:
        raise _refused(
            _(
                "The sheet “%(sheet)s” is empty. Its first row must name the columns, the "
                "rows below it hold the students.",
                sheet=sheet.title,
            )
        )
    width = max(len(cells) for _number, cells in rows)
    padded = [(number, cells + [""] * (width - len(cells))) for number, cells in rows]
    header = [cell.strip() for cell in padded[0][1]]
    records = [(number, number, cells) for number, cells in padded[1:]]
    return Book(names, sheet.title, header, records)


def _parser(workbook, sheet, source) -> WorkSheetParser:
    from openpyxl.worksheet._reader import WorkSheetParser

    return WorkSheetParser(
        source,
        sheet._shared_strings,
        data_only=False,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )


def _has_values(workbook, sheet) -> bool:
    """Whether any cell of the sheet holds something (stops at the first, and says yes after
    MAX_CELLS empty ones: reading the sheet will refuse it)."""
    read = 0
    with sheet._get_source() as source:
        for _number, cells in _parser(workbook, sheet, source).parse():
            read += 1 + len(cells)
            if read > MAX_CELLS or any(cell["value"] not in (None, "") for cell in cells):
                return True
    return False


def _rows(workbook, sheet) -> list[tuple[int, list[str]]]:
    """(row number, cells as text up to the last filled one) of the rows that hold something.
    Refuses formulas, merged cells, too many cells or students."""
    rows: list[tuple[int, list[str]]] = []
    read = width = 0
    with sheet._get_source() as source:
        parser = _parser(workbook, sheet, source)
        for number, cells in parser.parse():
            read += 1 + len(cells)
            texts: dict[int, str] = {}
            for cell in cells:
                if cell["data_type"] == "f":
                    _formula(sheet.title, cell)
                if (text := cell_text(cell["value"])).strip():
                    texts[cell["column"]] = text
            if texts:
                width = max(width, max(texts))
                rows.append((number, [texts.get(c, "") for c in range(1, max(texts) + 1)]))
                if len(rows) > MAX_ROWS + 1:
                    raise too_many_rows()
            if read > MAX_CELLS or width * len(rows) > MAX_CELLS:  # the rows padded to width
                raise _refused(
                    _(
                        "The sheet “%(sheet)s” is too large to read. Copy only the students' "
                        "rows and columns into a new workbook and upload that.",
                        sheet=sheet.title,
                    )
                )
        merged = parser.merged_cells
    if merged is not None and merged.mergeCell:
        raise _refused(
            _(
                "Cells %(cells)s of the sheet “%(sheet)s” are merged. Unmerge them (Home → Merge "
                "& Center) so that every value has a cell of its own, then upload the file again.",
                cells=merged.mergeCell[0].ref,
                sheet=sheet.title,
            )
        )
    return rows


def _formula(sheet: str, cell: dict) -> None:
    from openpyxl.utils import get_column_letter

    formula = str(getattr(cell["value"], "text", cell["value"]) or "")
    raise _refused(
        _(
            "Cell %(cell)s of the sheet “%(sheet)s” holds a formula (%(formula)s). Replace the "
            "formulas by their values: select the cells, copy them and paste them as values "
            "(Paste Special → Values), then upload the file again.",
            cell=f"{get_column_letter(cell['column'])}{cell['row']}",
            sheet=sheet,
            formula=formula[:40] + ("…" if len(formula) > 40 else ""),
        )
    )


def cell_text(value: object) -> str:
    """A cell as text the way the import reads it: dates as YYYY-MM-DD, whole numbers without
    ".0", booleans as yes/no, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return str(value)
