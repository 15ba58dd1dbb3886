"""Guardians are told by email when their student's place in a cohort changes: accepted, put
on the waitlist, a place became free and is held (moved up, or reinstated into a free place),
withdrawn. One rule for the web, the commands and the application's own moves (enrolments.py
calls `tell` wherever a status changes), so that they all write the same emails:

- each guardian with an email address gets one, in their language (German when none is
  known), once per address (two guardians may share one), through the outbox, queued in the
  same transaction as the change: a refused repeat (a double click) changes nothing and
  sends nothing;
- no email about an enrolment its guardian or adult student made themselves online (they see
  the outcome on the page right after submitting); the import of a school's list sends none
  either (enrol_many does not call this: an import may be last year's data);
- a change that is no news (accepted back to applied, completed after the stay) sends none;
- the reason of a withdrawal only when staff chose to share it;
- the link to the guardian's page only for a guardian with an account;
- a student of 18 or more with their own account gets the same news, written to them (the
  templates ending in ".student"), unless a guardian has the same address."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, Guardian, Role, StudentAccount, User
from app.services.enrolment import own_accounts, students
from app.services.mail import notifications, templates

S = EnrolmentStatus
STAFF = (Role.ADMIN, Role.COORDINATOR)
ACCEPTED, WAITLISTED, PLACE, WITHDRAWN = (
    "enrolment.accepted",
    "enrolment.waitlisted",
    "enrolment.place",
    "enrolment.withdrawn",
)
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def email_key(old: EnrolmentStatus | None, new: EnrolmentStatus) -> str | None:
    """Which email a change of status from `old` (None: just enrolled) to `new` sends, if any."""
    if new == S.ACCEPTED and old != S.ACCEPTED:
        return ACCEPTED
    if new == S.WAITLISTED and old != S.WAITLISTED:
        return WAITLISTED
    if new == S.APPLIED and old in (S.WAITLISTED, S.WITHDRAWN):
        return PLACE
    if new == S.WITHDRAWN and old != S.WITHDRAWN:
        return WITHDRAWN
    return None


def _made_by_applicant(old: EnrolmentStatus | None, by_id: int | None) -> bool:
    """Whether the change is an enrolment the guardian or adult student made online."""
    if old is not None or by_id is None:
        return False
    user = db.session.get(User, by_id)
    return user is not None and user.role not in STAFF


def recipients(enrolment: Enrolment) -> list[Guardian]:
    """The student's guardians with an email address, once per address."""
    return students.guardians_with_email(enrolment.student)


def tell(
    enrolment: Enrolment,
    old: EnrolmentStatus | None,
    by_id: int | None = None,
    *,
    shared_reason: str = "",
) -> int:
    """Queue the email about the enrolment's new status to each guardian with an address;
    how many were queued. `shared_reason` is a reason staff chose to tell the guardians."""
    key = email_key(old, enrolment.status)
    if key is None or _made_by_applicant(old, by_id):
        return 0
    guardians = recipients(enrolment)
    students_own = own_accounts.adult_accounts(enrolment.student_id, guardians)
    if not guardians and not students_own:
        return 0
    position = _position(enrolment) if key == WAITLISTED else None
    with_account = _with_account([g.id for g in guardians]) if guardians else set()
    page = _page(enrolment.student_id) if with_account or students_own else ""
    reason = shared_reason.strip()
    for guardian in guardians:
        link = page if guardian.id in with_account else ""
        with notifications.in_language_of_guardian(guardian):
            values = _values(enrolment, guardian, link, position, reason)
            subject, body = templates.render(key, templates.language(), values)
        notifications.queue(guardian.email, subject, _tidy(body))
    for user in students_own:
        with own_accounts.in_language_of_student(user):
            values = _values_to_student(enrolment, page, position, reason)
            subject, body = templates.render(f"{key}.student", templates.language(), values)
        notifications.queue(user.email, subject, _tidy(body))
    return len(guardians) + len(students_own)


def reachable(enrolment: Enrolment) -> bool:
    """Whether anybody gets the emails about the enrolment: a guardian with an address, or
    the student's own account."""
    guardians = recipients(enrolment)
    return bool(guardians) or bool(own_accounts.adult_accounts(enrolment.student_id, guardians))


def student_told(enrolment: Enrolment) -> bool:
    """Whether the student themself gets the email (an adult with their own account)."""
    return bool(own_accounts.adult_accounts(enrolment.student_id, recipients(enrolment)))


def _values(
    enrolment: Enrolment, guardian: Guardian, link: str, position: int | None, reason: str
) -> dict[str, object]:
    """The placeholders' values, written in the language being written in now."""
    student = enrolment.student.first_name
    return {
        "name": guardian.name,
        "student": student,
        "cohort": enrolment.cohort.name,
        "page": _("You can see where things stand on your page: %(link)s", link=link)
        if link
        else "",
        "position": _(
            "%(student)s is number %(number)d on the waitlist.", student=student, number=position
        )
        if position
        else "",
        "reason": _reason(reason),
    }


def _values_to_student(
    enrolment: Enrolment, link: str, position: int | None, reason: str
) -> dict[str, object]:
    """The placeholders' values of the email to the student themself."""
    return {
        "name": enrolment.student.full_name,
        "cohort": enrolment.cohort.name,
        "page": _("You can see where things stand on your page: %(link)s", link=link),
        "position": _("You are number %(number)d on the waitlist.", number=position)
        if position
        else "",
        "reason": _reason(reason),
    }


def _reason(reason: str) -> str:
    """The sentence giving the reason staff chose to pass on, or nothing."""
    return _("The reason: %(reason)s", reason=reason) if reason else ""


def _position(enrolment: Enrolment) -> int | None:
    # Imported here: enrolments calls this module whenever a status changes.
    from app.services.enrolment.enrolments import waitlist_position

    return waitlist_position(enrolment)


def _with_account(guardian_ids: list[int]) -> set[int]:
    """Which of the guardians have an account that sees the student (so a page to link)."""
    return set(
        db.session.scalars(
            sa.select(StudentAccount.guardian_id)
            .join(User, User.id == StudentAccount.user_id)
            .where(StudentAccount.guardian_id.in_(guardian_ids), User.active.is_(True))
        )
    )


def _page(student_id: int) -> str:
    """The absolute address of the guardian's page of the student: the request's host on
    the web, APPLICATION_URL in a command."""
    if has_request_context():
        return url_for("guardians.student", student_id=student_id, _external=True)
    base = current_app.config["APPLICATION_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base):
        return url_for("guardians.student", student_id=student_id, _external=True)


def _tidy(body: str) -> str:
    """The body without the blank paragraphs an empty optional sentence leaves."""
    return _BLANK_LINES.sub("\n\n", body).strip()
