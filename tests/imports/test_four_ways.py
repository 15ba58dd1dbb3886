"""The sample list saved four ways a school office saves it imports the same students, through
the web: upload, the columns recognised, preview, import."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.models import Role, Student
from tests.conftest import Auth, post
from tests.imports.test_import import text_of, upload

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "static" / "samples" / "students-sample.csv"
# Windows-1252 has no ı or ş (Excel writes "?" for them): the sample as every format holds it.
ROWS = list(csv.reader(io.StringIO(SAMPLE.read_text("utf-8").replace("ı", "i").replace("ş", "s"))))
GERMAN = {
    "first_name": "Vorname",
    "last_name": "Nachname",
    "date_of_birth": "Geburtsdatum",
    "gender": "Geschlecht",
    "school": "Schule",
    "grade": "Klasse",
    "email": "E-Mail",
    "phone": "Handy",
    "guardian1_name": "Erziehungsberechtigte(r) 1",
    "guardian1_relation": "Erziehungsberechtigte(r) 1 Beziehung",
    "guardian1_phone": "Erziehungsberechtigte(r) 1 Telefon",
    "guardian1_email": "Erziehungsberechtigte(r) 1 E-Mail",
    "guardian2_name": "Erziehungsberechtigte(r) 2",
    "guardian2_relation": "Erziehungsberechtigte(r) 2 Beziehung",
    "guardian2_phone": "Erziehungsberechtigte(r) 2 Telefon",
    "guardian2_email": "Erziehungsberechtigte(r) 2 E-Mail",
    "emergency1_name": "Notfallkontakt",
    "emergency1_relation": "Notfallkontakt Beziehung",
    "emergency1_phone": "Notfallkontakt Telefon",
    "emergency1_email": "Notfallkontakt E-Mail",
    "diet": "Ernährung",
    "allergies": "Allergien",
    "pet_allergy": "Tierhaarallergie",
    "medical_notes": "Medizinische Hinweise",
    "no_pets": "Keine Haustiere",
    "no_smokers": "Nichtraucher",
    "interests": "Interessen",
    "languages": "Sprachen",
    "passport_number": "Reisepassnummer",
    "passport_expiry": "Pass gültig bis",
    "visa_status": "Visum",
}
DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$|^(\d\d)\.(\d\d)\.(\d{4})$")


def csv_text(rows: list[list[str]], separator: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def cell(text: str) -> object:
    """A cell as Excel keeps it: dates as dates, the rest as typed."""
    match = DATE.match(text)
    if not match:
        return text or None
    year, month, day = match.groups()[:3] if match.group(1) else match.groups()[3:][::-1]
    return date(int(year), int(month), int(day))


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Schüler"
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([cell(text) for text in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FOUR_WAYS = {
    "xlsx": (workbook(ROWS), "sample.xlsx", "Excel workbook, sheet “Schüler”"),
    "csv-utf-8": (csv_text(ROWS).encode("utf-8"), "sample.csv", "CSV, UTF-8, separated by commas"),
    "csv-windows-1252-semicolons": (
        csv_text(ROWS, ";").encode("cp1252"),
        "sample.csv",
        "CSV, Windows-1252, separated by semicolons",
    ),
    "csv-german-column-names": (
        csv_text([[GERMAN[name] for name in ROWS[0]], *ROWS[1:]], ";").encode("utf-8-sig"),
        "schueler.csv",
        "CSV, UTF-8 with BOM, separated by semicolons",
    ),
}

# The sample's students as the student form would have stored them.
EXPECTED = [
    {
        "name": ("Lena", "Müller"),
        "born": date(2010, 3, 14),
        "gender": "female",
        "school": ("Helmholtz-Gymnasium", "10b"),
        "contact": ("lena.mueller@example.org", "+49 170 1234567"),
        "care": ("vegetarian", "hazelnuts", False, None, False, True),
        "about": ("football, piano", "German, English"),
        "travel": ("C01X00T47", date(2031, 5, 31), "esta_applied"),
        "guardians": [
            ("Anna Müller", "mother", "+49 231 123456", "anna.mueller@example.org"),
            ("Jens Müller", "father", "+49 231 654321", None),
        ],
        "contacts": [("Eva Schmidt", "aunt", "+49 231 777888", None)],
    },
    {
        "name": ("Mehmet", "Yilmaz"),
        "born": date(2009, 7, 22),
        "gender": "male",
        "school": ("Helmholtz-Gymnasium", "11a"),
        "contact": (None, None),
        "care": ("halal", None, True, "Asthma; carries an inhaler.", True, False),
        "about": ("basketball", "German, Turkish, English"),
        "travel": (None, None, "not_started"),
        "guardians": [("Ayse Yilmaz", "mother", "0231 9876543", None)],
        "contacts": [("Kemal Yilmaz", "uncle", "0176 5551234", "kemal@example.org")],
    },
    {
        "name": ("Sophie", "O'Brien"),
        "born": date(2011, 1, 5),
        "gender": "female",
        "school": ("City Honors School", "9"),
        "contact": ("sophie.obrien@example.org", None),
        "care": ("none", None, False, None, False, True),
        "about": ('theatre, "Model UN"', "English, German"),
        "travel": (None, None, "not_needed"),
        "guardians": [("Mary O'Brien", "mother", "+1 716 555 0142", "mary.obrien@example.org")],
        "contacts": [("Patrick O'Brien", "grandfather", "+1 716 555 0199", None)],
    },
]


def person(row) -> tuple:
    return (row.name, row.relation, row.phone, row.email or None)


def stored(student: Student) -> dict:
    return {
        "name": (student.first_name, student.last_name),
        "born": student.date_of_birth,
        "gender": str(student.gender),
        "school": (student.school, student.grade),
        "contact": (student.email or None, student.phone or None),
        "care": (
            str(student.diet),
            student.allergies or None,
            student.pet_allergy,
            student.medical_notes or None,
            student.no_pets,
            student.no_smokers,
        ),
        "about": (student.interests, student.languages),
        "travel": (
            student.passport_number or None,
            student.passport_expiry,
            str(student.visa_status),
        ),
        "guardians": [person(g) for g in sorted(student.guardians, key=lambda g: g.position)],
        "contacts": [person(c) for c in student.emergency_contacts],
    }


@pytest.mark.parametrize("way", FOUR_WAYS, ids=list(FOUR_WAYS))
def test_the_sample_saved_four_ways_imports_the_same_students(app, auth: Auth, way):
    auth.login_as(Role.COORDINATOR)
    data, filename, described = FOUR_WAYS[way]
    response = upload(auth.client, data, filename=filename)
    assert response.status_code == 302, text_of(response)
    preview_url = response.headers["Location"]
    assert re.search(r"/students/import/\d+$", preview_url)  # no column to choose
    preview = text_of(auth.client.get(preview_url))
    assert f"Read as: {described}." in preview
    assert "Every row is valid." in preview
    done = post(auth.client, f"{preview_url}/confirm", {"mode": "all"}, follow_redirects=True)
    assert "3 students were imported." in text_of(done)
    with app.app_context():
        students = db.session.scalars(sa.select(Student).order_by(Student.id)).all()
        assert [stored(student) for student in students] == EXPECTED
