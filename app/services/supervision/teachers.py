"""Supervising teachers: their accounts, their cohorts (lead or assistant), which students
each one supervises, and whether a cohort has enough of them.

Services flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    CohortTeacher,
    Enrolment,
    Role,
    Teacher,
    TeacherRole,
    User,
)
from app.services.errors import DomainError
from app.services.identity import accounts
from app.services.privacy import audit
from app.services.supervision import area_split, teacher_roster
from app.services.supervision.ratio import teachers_of
from app.services.validation import Checker

TEACHER_FIELDS = ("name", "school", "phone", "languages")


def check_details(values: dict) -> dict:
    """The teacher's details, checked; ValidationFailed lists every problem."""
    check = Checker()
    check.text(values, "name", required=True, max_length=200)
    check.text(values, "school", required=True, max_length=200)
    check.phone(values, "phone", required=True)
    check.text(values, "languages", required=False, max_length=200)
    check.raise_if_any()
    return {key: (values.get(key) or "").strip() for key in TEACHER_FIELDS}


def create_teacher(
    email: str, password: str, name: str, school: str, phone: str, languages: str = ""
) -> Teacher:
    """Create the teacher and their login account (role teacher)."""
    details = check_details(
        {"name": name, "school": school, "phone": phone, "languages": languages}
    )
    existing = accounts.find_user(email)
    if existing is not None and existing.role == Role.TEACHER and not teacher_for_user(existing):
        raise DomainError(
            str(
                _l(
                    "This email already has a teacher's login without teacher details: "
                    "complete it from the list of teachers."
                )
            ),
            "email",
        )
    user = accounts.create_user(email, password, Role.TEACHER)
    teacher = Teacher(user=user, **details)
    db.session.add(teacher)
    db.session.flush()
    return teacher


def update_teacher(
    teacher: Teacher, name: str, school: str, phone: str, languages: str = ""
) -> None:
    """Change a teacher's contact details."""
    details = check_details(
        {"name": name, "school": school, "phone": phone, "languages": languages}
    )
    for key, value in details.items():
        setattr(teacher, key, value)
    db.session.flush()


def teachers_query() -> sa.Select:
    """Teachers by name, with account and cohorts loaded (three queries)."""
    return (
        sa.select(Teacher)
        .options(
            joinedload(Teacher.user),
            selectinload(Teacher.assignments).joinedload(CohortTeacher.cohort),
        )
        .order_by(Teacher.name, Teacher.id)
    )


def choices() -> list[tuple[int, str]]:
    """(id, "name (school)") of every teacher, by name, for a select: columns only, as a
    national organisation has thousands of teachers with years of cohorts each."""
    rows = db.session.execute(
        sa.select(Teacher.id, Teacher.name, Teacher.school).order_by(Teacher.name, Teacher.id)
    )
    return [(id_, f"{name} ({school})" if school else name) for id_, name, school in rows]


def teacher_for_user(user: User) -> Teacher | None:
    """The teacher record of a login account, if it has one."""
    return db.session.scalar(sa.select(Teacher).where(Teacher.user_id == user.id))


def _assignment(cohort_id: int, teacher_id: int) -> CohortTeacher | None:
    return db.session.get(CohortTeacher, (cohort_id, teacher_id))


def assign(cohort: Cohort, teacher: Teacher, role: TeacherRole | str) -> CohortTeacher:
    """Assign a teacher to a cohort, or change their role there. One lead per cohort."""
    try:
        role = TeacherRole(role)
    except ValueError as exc:
        raise DomainError(str(_l("Choose lead or assistant.")), "role") from exc
    # Lock the cohort's row so that two coordinators cannot each name a lead at once.
    db.session.execute(sa.select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    if role == TeacherRole.LEAD:
        other_lead = db.session.scalar(
            sa.select(Teacher.name)
            .join(CohortTeacher)
            .where(
                CohortTeacher.cohort_id == cohort.id,
                CohortTeacher.role == TeacherRole.LEAD,
                CohortTeacher.teacher_id != teacher.id,
            )
        )
        if other_lead is not None:
            raise DomainError(
                str(
                    _l(
                        "%(name)s already leads this cohort; make them an assistant first.",
                        name=other_lead,
                    )
                ),
                "role",
            )
    assignment = _assignment(cohort.id, teacher.id)
    if assignment is None:
        assignment = CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id, role=role)
        db.session.add(assignment)
    else:
        assignment.role = role
    db.session.flush()
    return assignment


def unassign(cohort: Cohort, teacher: Teacher) -> int:
    """Take a teacher off a cohort; their students there lose their supervisor (how many)."""
    assignment = _assignment(cohort.id, teacher.id)
    if assignment is None:
        raise DomainError(str(_l("This teacher is not assigned to this cohort.")))
    supervised = Enrolment.cohort_id == cohort.id, Enrolment.supervising_teacher_id == teacher.id
    ids = list(db.session.scalars(sa.select(Enrolment.id).where(*supervised)))
    freed = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id.in_(ids))
        .values(supervising_teacher_id=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    audit.changed_in_bulk("enrolment", ids, ["supervising_teacher_id"])
    db.session.delete(assignment)
    db.session.flush()
    return freed


def supervised_by(cohort: Cohort, teacher: Teacher) -> list[Enrolment]:
    """The cohort's students the teacher supervises (unassign leaves them without one)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.supervising_teacher_id == teacher.id)
            .options(joinedload(Enrolment.student, innerjoin=True))
            .order_by(Enrolment.id)
        )
    )


def _check_supervisor(enrolment: Enrolment, teacher: Teacher, assigned: set[int]) -> None:
    if enrolment.status not in HOLDS_PLACE:
        raise DomainError(
            str(_l("Only students who hold a place get a supervising teacher.")), "teacher"
        )
    if teacher.id not in assigned:
        raise DomainError(
            str(
                _l(
                    "%(name)s is not a teacher of this cohort; assign them first.",
                    name=teacher.name,
                )
            ),
            "teacher",
        )


def _assigned_ids(cohort_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CohortTeacher.teacher_id).where(CohortTeacher.cohort_id == cohort_id)
        )
    )


def set_supervisor(enrolment: Enrolment, teacher: Teacher | None) -> None:
    """Name the teacher who supervises a student in a cohort (None: nobody yet)."""
    if teacher is not None:
        _check_supervisor(enrolment, teacher, _assigned_ids(enrolment.cohort_id))
    enrolment.supervising_teacher_id = teacher.id if teacher is not None else None
    db.session.flush()


def split(cohort: Cohort, choices: dict[int, int | None]) -> int:
    """Set many supervisors at once: enrolment id → teacher id (None: nobody). How many
    students changed teacher; refuses enrolments of other cohorts and foreign teachers."""
    enrolments = {
        e.id: e
        for e in db.session.scalars(
            sa.select(Enrolment).where(Enrolment.id.in_(choices), Enrolment.cohort_id == cohort.id)
        )
    }
    if len(enrolments) != len(choices):
        raise DomainError(str(_l("The list of students changed meanwhile; please try again.")))
    wanted = {tid for tid in choices.values() if tid is not None}
    teachers = {
        t.id: t for t in db.session.scalars(sa.select(Teacher).where(Teacher.id.in_(wanted)))
    }
    if len(teachers) != len(wanted):
        raise DomainError(str(_l("Choose a teacher of this cohort.")), "teacher")
    assigned = _assigned_ids(cohort.id)
    changed = 0
    for enrolment_id, teacher_id in choices.items():
        enrolment = enrolments[enrolment_id]
        if enrolment.supervising_teacher_id == teacher_id:
            continue
        if teacher_id is not None:
            _check_supervisor(enrolment, teachers[teacher_id], assigned)
        enrolment.supervising_teacher_id = teacher_id
        changed += 1
    db.session.flush()
    return changed


@dataclass(frozen=True)
class Balanced:
    students: int
    teachers: int
    areas: int
    split_areas: int  # areas whose students ended up with more than one teacher


def balance(cohort: Cohort) -> Balanced:
    """Share the cohort's students among its teachers as evenly as possible, keeping each
    area (host family's town, else the student's school) with one teacher where it can.
    Placed students' areas are kept whole first."""
    teacher_ids = [load.teacher.id for load in teachers_of(cohort, counts={})]
    if not teacher_ids:
        raise DomainError(str(_l("Assign at least one teacher to this cohort first.")))
    by_area: dict[tuple[bool, str], list[Enrolment]] = {}
    for row in teacher_roster.cohort_students(cohort):
        by_area.setdefault(row.area_key, []).append(row.enrolment)
    # Placed before unplaced, larger before smaller; names make the order repeatable.
    order = sorted(by_area, key=lambda key: (not key[0], -len(by_area[key]), key[1]))
    shares, split_areas = area_split.spread([by_area[key] for key in order], teacher_ids)
    for teacher_id, enrolments in shares.items():
        for enrolment in enrolments:
            enrolment.supervising_teacher_id = teacher_id
    db.session.flush()
    return Balanced(
        students=sum(len(group) for group in by_area.values()),
        teachers=len(teacher_ids),
        areas=len(by_area),
        split_areas=split_areas,
    )
