"""CSV import of a school's student list: read the file, check every row, import on confirmation.

Each row obeys the same rules as the web form (students.check_student). An upload is only
stored; students are written when the person confirms, all of them in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Cohort,
    EmergencyContact,
    EnrolmentStatus,
    Guardian,
    ImportBatch,
    ImportStatus,
    Student,
    StudentWord,
)
from app.models.base import utcnow
from app.models.students import search_word_rows
from app.services.enrolment import enrolments, students
from app.services.enrolment.student_csv import decode, read_file, row_values
from app.services.errors import DomainError
from app.services.privacy import audit

S = EnrolmentStatus


@dataclass
class Row:
    """One student's line of the file: the values for create_student and their problems."""

    line: int
    values: dict
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column or "", message)
    readable: bool = True  # False when the fields do not line up with the header

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


@dataclass
class Checked:
    """Every row of a file, checked."""

    rows: list[Row]

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    def shown(self, valid_limit: int = 200) -> list[Row]:
        """The rows a preview lists: every row with problems and the first valid ones."""
        valid_seen = 0
        shown = []
        for row in self.rows:
            if row.ok:
                valid_seen += 1
                if valid_seen > valid_limit:
                    continue
            shown.append(row)
        return shown


# Checking rows ---------------------------------------------------------------------------


def _field_count_problem(first: int, last: int, cells: list[str], expected: int) -> str | None:
    extra = cells[expected:]
    if len(cells) >= expected and not any(cell.strip() for cell in extra):
        return None  # Excel's trailing empty cells
    if first == last:
        return _(
            "This line has %(found)d fields but the header has %(expected)d. Check for a "
            "missing or extra separator.",
            found=len(cells),
            expected=expected,
        )
    return _(
        "This row runs over lines %(first)d to %(last)d and has %(found)d fields but the header "
        "has %(expected)d. Check for a missing closing quote.",
        first=first,
        last=last,
        found=len(cells),
        expected=expected,
    )


def _check_row(
    first: int, last: int, cells: list[str], names: list[str], today: date | None
) -> Row:
    by_name = {name: cells[i].strip() for i, name in enumerate(names) if name and i < len(cells)}
    values, problems = row_values(by_name)
    row = Row(first, values)
    count_problem = _field_count_problem(first, last, cells, len(names))
    if count_problem:
        row.problems.append(("", count_problem))
        row.readable = False
        return row
    unreadable = {key for key, _message in problems}
    row.problems.extend(problems)
    for key, message in students.check_student(values, today):
        column = key.replace(".", "_")
        if column not in unreadable:
            row.problems.append((column, message))
    return row


def _key(first_name: str, last_name: str, born: date | None) -> tuple | None:
    """Who a student is for duplicates: name without case or extra spaces, and birth date."""
    if born is None or not first_name.strip() or not last_name.strip():
        return None
    return (" ".join(first_name.casefold().split()), " ".join(last_name.casefold().split()), born)


DATES_PER_QUERY = 500  # SQLite takes at most 999 parameters before version 3.32


def _existing_keys(born: set[date]) -> set[tuple]:
    """The duplicate keys of the stored students born on one of these days (a file's students
    are mostly born in a few years, so this reads a small part of a large database)."""
    days = sorted(born)
    keys: set[tuple] = set()
    for start in range(0, len(days), DATES_PER_QUERY):
        rows = db.session.execute(
            sa.select(Student.first_name, Student.last_name, Student.date_of_birth).where(
                Student.date_of_birth.in_(days[start : start + DATES_PER_QUERY])
            )
        )
        keys.update(_key(*row) for row in rows)
    return keys


def check_rows(text: str, today: date | None = None) -> Checked:
    """Every row of the file checked: the student rules, duplicates in the file and stored."""
    names, records = read_file(text)
    checked = [_check_row(first, last, cells, names, today) for first, last, cells in records]
    existing = _existing_keys(
        {born for row in checked if isinstance(born := row.values["date_of_birth"], date)}
    )
    first_seen: dict[tuple, int] = {}
    rows = []
    for row in checked:
        key = _key(row.values["first_name"], row.values["last_name"], row.values["date_of_birth"])
        if key is not None and row.readable:
            if key in first_seen:
                row.problems.append(
                    ("", _("Same name and date of birth as line %(line)d.", line=first_seen[key]))
                )
            else:
                first_seen[key] = row.line
            if key in existing:
                row.problems.append(
                    ("", _("A student with this name and date of birth already exists."))
                )
        rows.append(row)
    return Checked(rows)


# Batches ---------------------------------------------------------------------------------


def enrollable_cohorts() -> list[Cohort]:
    """The cohorts an import may enrol into: those in planning or open."""
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .where(Cohort.status.in_(enrolments.ENROLLABLE))
            .order_by(Cohort.departure_date.desc(), Cohort.name)
        )
    )


def takes_enrolments(cohort: Cohort | None) -> bool:
    return cohort is None or cohort.status in enrolments.ENROLLABLE


def _enrollable(cohort_id: int | None) -> Cohort | None:
    if cohort_id is None:
        return None
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.status not in enrolments.ENROLLABLE:
        raise DomainError(_("This cohort does not take enrolments any more."), "cohort_id")
    return cohort


def create_batch(
    data: bytes, filename: str, cohort_id: int | None, by_id: int | None
) -> ImportBatch:
    """Store an uploaded file for its preview; refuses what is no readable student list."""
    text = decode(data)
    read_file(text)
    cohort = _enrollable(cohort_id)
    batch = ImportBatch(
        filename=(filename or "students.csv").strip()[:255],
        content=text,
        cohort=cohort,
        uploaded_by_id=by_id,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def forecast(cohort: Cohort | None, count: int) -> tuple[int, int]:
    """How many of count students would get a place in the cohort, and how many wait."""
    if cohort is None:
        return 0, 0
    places = max(0, min(count, cohort.places_free))
    return places, count - places


def _claim(batch: ImportBatch, status: ImportStatus, by_id: int | None) -> None:
    """Finish a pending batch, atomically, so that it is never imported twice."""
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.PENDING)
        .values(status=status, finished_at=utcnow(), finished_by_id=by_id, content="")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(_("This file was already imported or discarded."))
    db.session.refresh(batch)


def discard(batch: ImportBatch, by_id: int | None) -> None:
    """Throw a pending upload away, with the personal data in it."""
    _claim(batch, ImportStatus.DISCARDED, by_id)


def _insert_students(rows: list[Row]) -> list[int]:
    """Insert the rows' students, guardians and contacts in a few statements; their ids.

    Row by row through the unit of work takes a minute for 5,000 students."""
    table = Student.__table__
    values = [students.normalise(row.values) for row in rows]
    ids = list(
        db.session.scalars(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), values
        )
    )
    guardians, contacts = [], []
    for student_id, row in zip(ids, rows, strict=True):
        for position, person in enumerate(students.people(row.values, "guardians"), start=1):
            guardians.append({"student_id": student_id, "position": position, **person})
        for person in students.people(row.values, "emergency_contacts"):
            contacts.append({"student_id": student_id, **person})
    db.session.execute(sa.insert(Guardian.__table__), guardians)
    db.session.execute(sa.insert(EmergencyContact.__table__), contacts)
    words = [
        word
        for student_id, student in zip(ids, values, strict=True)
        for word in search_word_rows(
            student_id, student["first_name"], student["last_name"], student["email"]
        )
    ]
    db.session.execute(sa.insert(StudentWord.__table__), words)
    audit.created_in_bulk("student", ids)
    return ids


def import_batch(
    batch: ImportBatch, mode: str, by_id: int | None, today: date | None = None
) -> dict:
    """Create the students of a pending batch (all, or only the valid rows) and enrol them.

    Checks every row again first: the database may have changed since the preview. Only
    flushes; the caller commits, or rolls back on DomainError."""
    if batch.status != ImportStatus.PENDING:
        raise DomainError(_("This file was already imported or discarded."))
    cohort = batch.cohort
    if cohort is not None and not takes_enrolments(cohort):
        raise DomainError(
            _("The cohort %(name)s does not take enrolments any more.", name=cohort.name)
        )
    checked = check_rows(batch.content, today)
    if mode == "all" and checked.invalid:
        raise DomainError(
            ngettext(
                "%(num)d row has problems, so the whole file cannot be imported. Nothing was "
                "imported.",
                "%(num)d rows have problems, so the whole file cannot be imported. Nothing was "
                "imported.",
                len(checked.invalid),
            )
        )
    if not checked.valid:
        raise DomainError(_("No row can be imported. Nothing was imported."))
    _claim(batch, ImportStatus.IMPORTED, by_id)
    try:
        student_ids = _insert_students(checked.valid)
        placed, waitlisted = enrolments.enrol_many(student_ids, cohort, by_id) if cohort else (0, 0)
    except IntegrityError:
        raise DomainError(
            _("The database refused the import; nothing was imported. Please try again.")
        ) from None
    batch.result = {
        "created": len(student_ids),
        "enrolled": placed,
        "waitlisted": waitlisted,
        "cohort": cohort.name if cohort else None,
        "skipped": [
            {"line": row.line, "name": row.name, "problems": [list(p) for p in row.problems]}
            for row in checked.invalid
        ],
    }
    db.session.flush()
    return batch.result
