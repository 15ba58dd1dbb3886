"""Whether a cohort has enough supervising teachers: each teacher's load, the students nobody
supervises yet, and the ratio warning (one teacher for every n students, two from 11 on).

Services flush; the caller commits once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext, ngettext
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import HOLDS_PLACE, Cohort, CohortTeacher, Enrolment, Teacher, TeacherRole

# From this many students on, a cohort travels with at least two teachers.
TWO_TEACHERS_FROM = 11


@dataclass(frozen=True)
class TeacherLoad:
    teacher: Teacher
    role: TeacherRole
    students: int  # students of the cohort this teacher supervises


@dataclass(frozen=True)
class Supervision:
    """A cohort's teachers at a glance."""

    teachers: list[TeacherLoad]
    students: int  # enrolments holding a place
    unsupervised: int  # of those, with no supervising teacher yet
    warning: str | None


def _supervised_counts(cohort: Cohort) -> dict[int | None, int]:
    """Students holding a place in the cohort, by supervising teacher id (None: nobody)."""
    return dict(
        db.session.execute(
            sa.select(Enrolment.supervising_teacher_id, sa.func.count(Enrolment.id))
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE))
            .group_by(Enrolment.supervising_teacher_id)
        ).all()
    )


def teachers_of(cohort: Cohort, counts: dict[int | None, int] | None = None) -> list[TeacherLoad]:
    """The cohort's teachers, lead first, each with how many students they supervise."""
    counts = _supervised_counts(cohort) if counts is None else counts
    lead_first = sa.case((CohortTeacher.role == TeacherRole.LEAD, 0), else_=1)
    rows = db.session.execute(
        sa.select(Teacher, CohortTeacher.role)
        .join(CohortTeacher)
        .where(CohortTeacher.cohort_id == cohort.id)
        .options(joinedload(Teacher.user))
        .order_by(lead_first, Teacher.name, Teacher.id)
    ).all()
    return [TeacherLoad(teacher, role, counts.get(teacher.id, 0)) for teacher, role in rows]


def teachers_needed(students: int, per_teacher: int) -> int:
    """How many teachers a cohort of this size needs."""
    needed = math.ceil(students / per_teacher) if students else 0
    return max(needed, 2) if students >= TWO_TEACHERS_FROM else needed


def _ratio_message(students: int, teachers: int, per_teacher: int) -> str | None:
    needed = teachers_needed(students, per_teacher)
    if teachers >= needed:
        return None
    # Each count brings its own plural: "1 student needs", "at least 1 supervising teacher".
    who = ngettext("%(num)d student needs", "%(num)d students need", students)
    need = ngettext(
        "at least %(num)d supervising teacher", "at least %(num)d supervising teachers", needed
    )
    rule = ngettext("one for every student", "one for every %(num)d students", per_teacher)
    if students >= TWO_TEACHERS_FROM:
        rule = gettext(
            "%(rule)s, and two from %(two)d students on", rule=rule, two=TWO_TEACHERS_FROM
        )
    assigned = gettext("%(num)d assigned", num=teachers)
    return gettext(
        "%(who)s %(need)s (%(rule)s); %(assigned)s.",
        who=who,
        need=need,
        rule=rule,
        assigned=assigned,
    )


def supervision(cohort: Cohort) -> Supervision:
    """Teachers with their student counts, unsupervised students and the ratio warning."""
    counts = _supervised_counts(cohort)
    loads = teachers_of(cohort, counts)
    students = sum(counts.values())
    return Supervision(
        teachers=loads,
        students=students,
        unsupervised=counts.get(None, 0),
        warning=_ratio_message(students, len(loads), cohort.students_per_teacher),
    )
