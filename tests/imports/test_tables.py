"""Reading the file a school sends (tables.read_table): XLSX and CSV in the encodings and with
the separators Excel writes, read alike; each refusal as the person reads it."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from app.services.enrolment.student_csv import ImportRefused
from app.services.enrolment.tables import SheetChoiceNeeded, read_table

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "static" / "samples" / "students-sample.csv"
# Windows-1252 has no ı or ş (Excel writes "?" for them): the sample as every format can hold it.
SAMPLE_ROWS = list(
    csv.reader(io.StringIO(SAMPLE.read_text("utf-8").replace("ı", "i").replace("ş", "s")))
)
UNREADABLE = (
    "The file “{name}” cannot be read: it is neither an Excel workbook (.xlsx) nor a CSV text "
    "file in one of the encodings accepted (UTF-8, UTF-16, Windows-1252 or ISO-8859-1). In "
    "Excel choose “Save as” → “Excel workbook (.xlsx)” or “CSV UTF-8”, and upload that file."
)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def csv_text(rows: list[list[str]], separator: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refusal(data: bytes, filename: str = "students.csv", **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        read_table(data, filename, **kwargs)
    return refused.value.messages


# The sample list saved four ways ---------------------------------------------------------

SAVED = {
    "xlsx": (xlsx(("Schüler", SAMPLE_ROWS)), "Excel workbook, sheet “Schüler”"),
    "windows-1252": (
        csv_text(SAMPLE_ROWS, ";").encode("cp1252"),
        "CSV, Windows-1252, separated by semicolons",
    ),
    "utf-16": (  # Excel's "Unicode text": UTF-16 with a BOM, tabs between the cells
        csv_text(SAMPLE_ROWS, "\t").encode("utf-16"),
        "CSV, UTF-16, separated by tabs",
    ),
    "utf-8-bom": (
        csv_text(SAMPLE_ROWS).encode("utf-8-sig"),
        "CSV, UTF-8 with BOM, separated by commas",
    ),
    "utf-8": (csv_text(SAMPLE_ROWS).encode("utf-8"), "CSV, UTF-8, separated by commas"),
}


@pytest.mark.parametrize("saved", SAVED, ids=list(SAVED))
def test_the_sample_list_reads_the_same_however_it_was_saved(saved):
    data, described = SAVED[saved]
    table = read_table(data, f"students.{saved}")
    assert table.header == SAMPLE_ROWS[0]
    assert table.records == [(n, n, cells) for n, cells in enumerate(SAMPLE_ROWS[1:], start=2)]
    assert table.described() == described
    assert table.records[1][2][1] == "Yilmaz"  # "ö", "ü" and the quotes survive every encoding
    assert table.records[0][2][1] == "Müller"
    assert table.records[2][2][26] == 'theatre, "Model UN"'
    assert table.records[1][2][23] == "Asthma; carries an inhaler."  # a semicolon in a cell


def test_what_the_preview_says_in_german():
    with force_locale("de"):
        assert read_table(*SAVED["xlsx"][:1], "x").described() == (
            "Excel-Arbeitsmappe, Tabellenblatt „Schüler“"
        )
        assert read_table(SAVED["windows-1252"][0], "x").described() == (
            "CSV, Windows-1252, durch Semikolons getrennt"
        )
        assert read_table(SAVED["utf-8-bom"][0], "x").described() == (
            "CSV, UTF-8 mit BOM, durch Kommas getrennt"
        )


def test_the_kind_comes_from_the_content_not_the_name():
    table = read_table(SAVED["xlsx"][0], "students.csv")
    assert (table.kind, table.sheet, table.sheets, table.encoding) == (
        "xlsx",
        "Schüler",
        ["Schüler"],
        None,
    )
    table = read_table(SAVED["windows-1252"][0], "students.xlsx")
    assert (table.kind, table.encoding, table.separator, table.sheets) == (
        "csv",
        "Windows-1252",
        ";",
        [],
    )


def test_excel_cells_read_as_the_import_writes_them():
    data = xlsx(
        (
            "Tabelle1",
            [
                ["first_name", "date_of_birth", "grade", "phone", "no_pets", "notes", "time"],
                ["Lena", date(2010, 3, 14), 10.0, 2311234567, True, None, 2.5],
                ["Jan", datetime(2009, 7, 22), 9, "0231 123456", False, "",
                 datetime(2024, 1, 2, 8, 30)],
            ],
        )
    )  # fmt: skip
    table = read_table(data, "list.xlsx")
    assert table.header == ["first_name", "date_of_birth", "grade", "phone", "no_pets", "notes",
                            "time"]  # fmt: skip
    assert table.records == [
        (2, 2, ["Lena", "2010-03-14", "10", "2311234567", "yes", "", "2.5"]),
        (3, 3, ["Jan", "2009-07-22", "9", "0231 123456", "no", "", "2024-01-02 08:30:00"]),
    ]


def test_blank_rows_keep_the_sheets_row_numbers_and_empty_columns_are_dropped():
    data = xlsx(("S", [["a", "b", None], [], ["1", None, None], [None, None, None], ["2", "x"]]))
    table = read_table(data, "s.xlsx")
    assert table.header == ["a", "b"]
    assert table.records == [(3, 3, ["1", ""]), (5, 5, ["2", "x"])]


def test_csv_line_numbers_blank_lines_quoted_line_breaks_and_excels_empty_columns():
    text = 'a;b;;\r\n\r\n1;"two\r\nlines";;\r\n;;;\r\n2;x;;\r\n'
    table = read_table(text.encode("cp1252"), "a.csv")
    assert table.header == ["a", "b"]
    assert table.records == [(3, 4, ["1", "two\r\nlines", "", ""]), (6, 6, ["2", "x", "", ""])]


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ('"Name, Vorname";Klasse;Schule', ";"),  # the comma in quotes does not count
        ('"Name; Vorname",Klasse,Schule', ","),
        ("Name\tKlasse\tSchule", "\t"),
        ("Name;Klasse,Schule;Ort", ";"),
        ("first_name", ","),
    ],
)
def test_the_separator_is_the_one_the_header_uses_outside_quotes(header, separator):
    table = read_table(f"{header}\r\nLena;10b\r\n".encode(), "a.csv")
    assert table.separator == separator


def test_excels_separator_hint_on_the_first_line_is_followed():
    table = read_table(b"sep=;\r\nName;Klasse, Kurs, Jahr\r\nLena;10b, Bio, 10\r\n", "a.csv")
    assert (table.separator, table.header) == (";", ["Name", "Klasse, Kurs, Jahr"])
    assert table.records == [(3, 3, ["Lena", "10b, Bio, 10"])]
    without_hint = read_table(b"Name;Klasse, Kurs, Jahr\r\nLena;10b, Bio, 10\r\n", "a.csv")
    assert without_hint.separator == ","


def test_a_latin_1_file_without_windows_letters_reads_as_windows_1252():
    table = read_table("Name;Ort\nJörg Weiß;Düsseldorf\n".encode("latin-1"), "a.csv")
    assert table.encoding == "Windows-1252"
    assert table.records[0][2] == ["Jörg Weiß", "Düsseldorf"]


# Refusals --------------------------------------------------------------------------------


def test_bytes_in_no_accepted_encoding_are_refused_naming_the_encodings():
    dos = "Vorname;Nachname\r\nJörg;Müller;Straße\r\n".encode("cp850")  # an old DOS export
    assert refusal(dos, "liste.csv") == [UNREADABLE.format(name="liste.csv")]
    assert refusal(b"Name;x\r\nab\x81c\x8d;d\r\n", "x.csv") == [UNREADABLE.format(name="x.csv")]


def test_a_utf8_file_with_a_line_in_windows_1252_is_refused_naming_the_line():
    data = "Name;Ort\r\nJörg;Düsseldorf\r\n".encode() + "Jörg;Köln\r\n".encode("cp1252")
    assert refusal(data) == [
        "The file is saved as UTF-8, but line 3 is in another encoding (perhaps pasted from "
        "another file) and cannot be read. In Excel choose “Save as” → “CSV UTF-8” or “Excel "
        "workbook (.xlsx)”, and upload that file."
    ]


def test_a_long_or_missing_file_name_is_shortened_in_the_message():
    png = b"\x89PNG\r\n\x1a\n\x00\x00"
    assert refusal(png, "C:\\Users\\sek\\" + "x" * 80 + ".png") == [
        UNREADABLE.format(name="x" * 59 + "…")
    ]
    assert refusal(png, "") == [UNREADABLE.format(name="students.csv")]


def test_a_picture_renamed_csv_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    assert refusal(png, "students.csv") == [UNREADABLE.format(name="students.csv")]


def test_binary_inside_utf8_text_is_refused():
    assert refusal(b"first_name\n\x00\x00Lena\n", "a.csv") == [UNREADABLE.format(name="a.csv")]


@pytest.mark.parametrize("data", [b"", b"  \r\n", "\ufeff\r\n\r\n".encode()], ids=repr)
def test_an_empty_file_is_refused(data):
    assert refusal(data) == ["The file is empty."]


def test_a_header_without_students_is_refused():
    assert refusal(b"first_name;last_name\r\n;\r\n") == [
        "The file has a header row but no students."
    ]
    assert refusal(xlsx(("S", [["first_name", "last_name"]]))) == [
        "The file has a header row but no students."
    ]


def test_an_empty_sheet_is_refused():
    assert refusal(xlsx(("Schüler", [[None, ""]]))) == [
        "The sheet “Schüler” is empty. Its first row must name the columns, the rows below it "
        "hold the students."
    ]


def test_a_formula_is_refused_naming_its_cell():
    rows = [["first_name", "grade"], ["Lena", "10b"], ["Jan", "10b"], ["Ida", "=B2&C2"]]
    assert refusal(xlsx(("Schüler", rows)), "list.xlsx") == [
        "Cell B4 of the sheet “Schüler” holds a formula (=B2&C2). Replace the formulas by "
        "their values: select the cells, copy them and paste them as values (Paste Special → "
        "Values), then upload the file again."
    ]


def test_merged_cells_are_refused_naming_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Schüler"
    for row in [["first_name", "grade"], ["Lena", "10b"], ["Jan", "10b"]]:
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    workbook.save(out)
    assert refusal(out.getvalue(), "list.xlsx") == [
        "Cells B2:B3 of the sheet “Schüler” are merged. Unmerge them (Home → Merge & Center) so "
        "that every value has a cell of its own, then upload the file again."
    ]


STUDENTS = [["first_name"], ["Lena"]]
SEVERAL = xlsx(("Schüler", STUDENTS), ("Lehrer", [["name"], ["Frau Kaya"]]), ("Notizen", [["x"]]))


def test_several_sheets_need_a_choice_naming_them():
    with pytest.raises(SheetChoiceNeeded) as refused:
        read_table(SEVERAL, "list.xlsx")
    assert refused.value.sheets == ["Schüler", "Lehrer", "Notizen"]
    assert refused.value.messages == [
        "The workbook has 3 sheets with data (Schüler, Lehrer, Notizen). Choose the sheet with "
        "the students."
    ]
    with force_locale("de"), pytest.raises(SheetChoiceNeeded) as refused:
        read_table(SEVERAL, "list.xlsx")
    assert refused.value.messages == [
        "Die Arbeitsmappe hat 3 Tabellenblätter mit Daten (Schüler, Lehrer, Notizen). Wählen Sie "
        "das Tabellenblatt mit den Schülerinnen und Schülern."
    ]


def test_a_chosen_sheet_is_read():
    table = read_table(SEVERAL, "list.xlsx", sheet="Lehrer")
    assert (table.sheet, table.sheets, table.header, table.records) == (
        "Lehrer",
        ["Schüler", "Lehrer", "Notizen"],
        ["name"],
        [(2, 2, ["Frau Kaya"])],
    )
    assert table.described() == "Excel workbook, sheet “Lehrer”"


def test_an_unknown_chosen_sheet_is_refused():
    assert refusal(SEVERAL, sheet="Students") == [
        "The workbook has no sheet named “Students”. Its sheets: Schüler, Lehrer, Notizen."
    ]


def test_excels_empty_extra_sheets_need_no_choice():
    table = read_table(xlsx(("Tabelle1", STUDENTS), ("Tabelle2", []), ("Tabelle3", [])), "x")
    assert (table.sheet, table.sheets) == ("Tabelle1", ["Tabelle1", "Tabelle2", "Tabelle3"])


def test_more_than_5000_students_in_a_workbook_are_refused():
    assert refusal(xlsx(("S", [["first_name"]] + [["Lena"]] * 5001))) == [
        "The file has more than 5000 students. Import at most 5000 at a time: split the file "
        "and upload the parts one after another."
    ]


def test_a_sheet_too_large_to_read_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Schüler"
    for number in range(40):
        sheet.append([f"Lena {number}"])
    sheet["XFD1"] = "a note far to the right"  # every row is as wide as the widest
    out = io.BytesIO()
    workbook.save(out)
    assert refusal(out.getvalue()) == [
        "The sheet “Schüler” is too large to read. Copy only the students' rows and columns "
        "into a new workbook and upload that."
    ]


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_more_than_100_mb_is_refused():
    bomb = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(101 << 20)})
    assert len(bomb) < 1 << 20
    assert refusal(bomb) == [
        "The workbook is too large to read: it unpacks to more than 100 MB. Copy only the "
        "students' rows into a new workbook and upload that."
    ]


DAMAGED = (
    "The workbook cannot be opened: the file is damaged or not a real .xlsx file. Open it in "
    "Excel, save it again as “Excel workbook (.xlsx)” and upload it again."
)


def test_a_damaged_workbook_is_refused():
    assert refusal(SAVED["xlsx"][0][:3000]) == [DAMAGED]
    assert refusal(zipped({"xl/workbook.xml": b"<not a workbook"})) == [DAMAGED]


def test_other_office_files_are_refused_saying_what_to_do():
    ods = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert refusal(ods) == [
        "This is an OpenDocument spreadsheet (.ods). In LibreOffice choose “Save as” → “Excel "
        "2007-365 (.xlsx)” or “Text CSV”, and upload that file."
    ]
    assert refusal(zipped({"word/document.xml": b"<w/>"})) == [
        "This file is a zip archive but no Excel workbook. Upload the list as an Excel workbook "
        "(.xlsx) or a CSV file."
    ]
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert refusal(ole + "Workbook".encode("utf-16-le")) == [
        "This is an old Office file (.xls or .doc), which cannot be read. In Excel choose “Save "
        "as” → “Excel workbook (.xlsx)” or “CSV UTF-8”, and upload that file."
    ]


def test_entities_that_expand_to_gigabytes_are_refused():
    book = zipfile.ZipFile(io.BytesIO(xlsx(("S", [["a"], ["b"]]))))
    entities = '<!DOCTYPE x [<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    members = {info.filename: book.read(info.filename) for info in book.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index("?>") + 2 if sheet.startswith("<?xml") else 0
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + entities + "]>" + sheet[start:].replace("<t>b</t>", "<t>&a9;</t>")
    ).encode()
    assert refusal(zipped(members)) == [DAMAGED]


def test_a_workbook_with_a_password_is_refused():
    # Excel stores an encrypted .xlsx in an OLE container holding an "EncryptedPackage" stream.
    encrypted = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(504)
        + "EncryptionInfo".encode("utf-16-le")
        + "EncryptedPackage".encode("utf-16-le")
    )
    assert refusal(encrypted, "list.xlsx") == [
        "The workbook is protected by a password and cannot be read. In Excel remove the "
        "password (File → Info → Protect workbook → Encrypt with password), save the file and "
        "upload it again."
    ]
