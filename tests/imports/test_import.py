"""CSV import of a school's student list, through the web with CSRF on, and its parsers."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import (
    Cohort,
    EmergencyContact,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Gender,
    Guardian,
    ImportBatch,
    ImportStatus,
    Role,
    Student,
)
from app.services.enrolment import cohorts, students
from app.services.enrolment.student_csv import (
    COLUMN_NAMES,
    parse_bool,
    parse_date,
    parse_gender,
)
from tests.conftest import Auth, count, csrf_token, post
from tests.imports.test_tables import xlsx

URL = "/students/import"
BORN = date(date.today().year - 15, 5, 1)
SAMPLE = Path(__file__).resolve().parents[2] / "app" / "static" / "samples" / "students-sample.csv"


def student_row(number: int = 1, **overrides: str) -> dict[str, str]:
    """One valid row of the import file; overrides change or add cells."""
    row = {
        "first_name": f"Lena{number}",
        "last_name": "Müller",
        "date_of_birth": BORN.isoformat(),
        "gender": "female",
        "school": "Helmholtz-Gymnasium",
        "grade": "10b",
        "email": f"lena{number}@example.org",
        "guardian1_name": f"Anna Müller {number}",
        "guardian1_relation": "mother",
        "guardian1_phone": "+49 231 123456",
        "guardian2_name": f"Jens Müller {number}",
        "guardian2_relation": "father",
        "guardian2_phone": "+49 231 654321",
        "emergency1_name": f"Eva Schmidt {number}",
        "emergency1_relation": "aunt",
        "emergency1_phone": "+49 231 777888",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], columns=COLUMN_NAMES, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode("utf-8")


def upload(client, data: bytes, cohort_id: int | None = None, filename: str = "students.csv"):
    form = {"file": (io.BytesIO(data), filename), "cohort_id": str(cohort_id or "")}
    return post(client, URL, form, content_type="multipart/form-data")


def upload_large(client, data: bytes):
    """Upload a big file from memory: the test client would spool it to a temporary file
    that it never closes (a ResourceWarning, an error under filterwarnings = error)."""
    file = FileStorage(io.BytesIO(data), filename="students.csv", content_type="text/csv")
    fields = {"csrf_token": csrf_token(client), "file": file}
    boundary, body = encode_multipart(fields)
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def uploaded_batch(client, data: bytes, cohort_id: int | None = None) -> int:
    response = upload(client, data, cohort_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def confirm(client, batch_id: int, mode: str):
    return post(client, f"{URL}/{batch_id}/confirm", {"mode": mode}, follow_redirects=True)


def make_cohort(app, places: int = 10, name: str = "Buffalo 2027") -> int:
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        cohort = cohorts.create_cohort(
            {
                "programme_id": programme.id,
                "name": name,
                "departure_date": date(date.today().year + 1, 6, 1),
                "return_date": date(date.today().year + 1, 6, 30),
                "places": places,
            }
        )
        db.session.commit()
        return cohort.id


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def staff(auth: Auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


# The whole flow --------------------------------------------------------------------------


def test_upload_page_documents_the_columns_and_offers_the_sample(staff):
    page = text_of(staff.get(URL))
    assert 'enctype="multipart/form-data"' in page
    for column in ("first_name", "guardian1_phone", "emergency1_name", "visa_status"):
        assert f"<code>{column}</code>" in page
    assert "/static/samples/students-sample.csv" in page
    with staff.get("/static/samples/students-sample.csv") as sample:
        assert sample.status_code == 200
        assert sample.data.decode("utf-8").startswith(",".join(COLUMN_NAMES[:3]))


def test_the_sample_file_is_valid(app, staff):
    batch_id = uploaded_batch(staff, SAMPLE.read_bytes())
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "Every row is valid." in page
    assert "Import all 3 students" in page
    assert "With problems</dt><dd>0" in page


def test_valid_file_imports_students_with_guardians_contacts_and_enrolments(app, staff):
    cohort_id = make_cohort(app, places=2)
    rows = [student_row(1), student_row(2), student_row(3, guardian2_name="", guardian2_relation="",
                                                        guardian2_phone="")]  # fmt: skip
    batch_id = uploaded_batch(staff, csv_bytes(rows), cohort_id)
    preview = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "2 would get a place" in preview
    assert "1 would be waitlisted" in preview
    assert count(app, Student) == 0  # nothing is written before the confirmation

    page = text_of(confirm(staff, batch_id, "all"))
    assert "3 students were imported." in page
    assert "Enrolled with a place</dt><dd>2" in page
    assert "On the waitlist</dt><dd>1" in page
    with app.app_context():
        created = db.session.scalars(sa.select(Student).order_by(Student.id)).all()
        assert [s.first_name for s in created] == ["Lena1", "Lena2", "Lena3"]
        first = created[0]
        assert first.date_of_birth == BORN
        assert first.gender == Gender.FEMALE
        assert [(g.position, g.name) for g in first.guardians] == [
            (1, "Anna Müller 1"),
            (2, "Jens Müller 1"),
        ]
        assert [c.name for c in created[1].emergency_contacts] == ["Eva Schmidt 2"]
        assert [g.name for g in created[2].guardians] == ["Anna Müller 3"]
        enrolments = db.session.scalars(sa.select(Enrolment).order_by(Enrolment.id)).all()
        assert [(e.student.first_name, e.status, e.waitlist_number) for e in enrolments] == [
            ("Lena1", EnrolmentStatus.APPLIED, None),
            ("Lena2", EnrolmentStatus.APPLIED, None),
            ("Lena3", EnrolmentStatus.WAITLISTED, 1),
        ]
        assert count(app, EnrolmentEvent) == 3
        cohort = db.session.get(Cohort, cohort_id)
        assert (cohort.places_taken, cohort.waitlist_counter) == (2, 1)
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.status == ImportStatus.IMPORTED
        assert batch.content == ""  # the personal data leaves with the finished batch
        assert batch.finished_by_id is not None
        # The student list finds the imported students like any other.
        search = students.search(students.StudentFilters(query="lena2"))
        assert [s.first_name for s in db.session.scalars(search)] == ["Lena2"]


def test_a_row_the_database_refuses_rolls_the_whole_import_back_with_a_message(
    app, staff, monkeypatch
):
    """The rows go in with COPY on PostgreSQL and INSERT on SQLite; a constraint refusing one
    (here a search word of a student who does not exist) undoes all and says so on both."""
    from app.models.students import search_word_rows
    from app.services.enrolment import imports

    def a_word_of_nobody(student_id, *names):
        return [*search_word_rows(student_id, *names), {"student_id": 10**9, "word": "nobody"}]

    monkeypatch.setattr(imports, "search_word_rows", a_word_of_nobody)
    cohort_id = make_cohort(app, places=2)
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1), student_row(2)]), cohort_id)

    page = text_of(confirm(staff, batch_id, "all"))
    assert "The database refused the import; nothing was imported." in page
    assert count(app, Student) == 0
    assert count(app, Enrolment) == 0
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.PENDING
        assert db.session.get(Cohort, cohort_id).places_taken == 0


def test_invalid_file_writes_nothing_and_names_line_and_column(app, staff):
    rows = [
        student_row(1, date_of_birth="31.02.2010", guardian1_phone="call me"),
        student_row(2, gender="x", no_pets="perhaps", emergency1_name=""),
    ]
    batch_id = uploaded_batch(staff, csv_bytes(rows))
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "No row can be imported." in page
    assert "Import all" not in page and "Import only" not in page
    assert "<td>2</td>" in page and "<td>3</td>" in page
    assert "<code>date_of_birth</code>: Enter the date as DD.MM.YYYY or YYYY-MM-DD" in page
    assert "<code>guardian1_phone</code>: Enter a phone number" in page
    assert "<code>gender</code>: Use female, male or diverse" in page
    assert "<code>no_pets</code>: Use yes or no" in page
    assert "<code>emergency1_name</code>: This field is required." in page

    for mode in ("all", "valid"):
        refused = text_of(confirm(staff, batch_id, mode))
        assert "Nothing was imported." in refused
    assert count(app, Student) == 0
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.PENDING


def test_mixed_file_imports_only_the_valid_rows_on_request(app, staff):
    rows = [student_row(1), student_row(2, email="not-an-email"), student_row(3)]
    batch_id = uploaded_batch(staff, csv_bytes(rows))
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "Import only the 2 valid rows" in page
    assert "Import all" not in page

    refused = text_of(confirm(staff, batch_id, "all"))
    assert "1 row has problems, so the whole file cannot be imported." in refused
    assert count(app, Student) == 0

    result = text_of(confirm(staff, batch_id, "valid"))
    assert "2 students were imported." in result
    assert "Rows not imported" in result
    assert "Lena2 Müller" in result
    assert "<code>email</code>: Enter a valid email address." in result
    with app.app_context():
        names = db.session.scalars(sa.select(Student.first_name).order_by(Student.id)).all()
    assert names == ["Lena1", "Lena3"]


def test_semicolons_german_dates_and_words_and_a_bom(app, staff):
    row = student_row(
        1,
        date_of_birth=BORN.strftime("%d.%m.%Y"),
        gender="w",
        pet_allergy="ja",
        no_pets="X",
        no_smokers="nein",
        diet="Gluten-free",
        interests="Fußball; Klavier",
    )
    data = b"\xef\xbb\xbf" + csv_bytes([row], delimiter=";")
    batch_id = uploaded_batch(staff, data)
    assert "Import 1 student<" in text_of(staff.get(f"{URL}/{batch_id}"))
    confirm(staff, batch_id, "all")
    with app.app_context():
        student = db.session.scalars(sa.select(Student)).one()
        assert student.first_name == "Lena1"  # the BOM is not part of the first column's name
        assert student.date_of_birth == BORN
        assert student.gender == Gender.FEMALE
        assert (student.pet_allergy, student.no_pets, student.no_smokers) == (True, True, False)
        assert student.diet == "gluten_free"
        assert student.interests == "Fußball; Klavier"


def test_columns_in_any_order_and_missing_optional_columns(app, staff):
    columns = ["last_name", "first_name", "gender", "date_of_birth", "school", "grade"] + [
        f"{person}_{key}"
        for person in ("emergency1", "guardian1")
        for key in ("phone", "name", "relation")
    ]
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1)], columns=columns))
    confirm(staff, batch_id, "all")
    with app.app_context():
        student = db.session.scalars(sa.select(Student)).one()
        assert (student.first_name, student.last_name, student.email) == ("Lena1", "Müller", None)
        assert student.diet == "none" and student.visa_status == "not_started"
        assert count(app, Guardian) == 1 and count(app, EmergencyContact) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (",".join(COLUMN_NAMES).encode() + b"\r\n", "The file has a header row but no students."),
        (b"PK\x03\x04\x14\x00\x06\x00", "The workbook cannot be opened"),
    ],
    ids=["empty", "bom-and-blank-lines", "header-only", "damaged-xlsx"],
)
def test_files_without_students_are_refused(app, staff, data, message):
    response = upload(staff, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, ImportBatch) == 0


def test_a_line_in_another_encoding_is_named_and_refused(app, staff):
    good = csv_bytes([student_row(1), student_row(2)])
    data = good + "Jörg,M\xfcller\r\n".encode("latin-1")  # pasted from a Windows-1252 file
    response = upload(staff, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "line 4 is in another encoding" in page
    assert "CSV UTF-8" in page
    assert count(app, ImportBatch) == 0 and count(app, Student) == 0


def test_missing_required_and_unknown_columns_are_asked_about(app, staff):
    columns = [c for c in COLUMN_NAMES if c not in ("gender", "guardian1_phone")] + ["Bemerkung"]
    response = upload(staff, csv_bytes([student_row(1)], columns=columns))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/columns")  # not refused: asked about
    page = text_of(staff.get(response.headers["Location"]))
    assert "Still missing: Gender, Guardian 1: phone." in page
    assert "not recognised" in page
    with app.app_context():
        assert db.session.scalars(sa.select(ImportBatch)).one().mapping is None


def test_more_than_5000_rows_are_refused(app, staff):
    rows = [student_row(n) for n in range(5001)]
    response = upload_large(staff, csv_bytes(rows))
    assert response.status_code == 400
    assert "more than 5000 students" in text_of(response)
    assert count(app, ImportBatch) == 0


def test_a_huge_upload_gets_the_413_page(app, staff):
    data = csv_bytes([student_row(1)]) + b"x" * (5 * 1024 * 1024)
    response = upload_large(staff, data)
    assert response.status_code == 413
    assert "larger than this application accepts" in text_of(response)
    assert count(app, ImportBatch) == 0


def test_a_line_with_the_wrong_number_of_fields(app, staff):
    data = csv_bytes([student_row(1)]) + b"Lena,M\xc3\xbcller,2010-01-01\r\n"
    batch_id = uploaded_batch(staff, data)
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "This line has 3 fields but the header has 32." in page
    assert "Import only the 1 valid row" in page


def test_duplicates_in_the_file_and_in_the_database(app, staff):
    with app.app_context():
        values = {
            "first_name": "Stored",
            "last_name": "Student",
            "date_of_birth": BORN,
            "gender": "male",
            "school": "City Honors",
            "grade": "9",
            "diet": "none",
            "visa_status": "not_started",
            "guardians": [{"name": "G", "relation": "father", "phone": "+1 716 555 0100"}],
            "emergency_contacts": [{"name": "E", "relation": "aunt", "phone": "+1 716 555 0101"}],
        }
        students.create_student(values)
        db.session.commit()
    rows = [
        student_row(1),
        student_row(1, first_name=" lena1 "),
        student_row(2, first_name="STORED", last_name="student"),
    ]
    batch_id = uploaded_batch(staff, csv_bytes(rows))
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "Same name and date of birth as line 2." in page
    assert "A student with this name and date of birth already exists." in page
    assert "Import only the 1 valid row" in page


def test_confirming_twice_imports_once(app, staff):
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1), student_row(2)]))
    confirm(staff, batch_id, "all")
    again = text_of(confirm(staff, batch_id, "all"))
    assert "This file was already imported or discarded." in again
    assert count(app, Student) == 2


def test_data_changed_since_the_preview_is_checked_again(app, staff):
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1), student_row(2)]))
    other = uploaded_batch(staff, csv_bytes([student_row(2)]))
    confirm(staff, other, "all")
    refused = text_of(confirm(staff, batch_id, "all"))
    assert "1 row has problems" in refused
    assert count(app, Student) == 1


def test_discard_forgets_the_file(app, staff):
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1)]))
    response = post(staff, f"{URL}/{batch_id}/discard", follow_redirects=True)
    assert "The upload was discarded" in text_of(response)
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.status, batch.content) == (ImportStatus.DISCARDED, "")
    assert "already imported or discarded" in text_of(confirm(staff, batch_id, "all"))
    assert count(app, Student) == 0


def test_a_cohort_that_closed_after_the_upload_refuses_the_import(app, staff):
    cohort_id = make_cohort(app)
    batch_id = uploaded_batch(staff, csv_bytes([student_row(1)]), cohort_id)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohorts.set_status(cohort, "open")
        cohorts.set_status(cohort, "closed")
        db.session.commit()
    assert "does not take enrolments any more" in text_of(staff.get(f"{URL}/{batch_id}"))
    assert "does not take enrolments any more" in text_of(confirm(staff, batch_id, "all"))
    assert count(app, Student) == 0 and count(app, Enrolment) == 0


def test_only_cohorts_taking_enrolments_are_offered(app, staff):
    open_id = make_cohort(app, name="Open one")
    closed_id = make_cohort(app, name="Closed one")
    with app.app_context():
        cohort = db.session.get(Cohort, closed_id)
        cohorts.set_status(cohort, "open")
        cohorts.set_status(cohort, "closed")
        db.session.commit()
    page = text_of(staff.get(URL))
    assert "Open one" in page and "Closed one" not in page
    response = upload(staff, csv_bytes([student_row(1)]), closed_id)
    assert response.status_code == 400
    assert count(app, ImportBatch) == 0
    assert upload(staff, csv_bytes([student_row(1)]), open_id).status_code == 302


def test_a_file_that_is_neither_xlsx_nor_csv_by_name_is_refused(app, staff):
    response = upload(staff, csv_bytes([student_row(1)]), filename="students.txt")
    assert response.status_code == 400
    assert "Choose a file ending in .xlsx or .csv." in text_of(response)
    assert count(app, ImportBatch) == 0


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_host_families_get_403_everywhere(app, client, auth, role):
    auth.login_as(Role.COORDINATOR)
    batch_id = uploaded_batch(client, csv_bytes([student_row(1)]))
    auth.logout()
    auth.login_as(role)
    assert client.get(URL).status_code == 403
    assert upload(client, csv_bytes([student_row(1)])).status_code == 403
    assert client.get(f"{URL}/{batch_id}").status_code == 403
    assert post(client, f"{URL}/{batch_id}/confirm", {"mode": "all"}).status_code == 403
    assert post(client, f"{URL}/{batch_id}/discard").status_code == 403
    assert count(app, Student) == 0


def test_admins_open_batches_of_coordinators(app, client, auth):
    auth.login_as(Role.COORDINATOR)
    batch_id = uploaded_batch(client, csv_bytes([student_row(1)]))
    auth.logout()
    auth.login_as(Role.ADMIN)
    page = client.get(f"{URL}/{batch_id}")
    assert page.status_code == 200
    assert "Every row is valid." in text_of(page)
    assert "Import 1 student" in text_of(page)


def test_a_batch_that_does_not_exist_is_404(staff):
    assert staff.get(f"{URL}/999").status_code == 404
    assert post(staff, f"{URL}/999/confirm", {"mode": "all"}).status_code == 404
    assert post(staff, f"{URL}/999/discard").status_code == 404


# Parsing helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-03-14", date(2010, 3, 14)),
        ("14.03.2010", date(2010, 3, 14)),
        ("4.3.2010", date(2010, 3, 4)),
        (" 2010-03-14 ", date(2010, 3, 14)),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["14/03/2010", "2010-02-30", "31.02.2010", "soon"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text", ["yes", "Ja", "TRUE", "WAHR", "1", "x", "X"])
def test_parse_bool_yes(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["no", "Nein", "false", "FALSCH", "0", "", "  "])
def test_parse_bool_no(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "2", "vielleicht"])
def test_parse_bool_refuses(text):
    with pytest.raises(ValueError):
        parse_bool(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("female", "female"),
        ("F", "female"),
        ("w", "female"),
        ("weiblich", "female"),
        ("Male", "male"),
        ("m", "male"),
        ("männlich", "male"),
        ("d", "diverse"),
        ("divers", "diverse"),
        ("diverse", "diverse"),
        ("", None),
    ],
)
def test_parse_gender(text, expected):
    assert parse_gender(text) == expected


def test_parse_gender_refuses():
    with pytest.raises(ValueError):
        parse_gender("x")


def test_the_guardians_language_comes_from_its_optional_column(app, staff):
    rows = [
        student_row(1, guardian_language="English"),
        student_row(2, guardian_language="de"),
        student_row(3),
        student_row(4, guardian_language="français"),
    ]
    batch_id = uploaded_batch(staff, csv_bytes(rows))
    page = text_of(staff.get(f"{URL}/{batch_id}"))
    assert "Write en or de (English or German), or leave it empty." in page
    result = text_of(confirm(staff, batch_id, "valid"))
    assert "3 students were imported." in result
    with app.app_context():
        created = db.session.scalars(sa.select(Student).order_by(Student.id)).all()
        assert [[g.locale for g in s.guardians] for s in created] == [
            ["en", "en"],
            ["de", "de"],
            [None, None],
        ]


def test_a_workbook_with_several_sheets_asks_for_the_sheet(app, staff):
    rows = [student_row(1), student_row(2)]
    students = [list(COLUMN_NAMES), *([row.get(c, "") for c in COLUMN_NAMES] for row in rows)]
    data = xlsx(("Notizen", [["Bitte bis Freitag"], ["zurückgeben"]]), ("Klasse 10b", students))
    response = upload(staff, data, filename="liste.xlsx")
    assert response.status_code == 400
    page = text_of(response)
    assert "The workbook has 2 sheets with data (Notizen, Klasse 10b)." in page
    assert '<option value="Klasse 10b">Klasse 10b</option>' in page
    assert count(app, ImportBatch) == 0

    form = {"file": (io.BytesIO(data), "liste.xlsx"), "cohort_id": "", "sheet": "Klasse 10b"}
    chosen = post(staff, URL, form, content_type="multipart/form-data")
    assert chosen.status_code == 302
    preview = text_of(staff.get(chosen.headers["Location"]))
    assert "Read as: Excel workbook, sheet “Klasse 10b”." in preview
    assert "Import all 2 students" in preview


def _merged() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Schüler"
    for row in [["first_name", "grade"], ["Lena", "10b"], ["Jan", "10b"]]:
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"Name;x\r\nab\x81c\x8d;d\r\n", "liste.csv", "“liste.csv” cannot be read"),
        (
            xlsx(("Schüler", [["first_name", "grade"], ["Lena", "=1+1"]])),
            "liste.xlsx",
            "Cell B2 of the sheet “Schüler” holds a formula",
        ),
        (_merged(), "liste.xlsx", "Cells B2:B3 of the sheet “Schüler” are merged."),
        (xlsx(("Schüler", [[None, ""]])), "liste.xlsx", "The sheet “Schüler” is empty."),
    ],
    ids=["unknown-encoding", "formula", "merged-cells", "empty-sheet"],
)
def test_files_that_cannot_be_read_are_refused_on_the_upload_page(
    app, staff, data, filename, message
):
    response = upload(staff, data, filename=filename)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, ImportBatch) == 0
