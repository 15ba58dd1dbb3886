"""Import of a school's student list (XLSX or CSV): read the file, decide which column is which
field (import_mapping), check every row (import_rows), import on confirmation.

Each row obeys the same rules as the web form (students.check_student). An upload is only
stored; students are written when the person confirms, all of them in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app import bulk
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
from app.services.enrolment import enrolments, import_mapping, students
from app.services.enrolment.import_rows import Checked, Record, Row, check_rows
from app.services.enrolment.tables import Table, read_table
from app.services.errors import DomainError
from app.services.privacy import audit

S = EnrolmentStatus
__all__ = ["Checked", "Row", "check_rows"]


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
    data: bytes,
    filename: str,
    cohort_id: int | None,
    by_id: int | None,
    sheet: str | None = None,
) -> ImportBatch:
    """Store an uploaded file's table for its mapping and preview; refuses what is no readable
    student list. The columns are taken as mapped when every one is known (by its name, or
    for the school's file with this header) and no required field is missing."""
    table = read_table(data, filename, sheet)
    cohort = _enrollable(cohort_id)
    proposal = import_mapping.proposal(table.header, table.records)
    batch = ImportBatch(
        filename=(filename or "students.csv").strip()[:255],
        content=json.dumps({"header": table.header, "records": table.records}, ensure_ascii=False),
        source={
            "kind": table.kind,
            "encoding": table.encoding,
            "separator": table.separator,
            "sheet": table.sheet,
            "sheets": list(table.sheets),
        },
        mapping=proposal if import_mapping.complete(table.header, proposal) else None,
        cohort=cohort,
        uploaded_by_id=by_id,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def table_of(batch: ImportBatch) -> tuple[list[str], list[Record]]:
    """The header and records of a pending batch's file."""
    if not batch.content:
        return [], []
    stored = json.loads(batch.content)
    return stored["header"], [(first, last, cells) for first, last, cells in stored["records"]]


def described(batch: ImportBatch) -> str:
    """How the file was read, in words: kind, encoding, separator, sheet."""
    return Table(header=[], records=[], **(batch.source or {})).described()


class MappingRefused(DomainError):
    """The columns as chosen cannot be imported; problems: (column index or None, message)."""

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        super().__init__(" ".join(message for _index, message in problems))
        self.problems = problems


def set_mapping(batch: ImportBatch, chosen: Sequence[str | None], by_id: int | None) -> str:
    """Keep the field of each column ("" ignores it) for the batch, and for the school's next
    file with the same header (the school returned); refuses columns left open, a field
    twice, required ones missing."""
    if batch.status != ImportStatus.PENDING:
        raise DomainError(_("This file was already imported or discarded."))
    header, records = table_of(batch)
    if len(chosen) != len(header) or any(
        field not in (None, import_mapping.IGNORED, *import_mapping.FIELDS) for field in chosen
    ):
        raise ValueError("a mapping must name a known field or nothing for every column")
    problems = import_mapping.problems(header, chosen)
    if problems:
        raise MappingRefused(problems)
    batch.mapping = [field or import_mapping.IGNORED for field in chosen]
    school = import_mapping.remember(header, records, batch.mapping, by_id)
    db.session.flush()
    return school


def check_batch(batch: ImportBatch, today: date | None = None) -> Checked:
    """Every row of a mapped batch checked; its problems name the file's columns."""
    header, records = table_of(batch)
    mapping = batch.mapping or [""] * len(header)
    checked = check_rows(mapping, records, today)
    names = {field: name for field, name in zip(mapping, header, strict=False) if field}
    for row in checked.rows:
        row.problems = [(names.get(column, column), message) for column, message in row.problems]
    return checked


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
        .values(status=status, finished_at=utcnow(), finished_by_id=by_id, content="", source=None)
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
    ids = bulk.insert_returning_ids(table, values)
    guardians, contacts = [], []
    for student_id, row in zip(ids, rows, strict=True):
        for position, person in enumerate(students.people(row.values, "guardians"), start=1):
            guardians.append({"student_id": student_id, "position": position, **person})
        for person in students.people(row.values, "emergency_contacts"):
            contacts.append({"student_id": student_id, **person})
    bulk.insert(Guardian.__table__, guardians)
    bulk.insert(EmergencyContact.__table__, contacts)
    words = [
        word
        for student_id, student in zip(ids, values, strict=True)
        for word in search_word_rows(
            student_id, student["first_name"], student["last_name"], student["email"]
        )
    ]
    bulk.insert(StudentWord.__table__, words)
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
    if batch.mapping is None:
        raise DomainError(_("Choose the columns first. Nothing was imported."))
    cohort = batch.cohort
    if cohort is not None and not takes_enrolments(cohort):
        raise DomainError(
            _("The cohort %(name)s does not take enrolments any more.", name=cohort.name)
        )
    checked = check_batch(batch, today)
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
