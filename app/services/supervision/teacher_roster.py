"""A cohort's students as their teachers see them: host family, address and phones from the
active placement, the student's care flags, guardians and emergency contacts; of a student
whose guardians withdrew their consent, what the consent rule shows (enrolment.disclosure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    CohortStatus,
    CohortTeacher,
    Enrolment,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Student,
    Teacher,
    TeacherRole,
)
from app.services.enrolment import disclosure, documents
from app.services.privacy import audit
from app.services.supervision import student_cards


@dataclass(frozen=True)
class CohortStudent:
    """A student holding a place in a cohort, with the family they live with (if placed)."""

    enrolment: Enrolment
    home: HostApplication | None  # the active placement's application
    family_name: str
    consent_withdrawn: bool = False  # the guardians' consent: recorded, none active

    @property
    def student(self) -> Student:
        return self.enrolment.student

    @property
    def cohort_id(self) -> int:
        return self.enrolment.cohort_id

    @property
    def supervising_teacher_id(self) -> int | None:
        return self.enrolment.supervising_teacher_id

    @property
    def shown(self) -> disclosure.Disclosed:
        """The student as a page may show them (the consent rule)."""
        return disclosure.Disclosed(self.student, self.consent_withdrawn)

    @property
    def placed(self) -> bool:
        return self.home is not None

    @property
    def area(self) -> str:
        """Where the student lives: the host family's town, else the student's school."""
        if self.home is not None and self.home.city.strip():
            return self.home.city.strip()
        return self.student.school.strip()

    @property
    def area_key(self) -> tuple[bool, str]:
        return (self.placed, self.area.casefold())

    @property
    def area_shown(self) -> str:
        """The area as a page may show it: not the school of a student whose guardians
        withdrew their consent."""
        if self.home is not None and self.home.city.strip():
            return self.area
        return self.area if self.shown.shows(disclosure.Fact.SCHOOL) else ""


def cohort_students(cohort: Cohort) -> list[CohortStudent]:
    """The cohort's students holding a place, by name; one query (the cards and rosters with
    the students' contacts read columns: student_cards.cards_of)."""
    return students_of([cohort.id])[cohort.id]


def students_of(cohort_ids: list[int]) -> dict[int, list[CohortStudent]]:
    """cohort_students of several cohorts at once: cohort id → its students, by name."""
    found: dict[int, list[CohortStudent]] = {cohort_id: [] for cohort_id in cohort_ids}
    if not cohort_ids:
        return found
    rows = db.session.execute(
        sa.select(
            Enrolment, HostApplication, HostFamily.family_name, documents.withdrawn_condition()
        )
        .join(Enrolment.student)
        .outerjoin(
            Placement,
            (Placement.enrolment_id == Enrolment.id) & (Placement.status == PlacementStatus.ACTIVE),
        )
        .outerjoin(HostApplication, HostApplication.id == Placement.application_id)
        .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
        .where(Enrolment.cohort_id.in_(cohort_ids), Enrolment.status.in_(HOLDS_PLACE))
        .options(contains_eager(Enrolment.student))
        .order_by(Student.last_name, Student.first_name, Enrolment.id)
    ).all()
    for enrolment, home, name, withdrawn in rows:
        found[enrolment.cohort_id].append(CohortStudent(enrolment, home, name or "", withdrawn))
    return found


class SubjectRow(NamedTuple):
    """A student as the contact rule needs them (compliance): the name only when shown."""

    enrolment_id: int
    teacher_id: int | None
    application_id: int | None  # where they live: the active placement's application
    family_name: str = ""
    name: str = ""


def _of_student(column):
    return sa.select(column).where(Student.id == Enrolment.student_id).scalar_subquery()


def subject_rows(cohort_ids: list[int], names: bool = True) -> dict[int, list[SubjectRow]]:
    """Each cohort's students holding a place, by name, as columns (not as objects); without
    names four columns each (for counts). The name is shown whatever the consent (a safety
    fact, disclosure.SAFETY)."""
    found: dict[int, list[SubjectRow]] = {cohort_id: [] for cohort_id in cohort_ids}
    if not cohort_ids:
        return found
    if names:
        query = (
            sa.select(
                Enrolment.cohort_id,
                Enrolment.id,
                Enrolment.supervising_teacher_id,
                Placement.application_id,
                HostFamily.family_name,
                Student.first_name,
                Student.last_name,
            )
            .join(Enrolment.student)
            .outerjoin(
                Placement,
                (Placement.enrolment_id == Enrolment.id)
                & (Placement.status == PlacementStatus.ACTIVE),
            )
            .outerjoin(HostApplication, HostApplication.id == Placement.application_id)
            .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
            .where(Enrolment.cohort_id.in_(cohort_ids), Enrolment.status.in_(HOLDS_PLACE))
            .order_by(Student.last_name, Student.first_name, Enrolment.id)
        )
        for cohort_id, enrolment_id, teacher_id, home, family, first, last in db.session.execute(
            query
        ):
            found[cohort_id].append(
                SubjectRow(enrolment_id, teacher_id, home, family or "", f"{first} {last}")
            )
        return found
    # The home as a lookup per student (PostgreSQL would read all placements for a join).
    home = (
        sa.select(Placement.application_id)
        .where(Placement.enrolment_id == Enrolment.id, Placement.status == PlacementStatus.ACTIVE)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Enrolment.cohort_id, Enrolment.id, Enrolment.supervising_teacher_id, home)
        .where(Enrolment.cohort_id.in_(cohort_ids), Enrolment.status.in_(HOLDS_PLACE))
        # By name as with names: a family counts for the teacher of its first student. The
        # names as lookups per student (joined, PostgreSQL would read all 100,000 students).
        .order_by(_of_student(Student.last_name), _of_student(Student.first_name), Enrolment.id)
    ).all()
    for cohort_id, *row in rows:
        found[cohort_id].append(SubjectRow(*row))
    return found


# Once a cohort is over, its teachers no longer need its students' data.
FINISHED = (CohortStatus.COMPLETED, CohortStatus.ARCHIVED)


def cohorts_of(teacher: Teacher) -> list[tuple[Cohort, TeacherRole]]:
    """The cohorts a teacher is assigned to, the next departure first."""
    return [
        (cohort, role)
        for cohort, role in db.session.execute(
            sa.select(Cohort, CohortTeacher.role)
            .join(CohortTeacher, CohortTeacher.cohort_id == Cohort.id)
            .where(CohortTeacher.teacher_id == teacher.id, Cohort.status.not_in(FINISHED))
            .options(joinedload(Cohort.programme))  # the contact rule of those abroad reads it
            .order_by(Cohort.departure_date.desc(), Cohort.id.desc())
        ).all()
    ]


def assigned_cohort(teacher: Teacher, cohort_id: int) -> tuple[Cohort, TeacherRole] | None:
    """The cohort with the teacher's role in it, or None when they are not assigned to it."""
    row = db.session.execute(
        sa.select(Cohort, CohortTeacher.role)
        .join(CohortTeacher, CohortTeacher.cohort_id == Cohort.id)
        .where(
            CohortTeacher.teacher_id == teacher.id,
            Cohort.id == cohort_id,
            Cohort.status.not_in(FINISHED),
        )
    ).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str
    role: TeacherRole
    phone: str


@dataclass(frozen=True)
class TeacherRoster:
    """One cohort seen by one of its teachers: their own students, then everyone else."""

    cohort: Cohort
    role: TeacherRole
    teachers: list[Colleague]  # every teacher of the cohort, lead first
    mine: list[student_cards.Card]
    others: list[student_cards.Card]

    def supervisor(self, row: student_cards.Card) -> Colleague | None:
        wanted = row.supervising_teacher_id
        return next((t for t in self.teachers if t.id == wanted), None)


def colleagues(cohort: Cohort) -> list[Colleague]:
    """Every teacher of the cohort, the lead first."""
    return colleagues_of([cohort.id])[cohort.id]


def colleagues_of(cohort_ids: list[int]) -> dict[int, list[Colleague]]:
    """colleagues of several cohorts at once: cohort id → its teachers, the lead first."""
    found: dict[int, list[Colleague]] = {cohort_id: [] for cohort_id in cohort_ids}
    if not cohort_ids:
        return found
    lead_first = sa.case((CohortTeacher.role == TeacherRole.LEAD, 0), else_=1)
    rows = db.session.execute(
        sa.select(
            CohortTeacher.cohort_id, Teacher.id, Teacher.name, CohortTeacher.role, Teacher.phone
        )
        .join(CohortTeacher)
        .where(CohortTeacher.cohort_id.in_(cohort_ids))
        .order_by(lead_first, Teacher.name)
    ).all()
    for cohort_id, *colleague in rows:
        found[cohort_id].append(Colleague(*colleague))
    return found


def roster(teacher: Teacher, cohort: Cohort, role: TeacherRole) -> TeacherRoster:
    """The teacher's view of a cohort they are assigned to (the caller checks that)."""
    return rosters(teacher, [(cohort, role)])[0]


def rosters(teacher: Teacher, cohorts: list[tuple[Cohort, TeacherRole]]) -> list[TeacherRoster]:
    """The teacher's view of each cohort they are assigned to (the caller checks that), read
    for all of them at once: a teacher of many cohorts makes no more queries than of one."""
    ids = [cohort.id for cohort, _role in cohorts]
    students = student_cards.cards_of(ids)
    teachers = colleagues_of(ids)
    audit.medical_viewed(
        (row.student.id for cohort_id in ids for row in students[cohort_id]), "teacher_portal"
    )
    result = []
    for cohort, role in cohorts:
        rows = students[cohort.id]
        mine = [s for s in rows if s.supervising_teacher_id == teacher.id]
        others = [s for s in rows if s.supervising_teacher_id != teacher.id]
        result.append(TeacherRoster(cohort, role, teachers[cohort.id], mine, others))
    return result
