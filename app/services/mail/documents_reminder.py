"""The documents reminder of `flask reminders send` (reminders.py runs it, with the claim
that notes each email once and the function that queues it): documents still missing N days
before a cohort's enrolment deadline, to the guardians with an email (once per address) and an
adult student's own account (own_accounts), each in their language. A document whose uploaded
file waits for staff's review is not named, and nothing is sent when only such wait. Staff
learn, once per cohort and deadline, how many students nobody can be emailed about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Cohort,
    Direction,
    DocumentKind,
    Enrolment,
    Guardian,
    ReviewState,
    Student,
    User,
)
from app.services.enrolment import document_files, documents, own_accounts
from app.services.enrolment.students import guardians_with_email
from app.services.mail import notifications
from app.services.mail import reminder_settings as rs
from app.services.mail.shipped_notices import day, students
from app.services.supervision import care_alerts, compliance

Claim = Callable[[str, str, int, str, str], bool]
Send = Callable[[str, str, dict[str, object]], None]


def _home_today(cohort: Cohort, now: datetime) -> date:
    """Today where the students live before the stay (their own city)."""
    programme = cohort.programme
    own = programme.home_timezone if cohort.direction is Direction.OUTBOUND else None
    return compliance.today_in(own or programme.partner_timezone, now)


def send(
    now: datetime, cohort_link: Callable[[Cohort], str], claim: Claim, send_email: Send
) -> int:
    """Guardians (once per address) of students still lacking documents, and an adult
    student's own account, from N days before the deadline until the deadline, once per
    deadline; staff, once per cohort and deadline, about those nobody can be emailed about."""
    ahead = rs.days(rs.DOCUMENTS)
    utc_today = compliance.today_in("UTC", now)
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Enrolment.cohort)
        .where(
            Cohort.status.in_(care_alerts.BEFORE_DEPARTURE),
            Cohort.enrolment_deadline.is_not(None),
            Cohort.enrolment_deadline.between(
                utc_today - timedelta(days=1), utc_today + timedelta(days=ahead + 1)
            ),
            documents.lacks_documents(),
        )
        .options(
            joinedload(Enrolment.cohort).joinedload(Cohort.programme),
            joinedload(Enrolment.student).selectinload(Student.guardians),
            selectinload(Enrolment.documents),
            selectinload(Enrolment.files),
            selectinload(Enrolment.consents),
        )
        .order_by(Enrolment.id)
    ).all()
    own = own_accounts.by_student(e.student_id for e in enrolments)  # adults' own accounts
    sent = 0
    unreachable: dict[int, tuple[Cohort, int]] = {}
    for enrolment in enrolments:
        cohort = enrolment.cohort
        today = _home_today(cohort, now)
        deadline = cohort.enrolment_deadline
        if not deadline - timedelta(days=ahead) <= today <= deadline:
            continue
        kinds = _to_remind_of(enrolment)
        if not kinds:
            continue
        key = deadline.isoformat()
        guardians = guardians_with_email(enrolment.student)  # once per address
        adults = own_accounts.beside(guardians, own.get(enrolment.student_id, []))
        if not guardians and not adults:
            found = unreachable.get(cohort.id, (cohort, 0))
            unreachable[cohort.id] = (cohort, found[1] + 1)
            continue
        student = enrolment.student
        about = {"student": student.first_name}  # the guardians' text names the student
        to_guardians = [(g.email, g, "reminder.documents", g.name, about) for g in guardians]
        to_adult = [
            (a.email, a, "reminder.documents.student", student.full_name, {}) for a in adults
        ]
        for address, person, template, name, more in [*to_guardians, *to_adult]:
            if not claim("documents", "enrolment", enrolment.id, key, address):
                continue
            with _in_language_of(person):
                values = _documents_values(kinds, cohort, deadline, name)
                send_email(address, template, {**values, **more})
            sent += 1
    for cohort, count in unreachable.values():
        key = cohort.enrolment_deadline.isoformat()
        for member in notifications.staff():
            if not claim("documents_staff", "cohort", cohort.id, key, member.email):
                continue
            with notifications.in_language(member):
                values = {
                    "students": students(count),
                    "cohort": cohort.name,
                    "day": day(cohort.enrolment_deadline),
                    "link": cohort_link(cohort),
                }
                send_email(member.email, "reminder.documents_staff", values)
            sent += 1
    return sent


def _documents_values(
    kinds: list[DocumentKind], cohort: Cohort, deadline: date, name: str
) -> dict[str, object]:
    """The documents reminder's values, written in the language being written in now."""
    missing = ", ".join(str(k.label) for k in kinds)
    return {"name": name, "cohort": cohort.name, "missing": missing, "day": day(deadline)}


def _in_language_of(person: Guardian | User):
    """A guardian's language, or an adult student's account's."""
    if isinstance(person, Guardian):
        return notifications.in_language_of_guardian(person)
    return own_accounts.in_language_of_student(person)


def _to_remind_of(enrolment: Enrolment) -> list[DocumentKind]:
    """The missing documents to remind the guardians of: not those whose newest uploaded file
    waits for staff's review (the guardian has sent it; staff still see it as missing)."""
    files = document_files.by_kind(enrolment)  # newest first
    return [
        kind
        for kind in documents.missing_kinds(enrolment)
        if not files.get(kind) or files[kind][0].state != ReviewState.WAITING
    ]
