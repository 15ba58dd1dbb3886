"""The roster, the emergency cards and the family list as files: each file is opened the way
its reader would open it and its rows are checked against the database."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.extensions import db
from app.models import (
    ApplicationStatus,
    Enrolment,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Student,
    User,
)
from app.models.families import application_cohorts
from tests.factories import make_vetted_family
from tests.rosters.data import FULL_LABELS
from tests.services.roster.test_roster_service import students_in_database

A4_LANDSCAPE = (842, 595)  # points
LETTER_PORTRAIT = (612, 792)
WITHDRAWN = "Zimmermann"


def download(client, cohort_id: int, name: str, query: str = "") -> bytes:
    response = client.get(f"/rosters/cohorts/{cohort_id}/{name}" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data


def without_heading(rows: list[list]) -> list[list]:
    """The table of a file: below the two lines that say what the list is, when and by whom it
    was produced and that it is confidential, as the printed list does."""
    heading, rows = rows[:2], rows[2:]
    assert " · " in heading[0][0]
    assert "Produced" in heading[1][0] and "Confidential" in heading[1][0]
    assert all(value in ("", None) for line in heading for value in line[1:])
    return rows


def read_csv(data: bytes) -> list[list[str]]:
    content = data.decode("utf-8")
    assert content.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    return without_heading(list(csv.reader(io.StringIO(content.removeprefix("\ufeff")))))


def read_xlsx(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [["" if value is None else value for value in row] for row in sheet.values]
    return without_heading(rows)


READERS = {"csv": read_csv, "xlsx": read_xlsx}


def as_in_a_spreadsheet(value: str) -> str:
    """A cell a spreadsheet would run as a formula (a phone number starting with "+", say)
    carries a leading apostrophe in CSV and XLSX files."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space (line breaks in table cells) made one."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_sizes(data: bytes) -> set[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(data))
    return {(round(page.mediabox.width), round(page.mediabox.height)) for page in reader.pages}


# The roster --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_spreadsheet_rows_match_the_database(app, roster, coordinator, client, fmt):
    data = download(client, roster.cohort_id, f"roster.{fmt}", "preset=full")
    header, *rows = READERS[fmt](data)

    assert header == FULL_LABELS
    expected = students_in_database(app, roster.cohort_id)
    assert len(rows) == len(expected) == 7
    for row, student in zip(rows, expected, strict=True):
        cell = dict(zip(header, row, strict=True))
        assert cell["Name"] == student.name
        assert cell["Host family"] == student.family
        assert cell["Address"] == "; ".join(student.address)
        assert cell["Family phones"] == as_in_a_spreadsheet("; ".join(student.phones))
        assert cell["Supervising teacher"] == "; ".join(student.teacher)
        assert cell["Allergies"] == student.allergies
        assert cell["Medical notes"] == student.medical
    assert WITHDRAWN not in str(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_spreadsheet_has_only_the_columns_chosen(roster, coordinator, client, fmt):
    data = download(client, roster.cohort_id, f"roster.{fmt}", "preset=transport&sort=town")
    header, *rows = READERS[fmt](data)

    assert header == ["Name", "Host family", "Town", "Family phones"]
    assert rows[0] == ["Jonas Becker", "The Miller family", "Amherst", "'+1 716 555 0101"]
    assert rows[-1] == ["Linh Nguyen", "not placed yet", "", ""]


@pytest.mark.slow  # PDF rendering
def test_the_pdf_lists_every_current_student_with_their_family(app, roster, coordinator, client):
    text = pdf_text(download(client, roster.cohort_id, "roster.pdf", "preset=full"))

    for student in students_in_database(app, roster.cohort_id):
        assert student.name in text
        assert student.family in text
        for line in student.teacher:
            assert line in text
    assert WITHDRAWN not in text
    assert "Brien" not in text  # the O'Briens host nobody since Paul Hoffmann moved out
    assert "Confidential" in text


@pytest.mark.slow  # PDF rendering
@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("paper=a4&preset=full", A4_LANDSCAPE),  # twelve columns: landscape
        ("paper=letter&preset=transport", LETTER_PORTRAIT),  # four columns: portrait
    ],
)
def test_the_pdf_is_on_the_paper_chosen(roster, coordinator, client, query, size):
    data = download(client, roster.cohort_id, "roster.pdf", query)

    assert page_sizes(data) == {size}


# Emergency cards ---------------------------------------------------------------------------


@pytest.mark.slow  # PDF rendering
def test_the_emergency_cards_carry_each_student_and_the_numbers_to_call(
    app, roster, coordinator, client
):
    app.config["CONSULATE_PHONE"] = "+1 212 555 0199"
    text = pdf_text(download(client, roster.cohort_id, "cards.pdf"))

    for student in students_in_database(app, roster.cohort_id):
        assert student.name in text
        for phone in student.phones:
            assert phone in text
    assert "911" in text
    assert "+1 212 555 0199" in text  # the consulate, as configured
    assert WITHDRAWN not in text


# The family list ---------------------------------------------------------------------------


def families_in_database(app, cohort_id: int) -> list[list[str]]:
    """Each approved family offering to host the cohort, by town, as the list words it."""
    query = (
        sa.select(
            HostApplication, HostFamily.family_name, User.email, application_cohorts.c.beds_taken
        )
        .join(application_cohorts, application_cohorts.c.application_id == HostApplication.id)
        .join(HostFamily, HostFamily.id == HostApplication.family_id)
        .join(User, User.id == HostFamily.user_id)
        .where(
            application_cohorts.c.cohort_id == cohort_id,
            HostApplication.status == ApplicationStatus.APPROVED,
        )
        .order_by(HostApplication.city)
    )
    placed = (
        sa.select(Placement.application_id, Student.first_name, Student.last_name)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Placement.cohort_id == cohort_id, Placement.status == PlacementStatus.ACTIVE)
        .order_by(Student.first_name, Student.last_name)
    )
    with app.app_context():
        students: dict[int, list[str]] = {}
        for application_id, first, last in db.session.execute(placed):
            students.setdefault(application_id, []).append(f"{first} {last}")
        return [
            [
                f"The {name} family",
                f"{home.address_line}; {home.city}, {home.state} {home.postal_code}",
                as_in_a_spreadsheet(home.phone),
                email,
                "; ".join(students.get(home.id, [])) or "—",
                f"{beds_taken} of {home.beds_offered}",
            ]
            for home, name, email, beds_taken in db.session.execute(query)
        ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_family_list_matches_the_approved_families(app, roster, coordinator, client, fmt):
    make_vetted_family(app, [roster.cohort_id], "home_visited", family_name="Pending")
    make_vetted_family(app, [roster.cohort_id], "declined", family_name="Declined")
    header, *rows = READERS[fmt](download(client, roster.cohort_id, f"families.{fmt}"))

    assert header == ["Host family", "Address", "Phones", "Email", "Placed students", "Beds taken"]
    expected = families_in_database(app, roster.cohort_id)
    assert [row[0] for row in expected] == [  # by town
        "The Miller family",
        "The Schneider family",
        "The Kowalczyk family",
        "The O'Brien family",
    ]
    assert rows == expected
    assert "Pending" not in str(rows)
    assert "Declined" not in str(rows)
