"""Values as schools write them: dates, yes/no, gender, German phone numbers, names with
particles; each read the way the student form's rules then check."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.models import Guardian, Student
from app.services.enrolment import imports, students
from app.services.enrolment.cell_values import parse_date
from app.services.enrolment.student_csv import (
    COLUMN_NAMES,
    DATE_MESSAGE,
    parse_bool,
    parse_gender,
    row_values,
)
from app.services.enrolment.tables import read_table
from app.services.validation import Checker
from tests.imports.test_tables import SAMPLE_ROWS, csv_text, xlsx

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def cells(**overrides: str) -> dict[str, str]:
    """One student's cells by column name, as a file gives them; overrides change some."""
    row = {
        "first_name": "Lena",
        "last_name": "Müller",
        "date_of_birth": "14.03.2010",
        "gender": "w",
        "school": "Helmholtz-Gymnasium",
        "grade": "10b",
        "guardian1_name": "Anna Müller",
        "guardian1_relation": "Mutter",
        "guardian1_phone": "0231 123456",
        "emergency1_name": "Eva Schmidt",
        "emergency1_relation": "Tante",
        "emergency1_phone": "0231 777888",
    }
    return row | overrides


def problems_of(row: dict[str, str]) -> list[tuple[str, str]]:
    """What the import reports for a row: unreadable values, then the student form's rules."""
    values, problems = row_values(row)
    unreadable = {column for column, _message in problems}
    checked = students.check_student(values, TODAY)
    return problems + [p for p in checked if p[0].replace(".", "_") not in unreadable]


# Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-03-14", date(2010, 3, 14)),
        ("14.03.2010", date(2010, 3, 14)),
        ("14.3.2010", date(2010, 3, 14)),
        ("4.3.2010", date(2010, 3, 4)),
        ("14.3.10", date(2010, 3, 14)),
        ("14.03.10", date(2010, 3, 14)),
        ("14. 3. 2010", date(2010, 3, 14)),
        ("2010-03-14 00:00:00", date(2010, 3, 14)),  # a date cell of Excel saved as CSV
        ("2010-03-14T00:00:00", date(2010, 3, 14)),
        ("14.03.2010 00:00", date(2010, 3, 14)),  # the same from German Excel
        ("40251", date(2010, 3, 14)),  # Excel's serial number of the day
        ("10959", date(1930, 1, 1)),
        ("73050", date(2099, 12, 31)),
        (" 2010-03-14 ", date(2010, 3, 14)),
        ("", None),
        ("  ", None),
    ],
)
def test_dates_as_schools_write_them(text, expected):
    assert parse_date(text) == expected
    assert parse_date(text, born=True, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2010",  # no such day
        "14.13.10",  # no 13th month
        "2010-02-30",
        "14/03/2010",  # US lists write 03/14/2010: the order cannot be told
        "14.03.010",
        "10958",  # Excel serials only for 1930 to 2099
        "73051",
        "2010",
        "40251.5",
        "١٤.٠٣.٢٠١٠",  # digits, but not ASCII ones
        "soon",
    ],
)
def test_dates_that_cannot_be_read(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "born", "expected"),
    [
        ("1.2.95", True, date(1995, 2, 1)),  # 2095 is in the future: born in the last century
        ("31.5.26", True, date(2026, 5, 31)),  # yesterday (TODAY is 1 June 2026)
        ("2.6.26", True, date(1926, 6, 2)),  # tomorrow: not born yet, so a century earlier
        ("31.5.31", False, date(2031, 5, 31)),  # a passport expiry: always this century
        ("1.2.95", False, date(2095, 2, 1)),
    ],
)
def test_a_two_digit_year_is_this_century_unless_a_birth_date_would_lie_ahead(text, born, expected):
    assert parse_date(text, born=born, today=TODAY) == expected


def test_a_date_of_birth_in_the_short_form_reads_as_born_this_century():
    values, problems = row_values(cells(date_of_birth="14.3.10", passport_expiry="31.5.31"))
    assert problems == []
    assert (values["date_of_birth"], values["passport_expiry"]) == (
        date(2010, 3, 14),
        date(2031, 5, 31),
    )


@pytest.mark.parametrize("text", ["31.02.2010", "14.13.10"])
def test_an_impossible_date_is_reported_for_its_column(text):
    assert problems_of(cells(date_of_birth=text)) == [("date_of_birth", str(DATE_MESSAGE))]
    assert str(DATE_MESSAGE) == (
        "Enter the date as DD.MM.YYYY or YYYY-MM-DD, e.g. 14.03.2010, 14.3.10 or 2010-03-14 "
        "(Excel's date numbers are read too)."
    )


# Yes/no and gender -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["ja", "JA", "j", "J", "x", "X", "yes", "y", "Y", "1", "WAHR", "✓"]
)
def test_yes_as_schools_write_it(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["nein", "Nein", "n", "N", "no", "0", "FALSCH", "-", ""])
def test_no_as_schools_write_it(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["vielleicht", "ja/nein", "2", "nicht"])
def test_other_answers_are_not_read_as_yes_or_no(text):
    with pytest.raises(ValueError):
        parse_bool(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("w", "female"),
        ("W", "female"),
        ("weiblich", "female"),
        ("Weiblich", "female"),
        ("Mädchen", "female"),
        ("m", "male"),
        ("M", "male"),
        ("männlich", "male"),
        ("maennlich", "male"),
        ("Junge", "male"),
        ("d", "diverse"),
        ("D", "diverse"),
        ("divers", "diverse"),
        ("non-binary", "diverse"),
    ],
)
def test_gender_as_schools_write_it(text, expected):
    assert parse_gender(text) == expected
    assert problems_of(cells(gender=text)) == []


# Phone numbers ---------------------------------------------------------------------------

GERMAN_PHONES = [
    "0231 123456",
    "0231/123456",
    "(0231) 12 34 56",
    "+49 (0)231 123456",
    "0170-1234567",
    "+49 170 1234567",
    "0231 / 12 34 56",
    "2311234567",  # Excel kept it as a number and dropped the 0: accepted as written
]


@pytest.mark.parametrize("phone", GERMAN_PHONES)
def test_german_phone_numbers_pass_the_rule_of_the_web_form(phone):
    web = Checker()
    web.phone({"phone": phone}, "phone", required=True)  # what the student form runs
    assert web.problems == []
    row = cells(phone=phone, guardian1_phone=phone, emergency1_phone=phone)
    assert problems_of(row) == []
    values, _problems = row_values(row)
    assert values["phone"] == phone  # stored as written: no guessing of a lost 0
    assert values["guardians"][0]["phone"] == phone


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("0231\u00a0123456", "0231 123456"),  # a no-break space, copied from a letter
        ("0170\u20131234567", "0170-1234567"),  # a dash as Word writes it
        ("+49\u202f231\u202f123456", "+49 231 123456"),
    ],
)
def test_spaces_and_dashes_copied_from_documents_are_made_plain(written, read):
    values, problems = row_values(cells(guardian1_phone=written, phone=written))
    assert problems == []
    assert (values["phone"], values["guardians"][0]["phone"]) == (read, read)
    assert students.check_student(values, TODAY) == []


@pytest.mark.parametrize("phone", ["call me", "12345", "0231 123456 (Mutter)", "4.92311E+11"])
def test_what_is_no_phone_number_is_refused_as_on_the_web_form(phone):
    web = Checker()
    web.phone({"phone": phone}, "phone", required=True)
    message = "Enter a phone number of digits, e.g. +49 231 123456."
    assert web.problems == [("phone", message)]
    assert problems_of(cells(guardian1_phone=phone)) == [("guardian1.phone", message)]


def test_a_phone_number_excel_stored_as_a_number_reads_as_written():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["guardian1_phone", "phone"])
    sheet.append([2311234567, 491701234567.0])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "list.xlsx")
    assert table.records[0][2] == ["2311234567", "491701234567"]
    values, problems = row_values(
        cells(**dict(zip(table.header, table.records[0][2], strict=True)))
    )
    assert problems == []
    assert students.check_student(values, TODAY) == []


# Names -----------------------------------------------------------------------------------

NAMES = [
    ("Jan", "van der Berg"),
    ("Ferdinand", "von Bülow"),
    ("María José", "de la Cruz"),
    ("Ada", "ten Brink-O'Neill"),
    ("Lucía", "D'Angelo"),
]


def test_names_with_particles_are_kept_as_written_from_an_xlsx_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["first_name", "last_name"])
    for first, last in NAMES:
        sheet.append([first, f" {last} "])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "list.xlsx")
    read = []
    for _first, _last, row in table.records:
        values, problems = row_values(cells(first_name=row[0].strip(), last_name=row[1].strip()))
        assert problems == [] and students.check_student(values, TODAY) == []
        read.append((values["first_name"], values["last_name"]))
    assert read == NAMES


def csv_file(rows: list[dict[str, str]]) -> bytes:
    lines = [";".join(COLUMN_NAMES)]
    lines += [";".join(row.get(name, "") for name in COLUMN_NAMES) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_names_with_particles_are_stored_as_written(app):
    rows = [
        cells(first_name=first, last_name=f"  {last} ", date_of_birth=f"{n}.3.10")
        for n, (first, last) in enumerate(NAMES, start=1)
    ]
    rows[0]["guardian1_name"] = "Eva  van der Berg"  # inner spaces as typed, only trimmed
    batch = imports.create_batch(csv_file(rows), "names.csv", None, None)
    imports.import_batch(batch, "all", None, TODAY)
    stored = db.session.execute(
        sa.select(Student.first_name, Student.last_name).order_by(Student.date_of_birth)
    ).all()
    assert [tuple(row) for row in stored] == NAMES
    guardian = db.session.scalars(
        sa.select(Guardian.name).join(Student).where(Student.first_name == "Jan")
    ).one()
    assert guardian == "Eva  van der Berg"


def test_the_sample_list_saved_four_ways_gives_the_same_students():
    header = SAMPLE_ROWS[0]
    dated = [header] + [
        [
            parse_date(cell) or "" if name in ("date_of_birth", "passport_expiry") else cell
            for name, cell in zip(header, row, strict=True)
        ]
        for row in SAMPLE_ROWS[1:]
    ]  # as Excel holds them: date cells
    files = [
        xlsx(("Schüler", dated)),
        csv_text(SAMPLE_ROWS, ";").encode("cp1252"),
        csv_text(SAMPLE_ROWS, "\t").encode("utf-16"),
        csv_text(SAMPLE_ROWS).encode("utf-8-sig"),
    ]
    read = []
    for data in files:
        table = read_table(data, "students")
        assert table.header == header
        students_read = []
        for _first, _last, row in table.records:
            values, problems = row_values(dict(zip(header, row, strict=True)))
            assert problems == [] and students.check_student(values, TODAY) == []
            students_read.append(values)
        read.append(students_read)
    assert read[0][1]["date_of_birth"] == date(2009, 7, 22)
    assert read[0][0]["passport_expiry"] == date(2031, 5, 31)
    assert read[1] == read[0] and read[2] == read[0] and read[3] == read[0]
