"""A student whose guardians withdrew their consent stays on the roster for their safety, but
only with safety data: name, host family, address, family phones, teacher, emergency contacts,
allergies, diet and medical notes. Every other column reads "—", and the row says
"consent withdrawn — safety data only" on screen, in print, in the PDF and (joined to the
first cell, the name) in CSV and XLSX. Emergency cards still print. A student with an active
consent, or none recorded yet, is printed in full."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from app.extensions import db
from app.models import Cohort, Enrolment, GuardianConsent
from app.printing.sheet import plain
from app.services.enrolment import documents
from app.services.roster import lists, rosters
from app.services.roster.rosters import COLUMNS, PRESETS, Options
from tests.rosters.data import FULL_LABELS
from tests.rosters.test_roster_files import READERS, download, pdf_text

NOTE = "consent withdrawn — safety data only"
WORDING = documents.current_wording_version()
EMERGENCY = "Onkel Otto (uncle) +49 231 777777"  # every student's, from the factories
TIM_MEDICAL = "Type 1 diabetes: insulin pen, check at meals."


def give_consent(app, enrolment_id: int) -> int:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        consent = documents.record_consent(
            enrolment, "Maria Schulz", datetime(2026, 1, 10), WORDING, None
        )
        db.session.commit()
        return consent.id


def withdraw(app, consent_id: int) -> None:
    with app.app_context():
        documents.withdraw_consent(db.session.get(GuardianConsent, consent_id), None, "Phoned")
        db.session.commit()


@pytest.fixture
def consents(app, roster):
    """Tim Schulz's consent is withdrawn (he lives with the Millers), Jonas Becker's is active,
    Aylin Demir has none recorded yet."""
    withdraw(app, give_consent(app, roster.enrolments["Schulz"]))
    give_consent(app, roster.enrolments["Becker"])
    return roster


def sheet_rows(app, cohort_id: int, columns: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """The roster's rows by the first line of their first cell, and which rows are marked."""
    with app.test_request_context():
        sheet = rosters.build(db.session.get(Cohort, cohort_id), Options(columns))
        rows = {  # phone numbers with plain spaces (on paper they do not break)
            row[0][0]: [[plain(line) for line in cell] for cell in row]
            for group in sheet.groups
            for row in group.rows
        }
        marked = [group.rows[i][0][0] for group in sheet.groups for i in group.marked]
    return rows, marked


def test_the_row_carries_safety_data_only_and_says_so(app, consents):
    every_column = tuple(COLUMNS)
    rows, marked = sheet_rows(app, consents.cohort_id, every_column)
    tim = dict(zip(every_column, rows["Tim Schulz"], strict=True))

    assert marked == ["Tim Schulz"]
    assert tim["name"] == ["Tim Schulz", NOTE]
    for withheld in ("age", "date_of_birth", "gender", "school", "student_phone", "guardians"):
        assert tim[withheld] == ["—"], withheld
    assert tim["family"] == ["The Miller family"]
    assert tim["address"][0] == "45 Maple Road"
    assert tim["town"] == ["Amherst"]
    assert tim["family_phone"] == ["+1 716 555 0101"]
    assert tim["teacher"] == ["Bernd Vogel", "+49 171 2000002"]
    assert tim["emergency"] == [EMERGENCY]
    assert tim["diet"] == ["no special diet"]
    assert tim["medical"] == [TIM_MEDICAL]


def test_an_active_consent_or_none_recorded_prints_in_full(app, consents):
    every_column = tuple(COLUMNS)
    rows, _marked = sheet_rows(app, consents.cohort_id, every_column)
    for name in ("Jonas Becker", "Aylin Demir"):
        row = dict(zip(every_column, rows[name], strict=True))
        assert row["name"] == [name]
        assert row["school"][0] == "Goethe-Gymnasium"
        assert row["age"] != ["—"]
        assert row["guardians"][0].endswith("(mother) +49 231 654321")


def test_the_note_goes_into_the_first_column_chosen(app, consents):
    rows, marked = sheet_rows(app, consents.cohort_id, ("age", "school"))
    assert marked == ["—"]
    assert [row for row in rows.values() if NOTE in row[0]] == [[["—", NOTE], ["—"]]]


def test_the_roster_page_marks_the_row(consents, coordinator, client):
    page = client.get(f"/rosters/cohorts/{consents.cohort_id}?preset=full").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, re.DOTALL)
    (tim,) = [row for row in rows if "Tim Schulz" in row]
    assert 'class="consent-withdrawn"' in tim
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", tim)).split())
    assert NOTE in shown
    assert "Goethe-Gymnasium" not in shown and "grade" not in shown  # school
    assert "(mother)" not in shown  # guardians
    assert EMERGENCY in shown and TIM_MEDICAL in shown
    (jonas,) = [row for row in rows if "Jonas Becker" in row]
    assert "consent-withdrawn" not in jonas and "Goethe-Gymnasium" in jonas


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_spreadsheets_note_it_in_the_name_cell(consents, coordinator, client, fmt):
    header, *rows = READERS[fmt](
        download(client, consents.cohort_id, f"roster.{fmt}", "preset=full")
    )
    assert header == FULL_LABELS
    cells = {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    tim = cells[f"Tim Schulz; {NOTE}"]
    assert tim["Age"] == tim["School"] == tim["Guardians"] == "—"
    assert tim["Emergency contacts"] == EMERGENCY
    assert tim["Medical notes"] == TIM_MEDICAL
    assert tim["Host family"] == "The Miller family"
    jonas = cells["Jonas Becker"]
    assert jonas["School"].startswith("Goethe-Gymnasium")
    assert jonas["Guardians"] != "—"


def test_the_pdf_says_it_and_the_emergency_card_still_prints(app, consents, coordinator, client):
    text = pdf_text(download(client, consents.cohort_id, "roster.pdf", "preset=full"))
    assert "Tim Schulz" in text
    assert NOTE in text
    assert TIM_MEDICAL in text

    cards = pdf_text(download(client, consents.cohort_id, "cards.pdf"))
    assert "Tim Schulz" in cards and "+1 716 555 0101" in cards
    with app.test_request_context():
        found = lists.cards(db.session.get(Cohort, consents.cohort_id))
    (card,) = [card for card in found if card.student == "Tim Schulz"]
    assert card.family == "Miller" and card.teacher == "Bernd Vogel"


def test_the_medical_preset_keeps_everything_it_prints(app, consents):
    rows, marked = sheet_rows(app, consents.cohort_id, PRESETS["medical"])
    assert marked == ["Tim Schulz"]
    assert rows["Tim Schulz"] == [["Tim Schulz", NOTE], [EMERGENCY], [], ["no special diet"],
                                  [TIM_MEDICAL]]  # fmt: skip
