"""Rosters at the service level: the rows are the cohort's current students as the database
has them, options are checked by name, grouping and sorting put people where a reader looks
for them, only the right people get a cohort, and spreadsheets never run a cell as a formula."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    CohortStatus,
    Enrolment,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Role,
    Student,
    Teacher,
    User,
)
from app.printing import exports
from app.printing.sheet import plain
from app.services.enrolment import cohorts, documents
from app.services.roster import lists, rosters
from app.services.validation import ValidationFailed
from tests.conftest import make_user
from tests.factories import assign_teacher, make_cohort, make_teacher
from tests.rosters.data import CURRENT, FULL_COLUMNS, FULL_LABELS, WITHDRAWN


@dataclass(frozen=True)
class OnRoster:
    """One student holding a place, as the tables say, in the words a roster prints."""

    name: str
    family: str  # "The Miller family", or "not placed yet"
    address: list[str]
    town: str
    phones: list[str]
    teacher: list[str]  # name and phone, or nothing
    allergies: str
    medical: str


def students_in_database(app, cohort_id: int) -> list[OnRoster]:
    """Straight from the tables, by last name: enrolments holding a place, each with the
    family of its active placement (if any) and its supervising teacher (if any)."""
    query = (
        sa.select(Student, HostApplication, HostFamily.family_name, Teacher)
        .select_from(Enrolment)
        .join(Student, Student.id == Enrolment.student_id)
        .outerjoin(
            Placement,
            sa.and_(
                Placement.enrolment_id == Enrolment.id,
                Placement.status == PlacementStatus.ACTIVE,
            ),
        )
        .outerjoin(HostApplication, HostApplication.id == Placement.application_id)
        .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
        .outerjoin(Teacher, Teacher.id == Enrolment.supervising_teacher_id)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.status.in_(HOLDS_PLACE))
        .order_by(Student.last_name, Student.first_name)
    )
    found = []
    with app.app_context():
        for student, home, family_name, teacher in db.session.execute(query):
            phones = []
            if home is not None:
                phones = [home.phone] if home.phone else []
                if home.mobile_phone:
                    phones.append(f"{home.mobile_phone} (mobile)")
            found.append(
                OnRoster(
                    name=f"{student.first_name} {student.last_name}",
                    family=f"The {family_name} family" if home else "not placed yet",
                    address=[home.address_line, f"{home.city}, {home.state} {home.postal_code}"]
                    if home
                    else [],
                    town=home.city if home else "",
                    phones=phones,
                    teacher=[teacher.name, teacher.phone] if teacher else [],
                    allergies=student.allergies,
                    medical=student.medical_notes,
                )
            )
    return found


def options(**args) -> rosters.Options:
    """Roster options as a request would give them; lists become repeated parameters."""
    pairs = []
    for name, value in args.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return rosters.parse_options(MultiDict(pairs))


def text(cell: list[str]) -> str:
    """A cell's lines joined, phone numbers with plain spaces (on paper they do not break)."""
    return plain("; ".join(line for line in cell if line))


def rows_by_column(sheet: rosters.Sheet) -> list[dict[str, str]]:
    """Every row of the sheet as column key → the cell's text."""
    keys = [key for key, _label in sheet.columns]
    return [
        {key: text(cell) for key, cell in zip(keys, row, strict=True)}
        for group in sheet.groups
        for row in group.rows
    ]


def names_by_group(sheet: rosters.Sheet) -> list[tuple[str, list[str]]]:
    return [(group.heading, [row[0][0] for row in group.rows]) for group in sheet.groups]


def refusal(args: MultiDict) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as refused:
        rosters.parse_options(args)
    return refused.value.problems


# The rows ----------------------------------------------------------------------------------


def test_the_roster_holds_the_current_students_as_the_database_has_them(app, roster):
    expected = students_in_database(app, roster.cohort_id)
    assert [student.name for student in expected] == CURRENT  # Zimmermann withdrew
    with app.app_context():
        sheet = rosters.build(db.session.get(Cohort, roster.cohort_id), options())
        rows = rows_by_column(sheet)

    assert sheet.count == len(expected)
    for row, student in zip(rows, expected, strict=True):
        assert row["name"] == student.name
        assert row["family"] == student.family
        assert row["address"] == "; ".join(student.address)
        assert row["family_phone"] == "; ".join(student.phones)
        assert row["teacher"] == "; ".join(student.teacher)
        assert row["allergies"] == student.allergies
        assert row["medical"] == student.medical
    assert WITHDRAWN not in str(rows)


def test_an_ended_placement_shows_as_not_placed_and_a_placement_with_its_family(app, roster):
    with app.app_context():
        sheet = rosters.build(db.session.get(Cohort, roster.cohort_id), options())
        rows = {row["name"]: row for row in rows_by_column(sheet)}

    hoffmann = rows["Paul Hoffmann"]  # his family moved away: the placement was cancelled
    assert hoffmann["family"] == "not placed yet"
    assert hoffmann["address"] == hoffmann["family_phone"] == ""
    assert "O'Brien" not in str(rows)
    becker = rows["Jonas Becker"]
    assert becker["family"] == "The Miller family"
    assert becker["address"] == "45 Maple Road; Amherst, NY 14201"
    assert becker["family_phone"] == "+1 716 555 0101"
    assert becker["allergies"] == "Peanuts (carries an EpiPen)"
    assert rows["Linh Nguyen"]["teacher"] == ""  # nobody supervises her yet


# Columns and options -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "columns", "labels"),
    [
        ("full", FULL_COLUMNS, FULL_LABELS),
        (
            "transport",
            ["name", "family", "town", "family_phone"],
            ["Name", "Host family", "Town", "Family phones"],
        ),
        (
            "medical",
            ["name", "emergency", "allergies", "diet", "medical"],
            ["Name", "Emergency contacts", "Allergies", "Diet", "Medical notes"],
        ),
    ],
)
def test_a_preset_gives_exactly_its_columns(app, roster, preset, columns, labels):
    with app.app_context():
        chosen = options(preset=preset)
        sheet = rosters.build(db.session.get(Cohort, roster.cohort_id), chosen)
        header = sheet.header()
    assert list(chosen.columns) == columns
    assert header == labels


def test_no_preset_means_the_full_roster(app):
    with app.app_context():
        assert options().columns == rosters.PRESETS["full"]


def test_chosen_columns_come_out_in_the_usual_order_whatever_the_order_asked(app):
    with app.app_context():
        chosen = options(columns=["medical", "town", "name", "town"])
    assert chosen.columns == ("name", "town", "medical")


def test_chosen_columns_win_over_the_preset(app):
    with app.app_context():
        chosen = options(preset="medical", columns=["name", "town"])
    assert chosen.columns == ("name", "town")


@pytest.mark.parametrize(
    ("args", "field", "named"),
    [
        ([("columns", "name"), ("columns", "shoe_size")], "columns", "shoe_size"),
        ([("preset", "everything")], "preset", "everything"),
        ([("group", "school")], "group", "school"),
        ([("sort", "age")], "sort", "age"),
        ([("paper", "folio")], "paper", "folio"),
        ([("teacher", "anna")], "teacher", "teacher"),
        ([("teacher", "-3")], "teacher", "teacher"),
        ([("teacher", "12345678901234567890")], "teacher", "teacher"),
    ],
)
def test_an_unknown_option_is_refused_by_name(app, args, field, named):
    with app.app_context():
        problems = refusal(MultiDict(args))
    assert [name for name, _message in problems] == [field]
    assert named in problems[0][1]


def test_every_unknown_option_is_named_at_once(app):
    with app.app_context():
        problems = refusal(MultiDict([("columns", "shoe_size"), ("paper", "folio")]))
    assert [name for name, _message in problems] == ["columns", "paper"]


def test_a_columns_parameter_with_nothing_chosen_is_refused(app):
    with app.app_context():
        problems = refusal(MultiDict([("columns", "")]))
    assert [name for name, _message in problems] == ["columns"]


def test_a_teacher_number_in_unusual_digits_is_refused_like_any_other_bad_number(app):
    # "²" is a digit to str.isdigit(), but not a number int() can read.
    with app.app_context():
        problems = refusal(MultiDict([("teacher", "²")]))
    assert [name for name, _message in problems] == ["teacher"]


# Grouping, sorting, one teacher's students --------------------------------------------------


def test_grouped_by_family_with_the_students_not_placed_last(app, roster):
    with app.app_context():
        cohort = db.session.get(Cohort, roster.cohort_id)
        sheet = rosters.build(cohort, options(group="family"))
        medical = rosters.build(cohort, options(group="family", preset="medical"))

    assert names_by_group(sheet) == [
        ("The Kowalczyk family", ["Mia Kowalski"]),
        ("The Miller family", ["Jonas Becker", "Tim Schulz"]),
        ("The Schneider family", ["Aylin Demir", "Lea Fischer"]),
        ("Not placed yet", ["Paul Hoffmann", "Linh Nguyen"]),
    ]
    miller = sheet.groups[1]
    assert [plain(line) for line in miller.details] == [
        "45 Maple Road",
        "Amherst, NY 14201",
        "+1 716 555 0101",
    ]
    # Without the address and phone columns the heading does not carry them either.
    assert [group.details for group in medical.groups] == [[], [], [], []]


def test_grouped_by_teacher_with_the_students_nobody_supervises_last(app, roster):
    with app.app_context():
        cohort = db.session.get(Cohort, roster.cohort_id)
        sheet = rosters.build(cohort, options(group="teacher"))

    assert names_by_group(sheet) == [
        ("Anna Lehmann", ["Jonas Becker", "Aylin Demir", "Lea Fischer", "Paul Hoffmann"]),
        ("Bernd Vogel", ["Mia Kowalski", "Tim Schulz"]),
        ("No supervising teacher yet", ["Linh Nguyen"]),
    ]
    assert sheet.groups[0].details == ["+49 171 2000001"]


def test_sorted_by_town_then_name_with_the_students_not_placed_last(app, roster):
    with app.app_context():
        cohort = db.session.get(Cohort, roster.cohort_id)
        rows = rows_by_column(rosters.build(cohort, options(preset="transport", sort="town")))

    assert [(row["town"], row["name"]) for row in rows] == [
        ("Amherst", "Jonas Becker"),
        ("Amherst", "Tim Schulz"),
        ("Buffalo", "Aylin Demir"),
        ("Buffalo", "Lea Fischer"),
        ("Cheektowaga", "Mia Kowalski"),
        ("", "Paul Hoffmann"),
        ("", "Linh Nguyen"),
    ]


def test_one_teachers_students_only(app, roster):
    anna, bernd = roster.teachers["Anna Lehmann"], roster.teachers["Bernd Vogel"]
    with app.app_context():
        cohort = db.session.get(Cohort, roster.cohort_id)
        annas = rows_by_column(rosters.build(cohort, options(teacher=str(anna))))
        bernds = rows_by_column(rosters.build(cohort, options(teacher=str(bernd))))
        cards = lists.cards(cohort, bernd)

    assert [row["name"] for row in annas] == [
        "Jonas Becker",
        "Aylin Demir",
        "Lea Fischer",
        "Paul Hoffmann",
    ]
    assert [row["name"] for row in bernds] == ["Mia Kowalski", "Tim Schulz"]  # not the withdrawn
    assert [card.student for card in cards] == ["Mia Kowalski", "Tim Schulz"]


def test_a_teacher_of_another_cohort_is_refused(app, roster):
    other_cohort = make_cohort(app)
    stranger = make_teacher(app, "Carla Fremd", "fremd@example.org")
    assign_teacher(app, other_cohort, stranger)
    with app.app_context():
        cohort = db.session.get(Cohort, roster.cohort_id)
        with pytest.raises(ValidationFailed) as refused:
            rosters.build(cohort, options(teacher=str(stranger)))
        with pytest.raises(ValidationFailed):
            lists.cards(cohort, stranger)
    assert refused.value.problems[0][0] == "teacher"
    assert "does not supervise" in refused.value.problems[0][1]


# Who gets a cohort -------------------------------------------------------------------------


def finish(app, cohort_id: int) -> None:
    """Walk the cohort on to completed: the exchange is over."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for status in (CohortStatus.CLOSED, CohortStatus.TRAVELLING, CohortStatus.COMPLETED):
            cohorts.set_status(cohort, status)
        db.session.commit()


def may_print(app, user_id: int, cohort_id: int) -> bool:
    with app.app_context():
        found = rosters.cohort_for(db.session.get(User, user_id), cohort_id)
        return found is not None and found.id == cohort_id


def teacher_user(app, teacher_id: int) -> int:
    with app.app_context():
        return db.session.get(Teacher, teacher_id).user_id


def test_staff_get_any_cohort_and_a_teacher_only_her_own(app, roster):
    other_cohort = make_cohort(app)
    coordinator = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    admin = make_user(app, "admin@example.org", Role.ADMIN)
    family = make_user(app, "family@example.org", Role.HOST_FAMILY)
    anna = teacher_user(app, roster.teachers["Anna Lehmann"])
    stranger = teacher_user(app, make_teacher(app, "Carla Fremd", "fremd@example.org"))
    assign_teacher(app, other_cohort, make_teacher(app, "Dora Fremd", "dora@example.org"))

    assert may_print(app, coordinator, roster.cohort_id)
    assert may_print(app, coordinator, other_cohort)
    assert may_print(app, admin, roster.cohort_id)
    assert may_print(app, anna, roster.cohort_id)
    assert not may_print(app, anna, other_cohort)
    assert not may_print(app, stranger, roster.cohort_id)
    assert not may_print(app, family, roster.cohort_id)
    assert not may_print(app, coordinator, other_cohort + 1000)


def test_a_teacher_loses_the_cohort_once_it_is_completed_staff_do_not(app, roster):
    coordinator = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    anna = teacher_user(app, roster.teachers["Anna Lehmann"])
    finish(app, roster.cohort_id)

    assert not may_print(app, anna, roster.cohort_id)
    assert may_print(app, coordinator, roster.cohort_id)


@pytest.mark.parametrize(
    ("languages", "paper"),
    [
        (["en-US", "en"], "letter"),
        (["en-CA"], "letter"),
        (["en_US"], "letter"),
        (["en", "en-US"], "letter"),  # the first tag with a region decides
        (["de-DE", "de"], "a4"),
        (["en-GB"], "a4"),
        (["de"], "a4"),
        ([], "a4"),
    ],
)
def test_paper_follows_the_readers_region(languages, paper):
    assert rosters.paper_for(languages) == paper


def test_print_and_pdf_take_up_to_the_configured_number_of_students(app):
    app.config["ROSTER_PRINT_LIMIT"] = 7
    with app.app_context():
        rosters.check_printable(7, "students")
        with pytest.raises(rosters.TooLarge) as refused:
            rosters.check_printable(8, "students")
    assert "8 students" in refused.value.problems[0][1]
    assert "at most 7" in refused.value.problems[0][1]


# Files -------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example/","Click")', "+1 716 555 0101", "-2", "@SUM(A1)"]


@pytest.mark.parametrize("value", [*FORMULAS, "\tcmd", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert exports.neutralise(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "shown"),
    [("Buffalo", "Buffalo"), ("a=b", "a=b"), ("O'Brien", "O'Brien"), ("", ""), (None, "")],
)
def test_a_harmless_cell_is_left_alone(value, shown):
    assert exports.neutralise(value) == shown


def test_csv_starts_with_a_byte_order_mark_and_holds_no_formula():
    chunks = exports.csv_stream(["Name", "Note"], [["Jonas Becker", value] for value in FORMULAS])
    content = "".join(chunks)

    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == ["Name", "Note"]
    assert [row[1] for row in rows[1:]] == ["'" + value for value in FORMULAS]


def test_xlsx_holds_every_cell_as_text_and_no_formula():
    data = exports.xlsx_bytes("Roster", ["Name", "Note"], [["Jonas Becker", v] for v in FORMULAS])

    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == ["Name", "Note"]
    notes = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in notes] == ["'" + value for value in FORMULAS]
    assert {cell.data_type for cell in notes} == {"s"}  # text, never "f" (a formula)


# The other lists ---------------------------------------------------------------------------


def test_the_family_list_has_each_approved_family_by_town_with_beds_and_students(app, roster):
    with app.app_context():
        sheet = lists.family_sheet(db.session.get(Cohort, roster.cohort_id))
        rows = list(sheet.flat_rows())

    assert sheet.header() == [
        "Host family",
        "Address",
        "Phones",
        "Email",
        "Placed students",
        "Beds taken",
    ]
    by_family = {row[0]: (row[1], row[2], row[4], row[5]) for row in rows}
    assert [row[0] for row in rows] == [  # Amherst, Buffalo, Cheektowaga, Tonawanda
        "The Miller family",
        "The Schneider family",
        "The Kowalczyk family",
        "The O'Brien family",
    ]
    assert by_family == {
        "The Miller family": (
            "45 Maple Road; Amherst, NY 14201",
            "+1 716 555 0101",
            "Jonas Becker; Tim Schulz",
            "2 of 2",
        ),
        "The Schneider family": (
            "210 Elmwood Avenue; Buffalo, NY 14201",
            "+1 716 555 0103",
            "Aylin Demir; Lea Fischer",
            "2 of 2",
        ),
        # Zimmermann's withdrawal and Hoffmann's ended placement gave their beds back.
        "The Kowalczyk family": (
            "9 Union Road; Cheektowaga, NY 14201",
            "+1 716 555 0102",
            "Mia Kowalski",
            "1 of 2",
        ),
        "The O'Brien family": (
            "77 Niagara Street; Tonawanda, NY 14201",
            "+1 716 555 0104",
            "—",
            "0 of 1",
        ),
    }


def hand_in(app, enrolment_id: int, *, everything: bool) -> None:
    """Record the student's paper documents, and with everything=True the guardian's consent."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for kind in documents.PAPER_KINDS:
            documents.set_received(enrolment, kind, True, None)
        if everything:
            documents.record_consent(
                enrolment,
                "Maria Becker",
                datetime.now() - timedelta(days=2),
                documents.current_wording_version(),
                None,
            )
        db.session.commit()


def test_the_documents_list_has_only_students_still_missing_something(app, roster):
    hand_in(app, roster.enrolments["Becker"], everything=True)
    hand_in(app, roster.enrolments["Demir"], everything=False)
    with app.app_context():
        rows = list(lists.documents_sheet(db.session.get(Cohort, roster.cohort_id)).flat_rows())

    missing = {name: what for name, _school, what in rows}
    assert "Jonas Becker" not in missing  # handed in everything
    assert WITHDRAWN not in missing
    assert missing["Aylin Demir"] == "Guardian consent"
    assert missing["Linh Nguyen"] == (
        "Guardian consent; Medical form; Insurance; Passport / visa; Code of conduct"
    )
    assert sorted(missing) == sorted(set(CURRENT) - {"Jonas Becker"})


def test_emergency_cards_one_per_current_student(app, roster):
    with app.app_context():
        cards = lists.cards(db.session.get(Cohort, roster.cohort_id))

    by_student = {card.student: card for card in cards}
    assert [card.student for card in cards] == CURRENT
    assert by_student["Tim Schulz"].family == "Miller"
    assert plain(by_student["Tim Schulz"].family_phone) == "+1 716 555 0101"
    assert by_student["Tim Schulz"].teacher == "Bernd Vogel"
    assert by_student["Paul Hoffmann"].address == []  # his placement ended
