"""The mapping step of the student import: which column is which field, guessed from English
and German names, chosen or ignored by the person, remembered per school."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ImportBatch, ImportMapping, Role, Student
from app.services.enrolment import import_mapping
from tests.conftest import Auth, count, post
from tests.imports.test_import import BORN, URL, csv_bytes, student_row, text_of, upload

# The sample's fields under the names a German school office gives them.
GERMAN = {
    "first_name": "Vorname",
    "last_name": "Nachname",
    "date_of_birth": "Geburtsdatum",
    "gender": "Geschlecht",
    "school": "Schule",
    "grade": "Klasse",
    "email": "E-Mail",
    "guardian1_name": "Erziehungsberechtigte(r)",
    "guardian1_relation": "Erziehungsberechtigte(r) Beziehung",
    "guardian1_phone": "Telefon Erziehungsberechtigte(r)",
    "guardian2_name": "Erziehungsberechtigter 2",
    "guardian2_relation": "Erziehungsberechtigter 2 Beziehung",
    "guardian2_phone": "Erziehungsberechtigter 2 Handy",
    "emergency1_name": "Notfallkontakt",
    "emergency1_relation": "Notfallkontakt Beziehung",
    "emergency1_phone": "Notfallkontakt Telefon",
}


@pytest.fixture
def staff(auth: Auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


def named_csv(rows: list[dict], names: dict[str, str], extra: dict[str, str] | None = None):
    """A CSV whose columns carry other names: names maps our field to the file's column name;
    extra adds columns of the file's own (name -> the value of every row)."""
    extra = extra or {}
    header = [*names.values(), *extra]
    lines = [{names[key]: value for key, value in row.items() if key in names} for row in rows]
    for line in lines:
        line.update(extra)
    return csv_bytes(lines, columns=header, delimiter=";")


def uploaded(client, data: bytes) -> tuple[int, str]:
    """The batch of an upload and where the upload led: "preview" or "columns"."""
    response = upload(client, data)
    assert response.status_code == 302, text_of(response)
    match = re.search(r"/students/import/(\d+)(/columns)?$", response.headers["Location"])
    return int(match.group(1)), "columns" if match.group(2) else "preview"


def columns_of(client, batch_id: int, **choices: str):
    """Post the mapping page with a choice per column index (column_0=...)."""
    return post(client, f"{URL}/{batch_id}/columns", choices)


def mapping_of(app, batch_id: int):
    with app.app_context():
        return db.session.get(ImportBatch, batch_id).mapping


# Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("first_name", "first_name"),
        ("First name", "first_name"),
        ("FIRST-NAME", "first_name"),
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("Date of birth", "date_of_birth"),
        ("Geburtsdatum", "date_of_birth"),
        ("Geb.-Datum", "date_of_birth"),
        ("Geschlecht", "gender"),
        ("Schule", "school"),
        ("Klasse", "grade"),
        ("E-Mail", "email"),
        ("Telefon", "phone"),
        ("Handy", "phone"),
        ("Guardian 1 phone", "guardian1_phone"),
        ("Erziehungsberechtigte(r)", "guardian1_name"),
        ("Erziehungsberechtigter 1", "guardian1_name"),
        ("Telefon Erziehungsberechtigte(r) 1", "guardian1_phone"),
        ("Erziehungsberechtigte(r) 2 E-Mail", "guardian2_email"),
        ("Notfallkontakt", "emergency1_name"),
        ("Notfallkontakt Telefon", "emergency1_phone"),
        ("Allergien", "allergies"),
        ("Ernährung", "diet"),
        ("ERNAEHRUNG", "diet"),
        ("Reisepassnummer", "passport_number"),
        ("Pass gültig bis", "passport_expiry"),
    ],
)
def test_known_names_in_english_and_german(name, field):
    assert import_mapping.guess([name]) == [field]


def test_no_name_is_known_for_two_fields():
    fields_per_name: dict[str, set[str]] = {}
    for field in import_mapping.FIELDS:
        for name in (field, *import_mapping.SYNONYMS.get(field, ())):
            fields_per_name.setdefault(import_mapping.normalise(name), set()).add(field)
    assert {name: f for name, f in fields_per_name.items() if len(f) > 1} == {}


def test_an_unknown_name_and_a_second_column_for_a_field_are_not_guessed():
    assert import_mapping.guess(["Bemerkung", "Telefon", "Handy"]) == [None, "phone", None]


# The page --------------------------------------------------------------------------------


def test_german_column_names_go_straight_to_the_preview_and_import(app, staff):
    rows = [student_row(1, date_of_birth=BORN.strftime("%d.%m.%Y"), gender="w"), student_row(2)]
    batch_id, step = uploaded(staff, named_csv(rows, GERMAN))
    assert step == "preview"
    preview = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "Every row is valid." in preview
    assert "Geburtsdatum → Date of birth" in preview
    assert f'href="{URL}/{batch_id}/columns"' in preview  # the mapping can still be changed
    shown = choices_of(staff, batch_id)
    assert [shown[f"column_{i}"] for i in range(len(GERMAN))] == list(GERMAN)
    post(staff, f"{URL}/{batch_id}/confirm", {"mode": "all"})
    with app.app_context():
        created = db.session.scalars(sa.select(Student).order_by(Student.id)).all()
        assert [(s.first_name, s.date_of_birth, s.gender) for s in created] == [
            ("Lena1", BORN, "female"),
            ("Lena2", BORN, "female"),
        ]
        assert [g.name for g in created[0].guardians] == ["Anna Müller 1", "Jens Müller 1"]


def test_an_unknown_column_must_be_chosen_or_ignored(app, staff):
    data = named_csv([student_row(1)], GERMAN, extra={"Bemerkung": "kommt später"})
    batch_id, step = uploaded(staff, data)
    assert step == "columns"
    page = text_of(staff.get(f"{URL}/{batch_id}/columns"))
    assert "Bemerkung" in page and "kommt später" in page  # the column with a sample value
    assert page.count("not recognised") == 1
    assert '<optgroup label="Guardians"><option value="guardian1_name">Guardian 1: name' in page
    extra = len(GERMAN)  # the extra column's index

    left_open = columns_of(staff, batch_id, **choices_of(staff, batch_id))
    assert left_open.status_code == 400
    assert "Choose the field of this column, or ignore it." in text_of(left_open)
    assert "<title>Error:" in text_of(left_open)
    assert mapping_of(app, batch_id) is None
    assert count(app, ImportMapping) == 0

    ignored = columns_of(
        staff, batch_id, **{**choices_of(staff, batch_id), f"column_{extra}": "ignore"}
    )
    assert ignored.status_code == 302
    assert ignored.headers["Location"].endswith(f"{URL}/{batch_id}")
    assert mapping_of(app, batch_id)[extra] == ""
    assert 'Bemerkung → <span class="muted">ignored</span>' in text_of(
        staff.get(f"{URL}/{batch_id}")
    )


def choices_of(client, batch_id: int) -> dict[str, str]:
    """The choices the mapping page shows selected, as a browser would post them."""
    page = text_of(client.get(f"{URL}/{batch_id}/columns"))
    choices = {}
    for name, options in re.findall(
        r'<select[^>]*name="(column_\d+)"[^>]*>(.*?)</select>', page, re.S
    ):
        selected = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options
        )
        choices[name] = selected.group(1) if selected else ""
    return choices


def test_a_field_chosen_for_two_columns_is_refused(app, staff):
    data = named_csv([student_row(1)], GERMAN, extra={"Bemerkung": "x"})
    batch_id, _step = uploaded(staff, data)
    twice = {**choices_of(staff, batch_id), f"column_{len(GERMAN)}": "first_name"}
    response = columns_of(staff, batch_id, **twice)
    assert response.status_code == 400
    assert "First name is already chosen for the column “Vorname”." in text_of(response)
    assert mapping_of(app, batch_id) is None


def test_required_fields_not_chosen_are_named_before_the_preview(app, staff):
    names = {key: value for key, value in GERMAN.items() if key != "guardian1_phone"}
    names["guardian1_phone"] = "Betreuer Handy"  # a name no list knows
    del names["gender"]
    batch_id, step = uploaded(staff, named_csv([student_row(1)], names))
    assert step == "columns"
    page = text_of(staff.get(f"{URL}/{batch_id}/columns"))
    assert "Still missing: Gender, Guardian 1: phone." in page
    assert text_of(staff.get(f"{URL}/{batch_id}", follow_redirects=True)).count(
        "Which column is which?"
    )  # no preview before the columns are chosen

    index = list(names).index("guardian1_phone")
    ignored = columns_of(
        staff, batch_id, **{**choices_of(staff, batch_id), f"column_{index}": "ignore"}
    )
    assert ignored.status_code == 400
    assert "Still missing: Gender, Guardian 1: phone." in text_of(ignored)

    chosen = {**choices_of(staff, batch_id), f"column_{index}": "guardian1_phone"}
    still = columns_of(staff, batch_id, **chosen)
    assert still.status_code == 400
    assert "Still missing: Gender." in text_of(still)
    assert mapping_of(app, batch_id) is None


def test_a_confirmed_mapping_is_remembered_for_the_school(app, staff):
    names = {**GERMAN, "guardian1_phone": "Betreuer Handy"}
    first = named_csv([student_row(1)], names, extra={"Bemerkung": "x"})
    batch_id, step = uploaded(staff, first)
    assert step == "columns"
    index = list(names).index("guardian1_phone")
    choices = {
        **choices_of(staff, batch_id),
        f"column_{index}": "guardian1_phone",
        f"column_{len(names)}": "ignore",
    }
    response = columns_of(staff, batch_id, **choices)
    assert response.status_code == 302
    again = columns_of(staff, batch_id, **choices)  # a double submit changes nothing
    assert again.status_code == 302
    with app.app_context():
        kept = db.session.scalars(sa.select(ImportMapping)).one()
        assert kept.school == "Helmholtz-Gymnasium"
        assert kept.fields[index] == "guardian1_phone" and kept.fields[-1] == ""

    # The school's next file: other students, the same columns (in other case and spacing).
    header_changed = {key: value.upper() for key, value in names.items()}
    rows = [student_row(7), student_row(8)]
    next_id, step = uploaded(staff, named_csv(rows, header_changed, extra={"BEMERKUNG": "y"}))
    assert step == "preview"
    assert mapping_of(app, next_id) == mapping_of(app, batch_id)
    assert "Every row is valid." in text_of(staff.get(f"{URL}/{next_id}"))

    # Another school with the same columns is asked.
    other = [student_row(9, school="Käthe-Kollwitz-Gymnasium")]
    other_id, step = uploaded(staff, named_csv(other, names, extra={"Bemerkung": "z"}))
    assert step == "columns"
    assert mapping_of(app, other_id) is None


def test_a_tampered_mapping_form_is_refused_and_nothing_is_stored(app, staff):
    data = named_csv([student_row(1)], GERMAN, extra={"Bemerkung": "x"})
    batch_id, _step = uploaded(staff, data)
    choices = {**choices_of(staff, batch_id), f"column_{len(GERMAN)}": "ignore"}
    unknown = columns_of(staff, batch_id, **{**choices, "column_0": "password_hash"})
    assert unknown.status_code == 400
    assert "The form names a field that does not exist." in text_of(unknown)
    beyond = columns_of(staff, batch_id, **{**choices, "column_99": "first_name"})
    assert beyond.status_code == 400
    assert "The form names a column the file does not have." in text_of(beyond)
    no_token = staff.post(f"{URL}/{batch_id}/columns", data=choices)
    assert no_token.status_code == 400
    assert mapping_of(app, batch_id) is None
    assert count(app, ImportMapping) == 0


def test_after_the_import_the_mapping_page_leads_to_the_result(app, staff):
    batch_id, _step = uploaded(staff, named_csv([student_row(1)], GERMAN))
    post(staff, f"{URL}/{batch_id}/confirm", {"mode": "all"})
    back = staff.get(f"{URL}/{batch_id}/columns")  # the back button
    assert back.status_code == 302 and back.headers["Location"].endswith(f"{URL}/{batch_id}")
    resubmitted = columns_of(staff, batch_id, column_0="first_name")
    assert resubmitted.status_code == 302
    assert "Import finished" in text_of(staff.get(f"{URL}/{batch_id}"))
    assert count(app, ImportMapping) == 0
    assert count(app, Student) == 1


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_only_staff_open_the_mapping_page(app, client, auth, role):
    auth.login_as(Role.COORDINATOR)
    batch_id, _step = uploaded(client, named_csv([student_row(1)], GERMAN, {"Bemerkung": "x"}))
    auth.logout()
    auth.login_as(role)
    assert client.get(f"{URL}/{batch_id}/columns").status_code == 403
    assert columns_of(client, batch_id, column_0="first_name").status_code == 403
    assert mapping_of(app, batch_id) is None


def test_problems_name_the_files_own_columns(app, staff):
    rows = [student_row(1, date_of_birth="im Frühjahr"), student_row(2)]
    batch_id, _step = uploaded(staff, named_csv(rows, GERMAN))
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "<code>Geburtsdatum</code>: Enter the date" in page
    result = text_of(
        post(staff, f"{URL}/{batch_id}/confirm", {"mode": "valid"}, follow_redirects=True)
    )
    assert "<code>Geburtsdatum</code>: Enter the date" in result  # the rows left out, too


def test_the_mapping_page_can_discard_the_upload(app, staff):
    batch_id, _step = uploaded(staff, named_csv([student_row(1)], GERMAN, {"Bemerkung": "x"}))
    page = text_of(staff.get(f"{URL}/{batch_id}/columns"))
    assert f'action="{URL}/{batch_id}/discard"' in page
    post(staff, f"{URL}/{batch_id}/discard")
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.content, batch.source) == ("", None)  # the list's data is gone
    assert staff.get(f"{URL}/{batch_id}/columns").headers["Location"].endswith(f"{URL}/{batch_id}")
