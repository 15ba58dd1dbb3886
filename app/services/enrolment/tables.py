"""Reading the table a school sends: an Excel workbook (.xlsx) or a CSV file in the encodings
and with the separators Excel and LibreOffice write. The kind is told by the content, never by
the name; the result is text cells with their line numbers, for the column mapping and the
student rules (student_csv) to read. Plain parsing, without the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.services.enrolment import workbooks
from app.services.enrolment.student_csv import MAX_ROWS, ImportRefused
from app.services.enrolment.workbooks import too_many_rows

Record = tuple[int, int, list[str]]  # (first line, last line, cells)

# Encodings with a byte order mark, checked first; a BOM says what the file is.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Without a BOM and not UTF-8: what Excel on Windows in Western Europe saves as "CSV", or its
# older subset ISO-8859-1, as the detector tells them (it refuses text that reads as a mess in
# both, such as an old DOS export in code page 850).
SINGLE_BYTE = {"cp1252": "Windows-1252", "latin_1": "ISO-8859-1"}
# A letter beyond ASCII as UTF-8 writes it: in a file that is not all UTF-8, the sign of lines
# in two encodings (no German or French name in Windows-1252 holds such a pair of bytes).
UTF8_LETTER = re.compile(rb"[\xc3-\xc5][\x80-\xbf]")
# Excel's own hint on a CSV file's first line, "sep=;", says the separator.
SEPARATOR_HINT = re.compile(r'"?sep=([,;\t])"?[ \t]*\r?\n', re.IGNORECASE)
SEPARATORS = (",", ";", "\t")  # a tie goes to the later one: rarer inside text
ENCODING_NAMES = {"UTF-8 with BOM": _l("UTF-8 with BOM")}  # the others read alike in German
SEPARATOR_NAMES = {
    ",": _l("separated by commas"),
    ";": _l("separated by semicolons"),
    "\t": _l("separated by tabs"),
}


@dataclass
class Table:
    """A school's list as read: the header's cells and the data records, as text."""

    header: list[str]  # the first non-empty line's cells, stripped
    records: list[Record]  # per data row; for XLSX the sheet's row number twice
    kind: str  # "xlsx" or "csv"
    encoding: str | None = None  # CSV: a human name, "UTF-8", "UTF-8 with BOM", ...
    separator: str | None = None  # CSV: ",", ";" or "\t"
    sheet: str | None = None  # XLSX: the sheet read
    sheets: list[str] = field(default_factory=list)  # XLSX: every worksheet's name

    def described(self) -> str:
        """How the file was read, for the preview."""
        if self.kind == "xlsx":
            return _("Excel workbook, sheet “%(sheet)s”", sheet=self.sheet)
        return _(
            "CSV, %(encoding)s, %(separator)s",
            encoding=ENCODING_NAMES.get(self.encoding or "", self.encoding),
            separator=SEPARATOR_NAMES[self.separator or ","],
        )


class SheetChoiceNeeded(ImportRefused):
    """The workbook has several sheets with content and none was chosen. sheets: their names."""

    def __init__(self, sheets: list[str]) -> None:
        super().__init__(
            [
                ngettext(
                    "The workbook has %(num)d sheet with data (%(names)s). Choose the sheet "
                    "with the students.",
                    "The workbook has %(num)d sheets with data (%(names)s). Choose the sheet "
                    "with the students.",
                    len(sheets),
                    names=", ".join(sheets),
                )
            ]
        )
        self.sheets = sheets


def read_table(data: bytes, filename: str = "", sheet: str | None = None) -> Table:
    """The file's table: an XLSX workbook (the chosen sheet, or the only one with content) or
    a CSV file. Refuses (ImportRefused, translated) what cannot be read as a list of students:
    an unknown encoding or binary file, formulas, merged cells, an empty or header-only table,
    more than MAX_ROWS students."""
    if not data.strip():
        raise ImportRefused([_("The file is empty.")])
    if workbooks.is_zip(data) or workbooks.is_ole(data):
        book = workbooks.read(data, sheet)
        if book.choice_needed:
            raise SheetChoiceNeeded(book.choice_needed)
        table = Table(book.header, book.records, "xlsx", sheet=book.sheet, sheets=book.sheets)
    else:
        text, encoding = decode(data, filename)
        if hint := SEPARATOR_HINT.match(text):  # kept as a blank line: the lines keep numbers
            separator, text = hint.group(1), "\n" + text[hint.end() :]
        else:
            separator = separator_of(text)
        header, records = _csv_records(text, separator)
        table = Table(header, records, "csv", encoding=encoding, separator=separator)
    if not table.records:
        raise ImportRefused([_("The file has a header row but no students.")])
    return table


# CSV ------------------------------------------------------------------------------------


def _unreadable(filename: str) -> ImportRefused:
    return ImportRefused(
        [
            _(
                "The file “%(name)s” cannot be read: it is neither an Excel workbook (.xlsx) nor "
                "a CSV text file in one of the encodings accepted (UTF-8, UTF-16, Windows-1252 "
                "or ISO-8859-1). In Excel choose “Save as” → “Excel workbook (.xlsx)” or “CSV "
                "UTF-8”, and upload that file.",
                name=_shortened(filename) or "students.csv",
            )
        ]
    )


def _mixed(line: int) -> ImportRefused:
    return ImportRefused(
        [
            _(
                "The file is saved as UTF-8, but line %(line)d is in another encoding (perhaps "
                "pasted from another file) and cannot be read. In Excel choose “Save as” → “CSV "
                "UTF-8” or “Excel workbook (.xlsx)”, and upload that file.",
                line=line,
            )
        ]
    )


def _shortened(filename: str, limit: int = 60) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name if len(name) <= limit else name[: limit - 1] + "…"


def decode(data: bytes, filename: str = "") -> tuple[str, str]:
    """The file's text and the human name of its encoding: a BOM says which; else UTF-8 when
    the bytes are valid UTF-8; else Windows-1252 or ISO-8859-1 as the detector finds (short
    files are not left to a detector's guess among all encodings). Binary files are refused."""
    for bom, codec, bom_name in BOMS:
        if data.startswith(bom):
            try:
                text, name = data.decode(codec), bom_name
            except UnicodeDecodeError:
                raise _unreadable(filename) from None
            break
    else:
        try:
            text, name = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as error:
            if UTF8_LETTER.search(data):  # else Windows-1252 reads "Müller" as "MÃ¼ller"
                raise _mixed(data.count(b"\n", 0, error.start) + 1) from None
            best = None if b"\x00" in data else from_bytes(data, cp_isolation=[*SINGLE_BYTE])
            match = best.best() if best is not None else None
            if match is None or match.encoding not in SINGLE_BYTE:
                raise _unreadable(filename) from None
            text, name = str(match), SINGLE_BYTE[match.encoding]
    if "\x00" in text:
        raise _unreadable(filename)
    if not text.strip():
        raise ImportRefused([_("The file is empty.")])
    return text, name


def _logical_lines(text: str):
    """The file's lines, a line break inside quotes not ending one."""
    quoted, start = False, 0
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            yield text[start:position]
            start = position + 1
    yield text[start:]


def separator_of(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-empty line has most of outside quotes
    (csv.Sniffer guesses wrong on short lists); a comma when it has none."""
    for line in _logical_lines(text):
        if not line.strip(' \t\r,;"'):
            continue
        counts, quoted = dict.fromkeys(SEPARATORS, 0), False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif char in counts and not quoted:
                counts[char] += 1
        best = max(SEPARATORS, key=lambda s: (counts[s], SEPARATORS.index(s)))
        return best if counts[best] else ","
    return ","


def _csv_records(text: str, separator: str) -> tuple[list[str], list[Record]]:
    """The header's cells and the data records (blank lines left out, a record's first and
    last line counted as an editor shows them); at most MAX_ROWS records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records: list[Record] = []
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((first, last, cells))
            if len(records) > MAX_ROWS + 1:
                raise too_many_rows()
    except csv.Error as error:
        raise ImportRefused(
            [
                _(
                    "Line %(line)d cannot be read as CSV (%(reason)s).",
                    line=reader.line_num,
                    reason=str(error),
                )
            ]
        ) from None
    if not records:
        raise ImportRefused([_("The file is empty.")])
    return header_of(records[0][2], records[1:]), records[1:]


def header_of(cells: list[str], records: list[Record]) -> list[str]:
    """The header's cells stripped, without the trailing ones that are empty in every line
    (Excel's empty columns)."""
    width = max((_width(row) for _first, _last, row in records), default=0)
    width = max(width, _width(cells))
    return [cell.strip() for cell in cells[:width]]


def _width(cells: list[str]) -> int:
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)
