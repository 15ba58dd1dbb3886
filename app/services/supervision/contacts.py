"""Contacts with students and host families during the stay: who may record them, the
checks, and the cohort's contact log (for the programme's yearly report).

Services flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    Contact,
    ContactMode,
    ContactWith,
    Enrolment,
    HostApplication,
    Placement,
    Role,
    User,
    Wellbeing,
)
from app.services.errors import DomainError
from app.services.identity.permissions import Permission, can
from app.services.supervision import compliance, teacher_roster, teachers
from app.services.validation import Checker

NOTES_LENGTH = 5000


def cohort_for(user: User, cohort_id: int) -> Cohort | None:
    """The cohort if the person may look after its students: staff any cohort, a teacher the
    cohorts they are assigned to while those last, nobody else."""
    if can(user, Permission.STAFF_DASHBOARD):  # with the programme its rule is read from
        return db.session.get(Cohort, cohort_id, options=[joinedload(Cohort.programme)])
    if getattr(user, "role", None) == Role.TEACHER:
        teacher = teachers.teacher_for_user(user)
        found = teacher and teacher_roster.assigned_cohort(teacher, cohort_id)
        return found[0] if found else None
    return None


def _enrolment(cohort: Cohort, enrolment_id: Any) -> Enrolment | None:
    if enrolment_id is None:
        return None
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id or enrolment.status not in HOLDS_PLACE:
        raise DomainError(str(_l("Choose a student of this cohort.")), "enrolment_id")
    return enrolment


def _family(cohort: Cohort, application_id: Any, enrolment: Enrolment | None) -> HostApplication:
    """The family's application, if it houses (or housed) a student of the cohort; with the
    student, the family they live with."""
    housing = sa.select(Placement.id).where(
        Placement.cohort_id == cohort.id, Placement.application_id == application_id
    )
    if enrolment is not None:
        housing = housing.where(Placement.enrolment_id == enrolment.id)
    if application_id is None or db.session.scalar(housing.limit(1)) is None:
        message = (
            _l("Choose the family the student lives with.")
            if enrolment is not None
            else _l("Choose a host family of this cohort.")
        )
        raise DomainError(str(message), "application_id")
    return db.session.get(HostApplication, application_id)


def check(cohort: Cohort, values: dict) -> dict:
    """The contact's values, checked; ValidationFailed lists every problem."""
    check = Checker()
    check.choice(values, "with_whom", ContactWith)
    check.choice(values, "mode", ContactMode)
    check.text(values, "participants", required=False, max_length=300)
    check.text(values, "notes", required=False, max_length=NOTES_LENGTH)
    today = compliance.local_today(cohort)
    day = values.get("contacted_on")
    if day is None:
        check.add("contacted_on", _l("Enter the date of the contact."))
    else:
        check.date_between(
            values,
            "contacted_on",
            cohort.departure_date,
            min(today, cohort.return_date),
            _l(
                "Enter a date from the departure (%(departure)s) to today or the return, "
                "whichever is first.",
                departure=cohort.departure_date.isoformat(),
            ),
        )
    with_whom = values.get("with_whom")
    wellbeing = values.get("wellbeing") or None
    if with_whom in (ContactWith.STUDENT, ContactWith.BOTH):
        if wellbeing is None:
            check.add("wellbeing", _l("Say how the student is."))
        else:
            check.choice({"wellbeing": wellbeing}, "wellbeing", Wellbeing)
    check.raise_if_any()
    return {
        "with_whom": ContactWith(with_whom),
        "mode": ContactMode(values["mode"]),
        "contacted_on": day,
        "participants": (values.get("participants") or "").strip(),
        "notes": (values.get("notes") or "").strip(),
        "wellbeing": Wellbeing(wellbeing) if ContactWith(with_whom).student else None,
    }


def record(cohort: Cohort, user: User, values: dict) -> Contact:
    """Record a contact with a student of the cohort, their host family, or both."""
    if cohort_for(user, cohort.id) is None:
        raise DomainError(str(_l("You do not look after this cohort.")))
    checked = check(cohort, values)
    with_whom: ContactWith = checked["with_whom"]
    enrolment = _enrolment(cohort, values.get("enrolment_id")) if with_whom.student else None
    if with_whom.student and enrolment is None:
        raise DomainError(str(_l("Choose a student of this cohort.")), "enrolment_id")
    application = (
        _family(cohort, values.get("application_id"), enrolment) if with_whom.family else None
    )
    contact = Contact(
        cohort_id=cohort.id,
        enrolment_id=enrolment.id if enrolment else None,
        application_id=application.id if application else None,
        recorded_by_id=user.id,
        **checked,
    )
    db.session.add(contact)
    db.session.flush()
    return contact


@dataclass(frozen=True)
class LogLine:
    """One contact as the log shows it."""

    contact: Contact
    student: str
    family: str
    recorded_by: str


def _log_query(cohort: Cohort, since: date | None, until: date | None, newest_first: bool):
    from app.models import HostFamily, Teacher

    order = (
        (Contact.contacted_on.desc(), Contact.id.desc())
        if newest_first
        else (
            Contact.contacted_on,
            Contact.id,
        )
    )
    query = (
        sa.select(Contact, HostFamily.family_name, Teacher.name, User.email)
        .outerjoin(HostApplication, HostApplication.id == Contact.application_id)
        .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
        .outerjoin(User, User.id == Contact.recorded_by_id)
        .outerjoin(Teacher, Teacher.user_id == Contact.recorded_by_id)
        .where(Contact.cohort_id == cohort.id)
        .options(joinedload(Contact.enrolment).joinedload(Enrolment.student))
        .order_by(*order)
    )
    if since is not None:
        query = query.where(Contact.contacted_on >= since)
    if until is not None:
        query = query.where(Contact.contacted_on <= until)
    return query


def _lines(rows) -> list[LogLine]:
    lines = []
    for contact, family, teacher, email in rows:
        student = contact.enrolment.student.full_name if contact.enrolment else ""
        lines.append(LogLine(contact, student, family or "", teacher or email or ""))
    return lines


def log(
    cohort: Cohort,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = False,
) -> list[LogLine]:
    """The cohort's contacts, oldest first (or newest); one statement."""
    return _lines(db.session.execute(_log_query(cohort, since, until, newest_first)).all())


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLine]
    total: int
    page: int
    pages: int


def log_page(
    cohort: Cohort,
    page: int,
    per_page: int,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = True,
) -> LogPage | None:
    """One page of the log (None past the last page); two statements."""
    query = _log_query(cohort, since, until, newest_first)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    pages = max(1, -(-total // per_page))
    if page > pages:
        return None
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return LogPage(_lines(rows), total, page, pages)


def choices(cohort: Cohort) -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """Whom a contact can be with: the cohort's students holding a place (enrolment id,
    name) and the families housing them now (application id, name, first student's
    enrolment id); one statement."""
    students, families, seen = [], [], set()
    for row in teacher_roster.cohort_students(cohort):
        students.append((row.enrolment.id, row.shown.full_name))
        if row.home is not None and row.home.id not in seen:
            seen.add(row.home.id)
            families.append((row.home.id, row.family_name, row.enrolment.id))
    families.sort(key=lambda f: f[1].casefold())
    return students, families
