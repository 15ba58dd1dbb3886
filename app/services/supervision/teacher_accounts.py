"""Accounts with the teacher role but no teacher record: made with `flask users create` or
given the role under Users. Until staff add the teacher's details such an account sees no
students; the teacher list offers them to complete."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Role, Teacher, User
from app.services.supervision import teachers

# More than anybody leaves unfinished: the teacher list shows at most this many.
SHOWN = 50


def _without_record() -> sa.Select:
    has_record = sa.select(Teacher.id).where(Teacher.user_id == User.id).exists()
    return sa.select(User).where(User.role == Role.TEACHER, ~has_record)


def to_complete() -> list[User]:
    """Teacher accounts without a teacher record, by email."""
    return list(db.session.scalars(_without_record().order_by(User.email).limit(SHOWN)))


def account_to_complete(user_id: int) -> User | None:
    """The teacher account without a record of this id; None for any other account."""
    return db.session.scalar(_without_record().where(User.id == user_id))


def complete(user: User, name: str, school: str, phone: str, languages: str = "") -> Teacher:
    """Give a teacher account its teacher record: from now on it sees its cohorts."""
    details = teachers.check_details(
        {"name": name, "school": school, "phone": phone, "languages": languages}
    )
    teacher = Teacher(user=user, **details)
    db.session.add(teacher)
    db.session.flush()
    return teacher
