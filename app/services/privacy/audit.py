"""The audit trail, written by the domain: every change to the tracked records is noted at flush
time (so the web, the CSV import and the commands are all covered), with field names and never
the values; logins, views of medical notes and roster exports are recorded by the services that
do them. Entries join the caller's transaction: what is rolled back leaves no entry."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session, selectinload

from app import bulk
from app.database import distinct_values
from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    CohortTeacher,
    ConcernAction,
    ConcernReport,
    Contact,
    DocumentFile,
    EmergencyContact,
    Enrolment,
    FamilyReference,
    Guardian,
    GuardianConsent,
    HistoryEvent,
    HostApplication,
    HostFamily,
    HouseholdMember,
    Placement,
    Setting,
    Student,
    Teacher,
    User,
)
from app.models.base import utcnow

# Bookkeeping columns whose changes say nothing about what a person did (a cohort's counters
# move with every enrolment, which has its own entry).
IGNORED = {
    "created_at",
    "updated_at",
    "last_active_at",
    "last_login_at",
    "status_changed_at",
    "places_taken",
    "waitlist_counter",
}

# For each tracked model: (record type, record id, what the change is called inside the record).
Target = Callable[[object], tuple[str, int | None, str]]
TRACKED: dict[type, Target] = {
    Student: lambda o: ("student", o.id, ""),
    Guardian: lambda o: ("student", o.student_id, "guardian"),
    EmergencyContact: lambda o: ("student", o.student_id, "emergency_contact"),
    Enrolment: lambda o: ("enrolment", o.id, ""),
    GuardianConsent: lambda o: ("enrolment", o.enrolment_id, "consent"),
    Placement: lambda o: ("enrolment", o.enrolment_id, "placement"),
    DocumentFile: lambda o: ("enrolment", o.enrolment_id, "document_file"),
    HostFamily: lambda o: ("family", o.id, ""),
    HostApplication: lambda o: ("application", o.id, ""),
    HouseholdMember: lambda o: ("application", o.application_id, "household_member"),
    FamilyReference: lambda o: ("application", o.application_id, "reference"),
    User: lambda o: ("user", o.id, ""),
    Teacher: lambda o: ("teacher", o.id, ""),
    Setting: lambda o: ("setting", None, ""),
    Cohort: lambda o: ("cohort", o.id, ""),
    # Assigning a teacher lets them read the cohort's medical notes: which teacher is kept.
    CohortTeacher: lambda o: ("cohort", o.cohort_id, "teacher"),
    HistoryEvent: lambda o: ("history_event", o.id, ""),
    # The duty of care: a contact belongs to the student's enrolment, or to the family's
    # application when it was with the family alone; a report has a record of its own (it may
    # outlive the enrolment), its timeline is part of it.
    Contact: lambda o: (
        ("enrolment", o.enrolment_id, "contact")
        if o.enrolment_id is not None
        else ("application", o.application_id, "contact")
    ),
    ConcernReport: lambda o: ("concern_report", o.id, ""),
    ConcernAction: lambda o: ("concern_report", o.report_id, "action"),
}

_quiet = contextvars.ContextVar("audit_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Do not note row changes (a purge or an erasure records one entry of its own instead)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _address() -> str:
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def _row(action: str, record_type: str, record_id: int | None, details: dict, user_id=None):
    return {
        "at": utcnow(),
        "user_id": user_id if user_id is not None else _actor_id(),
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "details": details,
        "ip_address": _address(),
    }


def record(
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    details: dict | None = None,
    user_id: int | None = None,
) -> AuditEntry:
    """Add one entry: the person (the logged-in user unless given), the action, the record.
    details holds names (columns, fields, formats), never personal values."""
    entry = AuditEntry(**_row(action, record_type, record_id, details or {}, user_id))
    db.session.add(entry)
    db.session.flush()
    return entry


def medical_viewed(student_ids: Iterable[int], where: str) -> None:
    """Note that the current person was shown these students' medical notes."""
    first = _row("student.medical_viewed", "student", None, {"page": where})
    rows = [{**first, "record_id": i, "details": {"page": where}} for i in student_ids]
    if rows:
        db.session.execute(sa.insert(AuditEntry), rows)


def created_in_bulk(record_type: str, ids: Iterable[int]) -> None:
    """Note rows a service inserted with one statement (the CSV import, bulk enrolment)."""
    first = _row(f"{record_type}.created", record_type, None, {})
    rows = [{**first, "record_id": i, "details": {}} for i in ids]
    if rows and not _quiet.get():
        bulk.insert(AuditEntry.__table__, rows)


def changed_in_bulk(record_type: str, ids: Iterable[int], fields: list[str]) -> None:
    """Note rows a service changed with one UPDATE statement (the unit of work did not see it)."""
    rows = [_row(f"{record_type}.changed", record_type, i, {"fields": fields}) for i in ids]
    if rows and not _quiet.get():
        db.session.execute(sa.insert(AuditEntry), rows)


def _changed_fields(obj) -> list[str]:
    state = sa.inspect(obj)
    return sorted(
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in IGNORED and state.attrs[attr.key].history.has_changes()
    )


def _entry(kind: str, obj) -> dict | None:
    record_type, record_id, part = TRACKED[type(obj)](obj)
    fields = _changed_fields(obj) if kind == "changed" else []
    if kind == "changed" and not fields:
        return None
    if part:  # a part of the record (a guardian of a student): the record changed
        names = [f"{part}.{f}" for f in fields] if fields else [f"{part}.{kind}"]
        action, details = f"{record_type}.changed", {"fields": names}
    else:
        action, details = f"{record_type}.{kind}", ({"fields": fields} if fields else {})
    if isinstance(obj, Setting):
        details["setting"] = obj.key
    if isinstance(obj, CohortTeacher):
        details["teacher_id"] = obj.teacher_id
    return _row(action, record_type, record_id, details)


def _collector(kind: str):
    """A mapper event that keeps the entry until the flush ends (orphans deleted by a cascade
    and rows of every flush step included)."""

    def collect(_mapper, _connection, target) -> None:
        session = object_session(target)
        if session is None or _quiet.get():
            return
        row = _entry(kind, target)
        if row is not None:
            session.info.setdefault("audit_rows", []).append(row)

    return collect


for _model in TRACKED:
    event.listen(_model, "after_insert", _collector("created"))
    event.listen(_model, "after_update", _collector("changed"))
    event.listen(_model, "after_delete", _collector("deleted"))


@event.listens_for(Session, "after_flush")
def _write_entries(session: Session, _context) -> None:
    rows = session.info.pop("audit_rows", None)
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


@event.listens_for(Session, "after_rollback")
def _forget_entries(session: Session) -> None:
    session.info.pop("audit_rows", None)


def scrub(records: dict[str, Iterable[int]], user_ids: Iterable[int] = ()) -> int:
    """Cut the trail's links to deleted people: entries about these records lose the record id,
    entries by these users lose the user and the address. How many entries were touched."""
    touched = 0
    for record_type, ids in records.items():
        ids = list(ids)
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            touched += db.session.execute(
                sa.update(AuditEntry)
                .where(AuditEntry.record_type == record_type, AuditEntry.record_id.in_(chunk))
                .values(record_id=None)
            ).rowcount
    users = list(user_ids)
    for chunk in (users[i : i + 500] for i in range(0, len(users), 500)):
        touched += db.session.execute(
            sa.update(AuditEntry)
            .where(AuditEntry.user_id.in_(chunk))
            .values(user_id=None, ip_address="")
        ).rowcount
    return touched


@dataclass(frozen=True)
class Filters:
    """What the admin narrows the trail to; every part optional. Dates are UTC days."""

    user_id: int | None = None
    record_type: str = ""
    record_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def search(filters: Filters) -> sa.Select:
    """The entries matching the filters, newest first, with their user loaded."""
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.user))
    if filters.user_id is not None:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.record_type:
        query = query.where(AuditEntry.record_type == filters.record_type)
    if filters.record_id is not None:
        query = query.where(AuditEntry.record_id == filters.record_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time.min)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def actions() -> list[str]:
    """Every action the trail holds, for the filter."""
    return list(db.session.scalars(distinct_values(AuditEntry.action)))


def record_types() -> list[str]:
    return list(db.session.scalars(distinct_values(AuditEntry.record_type, above="")))


def export_rows(filters: Filters) -> Iterator[list[str]]:
    """The matching entries as CSV rows, read in batches so that any size streams."""
    result = db.session.execute(search(filters).execution_options(yield_per=500))
    for entry in result.scalars():
        yield [
            entry.at.isoformat(timespec="seconds") + "Z",
            entry.user.email if entry.user else "",
            entry.action,
            entry.record_type,
            "" if entry.record_id is None else str(entry.record_id),
            json.dumps(entry.details, sort_keys=True),
            entry.ip_address,
        ]


EXPORT_HEADER = ["at_utc", "user", "action", "record_type", "record_id", "details", "address"]
