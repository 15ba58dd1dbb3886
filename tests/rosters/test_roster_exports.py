"""The roster as a spreadsheet user opens it: a German CSV that German Excel splits into
columns, an XLSX with numbers and dates as such, a filter, readable widths and the grouping."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Student
from tests.rosters.data import FULL_LABELS

BIRTHDAY = date(2010, 5, 3)


def get(client, cohort_id: int, name: str, query: str = "", language: str = "en"):
    response = client.get(
        f"/rosters/cohorts/{cohort_id}/{name}".rstrip("/") + f"?{query}",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def csv_text(response) -> str:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return text.removeprefix("\ufeff")


@pytest.mark.parametrize(("language", "separator"), [("de", ";"), ("en", ",")])
def test_the_csv_is_separated_as_the_readers_excel_expects(
    roster, coordinator, client, language, separator
):
    text = csv_text(get(client, roster.cohort_id, "roster.csv", "preset=full", language))

    dialect = csv.Sniffer().sniff(text)
    assert dialect.delimiter == separator
    rows = list(csv.reader(io.StringIO(text), dialect))
    heading, header, table = rows[:2], rows[2], rows[3:]
    assert len(header) == len(FULL_LABELS)
    assert {len(row) for row in rows} == {len(FULL_LABELS)}  # every line in the same columns
    assert heading[0][0].startswith("Buffalo cohort")  # the cohort, as the printout's title
    names = [row[0] for row in table]
    assert "Jonas Becker" in names
    becker = table[names.index("Jonas Becker")]
    assert becker[9] == "Peanuts (carries an EpiPen)"  # the allergies


def test_the_german_csv_speaks_german_and_says_it_is_confidential(roster, coordinator, client):
    text = csv_text(get(client, roster.cohort_id, "roster.csv", "preset=transport", "de"))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    assert "Vertraulich" in rows[1][0]
    assert "coordinator@example.org" in rows[1][0]
    assert rows[2] == ["Name", "Gastfamilie", "Ort", "Telefon der Familie"]
    assert ["Jonas Becker", "Familie Miller", "Amherst", "'+1 716 555 0101"] in rows


def test_the_separator_can_be_chosen(roster, coordinator, client):
    page = get(client, roster.cohort_id, "", "preset=transport", "de").get_data(as_text=True)
    assert "Deutsch (Semikolons)" in page and "separator=comma" in page
    query = "preset=transport&separator=comma"
    text = csv_text(get(client, roster.cohort_id, "roster.csv", query, "de"))

    assert csv.Sniffer().sniff(text).delimiter == ","


def test_a_cell_that_would_run_as_a_formula_stays_text_in_a_german_csv(
    app, roster, coordinator, client
):
    with app.app_context():
        student = db.session.scalars(db.select(Student).filter_by(last_name="Becker")).one()
        student.allergies = '=HYPERLINK("https://evil.example/";"Klick")'
        db.session.commit()
    query = "columns=name&columns=allergies"
    text = csv_text(get(client, roster.cohort_id, "roster.csv", query, "de"))

    # The value holds the separator and quotes: it is quoted, and its quotes doubled.
    assert '"\'=HYPERLINK(""https://evil.example/"";""Klick"")"' in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Jonas Becker", "'" + '=HYPERLINK("https://evil.example/";"Klick")'] in rows


def xlsx(response):
    return load_workbook(io.BytesIO(response.data)).active


def test_the_xlsx_has_typed_cells_a_filter_a_frozen_header_and_widths_from_the_content(
    app, roster, coordinator, client
):
    with app.app_context():
        for student in db.session.scalars(db.select(Student)):
            student.date_of_birth = BIRTHDAY
        db.session.commit()
    query = "columns=name&columns=age&columns=date_of_birth&columns=medical"
    sheet = xlsx(get(client, roster.cohort_id, "roster.xlsx", query))

    assert "Produced" in sheet["A2"].value and "Confidential" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["Name", "Age", "Date of birth", "Medical notes"]
    assert sheet.auto_filter.ref == "A3:D10"  # the header row and the seven students
    assert sheet.freeze_panes == "A4"
    ages = [row[1] for row in sheet.iter_rows(min_row=4)]
    assert {cell.data_type for cell in ages} == {"n"}
    assert all(isinstance(cell.value, int) and 10 < cell.value < 30 for cell in ages)
    born = [row[2] for row in sheet.iter_rows(min_row=4)]
    assert all(cell.is_date for cell in born)
    assert {cell.value for cell in born} == {datetime(2010, 5, 3)}
    widths = {sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert len(widths) >= 3  # from the content, not one width for all
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["B"].width
    assert max(widths) <= 50


def test_the_xlsx_keeps_the_grouping_as_its_first_column(roster, coordinator, client):
    query = "columns=name&columns=town&group=family"
    sheet = xlsx(get(client, roster.cohort_id, "roster.xlsx", query))

    assert [c.value for c in sheet[3]] == ["Host family", "Name", "Town"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert ["The Miller family", "Jonas Becker", "Amherst"] in rows
    assert ["The Miller family", "Tim Schulz", "Amherst"] in rows
    assert rows[-1][0] == "Not placed yet"


def test_grouped_by_teacher_the_chosen_teacher_column_leads(roster, coordinator, client):
    query = "columns=name&columns=teacher&group=teacher"
    sheet = xlsx(get(client, roster.cohort_id, "roster.xlsx", query))

    assert [c.value for c in sheet[3]] == ["Supervising teacher", "Name"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert ["Anna Lehmann; +49 171 2000001", "Jonas Becker"] in rows
    assert all("\u00a0" not in str(value) for row in rows for value in row)  # plain spaces


def test_the_family_list_has_the_heading_too(roster, coordinator, client):
    sheet = xlsx(get(client, roster.cohort_id, "families.xlsx"))

    assert "Host families" in sheet["A1"].value
    assert "4 families" in sheet["A1"].value
    assert sheet.auto_filter.ref.startswith("A3:")
