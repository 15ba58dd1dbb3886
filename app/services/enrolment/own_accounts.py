"""A student of 18 or more may have an account of their own (linked to them without a
guardian: they enrol, upload and consent for themselves). Whatever is emailed to the guardians
about such a student goes to that account too, written to the student: the status of their
place (status_emails), a rejected file (document_files), missing documents
(documents_reminder). One rule for all three: the student's active accounts, except an address
a guardian already gets the email at, in the account's language (German when it has none, as
the invitation was)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db
from app.models import Guardian, StudentAccount, User
from app.services.mail import notifications


def adult_accounts(student_id: int, guardians: Iterable[Guardian]) -> list[User]:
    """The active accounts of the student themself, except an address a guardian already gets
    the email at."""
    return beside(guardians, by_student([student_id]).get(student_id, []))


def by_student(student_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active own accounts of each of these students who has one, in one query."""
    found: dict[int, list[User]] = {}
    ids = sorted(set(student_ids))
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(StudentAccount.student_id, User)
        .join(User, User.id == StudentAccount.user_id)
        .where(
            StudentAccount.student_id.in_(ids),
            StudentAccount.guardian_id.is_(None),
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    for student_id, user in rows:
        found.setdefault(student_id, []).append(user)
    return found


def beside(guardians: Iterable[Guardian], accounts: list[User]) -> list[User]:
    """The accounts whose address no guardian already gets the email at."""
    taken = {(guardian.email or "").strip().lower() for guardian in guardians}
    return [user for user in accounts if user.email.strip().lower() not in taken]


@contextmanager
def in_language_of_student(user: User) -> Iterator[None]:
    """Write to the student in their account's language; German when it has none."""
    if user.locale:
        with notifications.in_language(user):
            yield
    else:
        with notifications.in_language_for(notifications.GUARDIAN_DEFAULT):
            yield
