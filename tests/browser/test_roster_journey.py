"""A coordinator chooses a roster's columns, prints it (a PDF of the print view in headless
Chromium) and downloads it as PDF, CSV and XLSX; every file's rows match the database. A teacher
can produce only her own cohort's roster, and only her own students when she asks for them."""

from __future__ import annotations

import csv
import re
import unicodedata

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Enrolment,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Role,
    Student,
)
from tests.conftest import PASSWORD, make_user
from tests.factories import TEACHER_PASSWORD, enrol, make_cohort, make_student
from tests.rosters.data import build

# The medical preset, plus the host family, minus the emergency contacts; in the page's order.
CHOSEN = ["Name", "Host family", "Allergies", "Diet", "Medical notes"]
# Grouped by host family, the printout shows the family in the group headings, not in a
# column; a spreadsheet has it as its first column, for its filter.
PRINTED = ["Name", "Allergies", "Diet", "Medical notes"]
SPREADSHEET = ["Host family", "Name", "Allergies", "Diet", "Medical notes"]
LETTER_PORTRAIT = (612, 792)  # points; ≤ 6 columns print portrait
GROUP_HEADING = re.compile(r"(The \S+ family|Not placed yet) \((\d+)\)")
ANNAS_STUDENTS = {"Becker", "Demir", "Fischer", "Hoffmann"}


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def roster_in_database(app, cohort_id: int) -> list[dict]:
    """Every student holding a place in the cohort with the family of their active placement,
    straight from the tables: withdrawn students and cancelled placements are left out."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Student, HostFamily.family_name)
            .select_from(Enrolment)
            .join(Student, Student.id == Enrolment.student_id)
            .outerjoin(
                Placement,
                (Placement.enrolment_id == Enrolment.id)
                & (Placement.status == PlacementStatus.ACTIVE),
            )
            .outerjoin(HostApplication, HostApplication.id == Placement.application_id)
            .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status.in_(HOLDS_PLACE))
        ).all()
        students = [
            {
                "last": student.last_name,
                "first": student.first_name,
                "name": f"{student.first_name} {student.last_name}",
                "family": family or "",
                "allergies": student.allergies,
                "medical": student.medical_notes,
            }
            for student, family in rows
        ]
    # Grouped by host family: the families by name, the students not placed yet last, and by
    # last name inside a group.
    students.sort(key=lambda s: (s["last"].casefold(), s["first"].casefold()))
    students.sort(key=lambda s: (s["family"] == "", s["family"].casefold()))
    return students


def family_cell(student: dict) -> str:
    return f"The {student['family']} family" if student["family"] else "not placed yet"


def pdf_text(path) -> tuple[str, list[tuple[int, int]]]:
    """The PDF's text on one line (ligatures such as the "ff" of Hoffmann back to letters, line
    breaks inside table cells as spaces) and the size of each page in points."""
    reader = PdfReader(path)
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages))
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    return " ".join(text.split()), sizes


def check_pdf(path, students: list[dict]) -> str:
    text, sizes = pdf_text(path)
    assert sizes and all(size == LETTER_PORTRAIT for size in sizes), sizes
    assert "Confidential" in text
    assert " ".join(PRINTED) in text  # the column heads
    assert "Zimmermann" not in text  # withdrawn
    assert "not placed yet" not in text  # no family column under the headings
    # In the order of the groups, every student under the heading of the family they live
    # with, each heading counting its students.
    positions = []
    for student in students:
        assert student["name"] in text, student["name"]
        positions.append(text.index(student["name"]))
        heading = [h for h in GROUP_HEADING.finditer(text) if h.start() < positions[-1]][-1]
        assert heading.group(1) == (family_cell(student) if student["family"] else "Not placed yet")
        members = [s for s in students if family_cell(s) == family_cell(student)]
        assert int(heading.group(2)) == len(members)
    assert positions == sorted(positions)
    return text


def check_table(table: list[list[str]], students: list[dict]) -> None:
    heading, table = table[:2], table[2:]  # what the list is; produced when, by whom
    assert "Buffalo autumn 2027" in heading[0][0] and "Confidential" in heading[1][0]
    assert table[0] == SPREADSHEET
    expected = [[family_cell(s), s["name"], s["allergies"], s["medical"]] for s in students]
    assert [[row[0], row[1], row[2], row[4]] for row in table[1:]] == expected


def test_coordinator_chooses_columns_prints_and_downloads_the_roster(app, page, tmp_path):
    data = build(app, name="Buffalo autumn 2027")
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    students = roster_in_database(app, data.cohort_id)
    names = [s["name"] for s in students]
    assert len(names) == 7 and "Emma Zimmermann" not in names  # the withdrawn student is out
    assert family_cell(students[names.index("Paul Hoffmann")]) == "not placed yet"  # cancelled

    # Choose the columns: the medical preset, plus the host family, minus emergency contacts,
    # grouped by host family.
    log_in(page, "coordinator@example.org")
    page.goto(f"/cohorts/{data.cohort_id}")
    page.get_by_role("link", name="Roster and printing").click()
    page.get_by_role("link", name="Medical", exact=True).click()
    columns = page.get_by_role("group", name="Columns")
    columns.get_by_label("Host family").check()
    columns.get_by_label("Emergency contacts").uncheck()
    page.get_by_role("group", name="Group by").get_by_label("Host family").check()
    expect(page.get_by_label("Paper")).to_have_value("letter")  # the browser speaks en-US
    with page.expect_navigation():  # the preset's preview was shown already: wait for this one
        page.get_by_role("button", name="Show roster").click()

    preview = page.locator(".roster-preview")
    assert preview.locator("th[scope=col]").all_inner_texts() == PRINTED
    shown = " ".join(preview.inner_text().split())
    for student in students:
        assert student["name"] in shown
    assert "Zimmermann" not in shown

    # Print: the print view as headless Chromium prints it. The PDF is asked for in A4 while
    # the page's stylesheet asks for US Letter, so Letter proves the stylesheet's size wins.
    with page.expect_navigation():  # printed once the stylesheet (its page size) has loaded
        page.get_by_role("link", name="Print view").click()
    expect(page.get_by_text("Paper: US Letter, portrait.")).to_be_visible()
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed), format="A4", prefer_css_page_size=True)
    text = check_pdf(printed, students)
    assert "Download PDF" not in text and "Back" not in text  # the toolbar stays on screen
    page.emulate_media(media="screen")

    # Back on the chooser, download the same roster as PDF, CSV and XLSX.
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", name="Roster of Buffalo autumn 2027")).to_be_visible()
    files = {}
    for button, suffix in (("Download PDF", "pdf"), ("CSV", "csv"), ("Excel (XLSX)", "xlsx")):
        with page.expect_download() as download:
            page.locator(".actions-bar").get_by_role("link", name=button, exact=True).click()
        name = download.value.suggested_filename
        assert re.fullmatch(rf"Buffalo_autumn_2027-roster-\d{{4}}-\d\d-\d\d\.{suffix}", name)
        files[suffix] = tmp_path / name
        download.value.save_as(files[suffix])

    check_pdf(files["pdf"], students)
    with open(files["csv"], encoding="utf-8-sig", newline="") as handle:
        check_table(list(csv.reader(handle)), students)
    book = load_workbook(files["xlsx"], read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    check_table([["" if cell is None else cell for cell in row] for row in rows], students)
    book.close()


def test_a_teacher_prints_only_her_own_cohort(app, page):
    data = build(app, name="Buffalo autumn 2027")
    other = make_cohort(app, name="Buffalo spring 2028")
    enrol(app, make_student(app, first_name="Ole", last_name="Fremd"), other)
    students = roster_in_database(app, data.cohort_id)

    log_in(page, data.teacher_emails["Anna Lehmann"], TEACHER_PASSWORD)
    page.get_by_role("link", name="Your cohorts").click()
    cohort = page.get_by_role("region", name="Buffalo autumn 2027")
    with page.expect_navigation():  # the roster read is the whole of it
        cohort.get_by_role("link", name="Print my students").click()  # no page in between

    mine = " ".join(page.locator(".roster-preview").inner_text().split())
    assert "4 students" in mine
    for student in students:
        assert (student["name"] in mine) == (student["last"] in ANNAS_STUDENTS), student["name"]

    # Another cohort's roster, asked for by its address: as if it did not exist.
    for address in ("", "/print", "/roster.csv", "/roster.pdf"):
        response = page.goto(f"/rosters/cohorts/{other}{address}")
        assert response is not None and response.status == 404, address
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        assert "Ole Fremd" not in page.content()
