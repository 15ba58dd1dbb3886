"""A cohort's students as a teacher's card and a roster show them, read as columns (no ORM
objects): the student's own facts, the host family's address and phones from the active
placement, guardians and emergency contacts, and whether the guardians withdrew their
consent (the page reads the student through disclosure.Disclosed or roster_columns.cells)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Diet,
    EmergencyContact,
    Enrolment,
    Gender,
    Guardian,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Student,
)
from app.services.enrolment import disclosure, documents


class Person(NamedTuple):
    """A guardian or an emergency contact as a student's card shows them."""

    name: str
    relation: str
    phone: str


class CardStudent(NamedTuple):
    """What a teacher's card and a roster show of a student (read through the consent rule:
    disclosure.Disclosed, roster_columns.cells)."""

    id: int
    first_name: str
    last_name: str
    date_of_birth: date
    gender: Gender
    school: str
    grade: str
    phone: str | None
    diet: Diet
    allergies: str
    pet_allergy: bool
    medical_notes: str
    guardians: list[Person]
    emergency_contacts: list[Person]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CardHome(NamedTuple):
    """Where a student lives: the active placement's application, as the card shows it."""

    id: int
    address_line: str
    city: str
    state: str
    postal_code: str
    phone: str
    mobile_phone: str


@dataclass(frozen=True)
class Card:
    """A student holding a place, read as the columns a teacher's card and a roster show
    (CohortStudent without ORM objects)."""

    enrolment_id: int
    cohort_id: int
    supervising_teacher_id: int | None
    student: CardStudent
    home: CardHome | None
    family_name: str
    consent_withdrawn: bool = False

    @property
    def shown(self) -> disclosure.Disclosed:
        """The student as a page may show them (the consent rule)."""
        return disclosure.Disclosed(self.student, self.consent_withdrawn)


STUDENT_COLUMNS = (
    Student.id,
    Student.first_name,
    Student.last_name,
    Student.date_of_birth,
    Student.gender,
    Student.school,
    Student.grade,
    Student.phone,
    Student.diet,
    Student.allergies,
    Student.pet_allergy,
    Student.medical_notes,
)
HOME_COLUMNS = (
    HostApplication.id,
    HostApplication.address_line,
    HostApplication.city,
    HostApplication.state,
    HostApplication.postal_code,
    HostApplication.phone,
    HostApplication.mobile_phone,
)


@cache
def _students() -> sa.Select:
    """The cohorts' (:cohort_ids) students holding a place, by name: built once (building
    and keying a statement of 25 columns costs more than running it on SQLite)."""
    return (
        sa.select(
            Enrolment.cohort_id,
            Enrolment.id,
            Enrolment.supervising_teacher_id,
            HostFamily.family_name,
            documents.withdrawn_condition(),
            *STUDENT_COLUMNS,
            *HOME_COLUMNS,
        )
        .join(Enrolment.student)
        .outerjoin(
            Placement,
            (Placement.enrolment_id == Enrolment.id) & (Placement.status == PlacementStatus.ACTIVE),
        )
        .outerjoin(HostApplication, HostApplication.id == Placement.application_id)
        .outerjoin(HostFamily, HostFamily.id == HostApplication.family_id)
        .where(
            Enrolment.cohort_id.in_(sa.bindparam("cohort_ids", expanding=True)),
            Enrolment.status.in_(HOLDS_PLACE),
        )
        .order_by(Student.last_name, Student.first_name, Enrolment.id)
    )


@cache
def _people() -> sa.Select:
    """Guardians (0) and emergency contacts (1) of the students (:student_ids), each in its
    own order, in one statement; built once."""
    both = sa.union_all(
        *(
            sa.select(
                sa.literal(which).label("which"),
                model.student_id,
                order.label("ord"),
                model.name,
                model.relation,
                model.phone,
            ).where(model.student_id.in_(sa.bindparam("student_ids", expanding=True)))
            for which, model, order in (
                (0, Guardian, Guardian.position),
                (1, EmergencyContact, EmergencyContact.id),
            )
        )
    ).subquery()
    return sa.select(
        both.c.which, both.c.student_id, both.c.name, both.c.relation, both.c.phone
    ).order_by(both.c.which, both.c.student_id, both.c.ord)


def cards_of(cohort_ids: list[int]) -> dict[int, list[Card]]:
    """The students of teacher_roster.students_of with their contacts, as the columns a
    teacher's card and a roster show: cohort id → its students by name, each with their
    guardians and emergency contacts. Two statements, no ORM objects."""
    found: dict[int, list[Card]] = {cohort_id: [] for cohort_id in cohort_ids}
    if not cohort_ids:
        return found
    rows = db.session.execute(_students(), {"cohort_ids": list(cohort_ids)}).all()
    student_ids = [row[5] for row in rows]
    people: tuple[dict[int, list[Person]], ...] = ({}, {})
    for kept in people:
        kept.update((student_id, []) for student_id in student_ids)
    if student_ids:
        for which, student_id, *person in db.session.execute(
            _people(), {"student_ids": student_ids}
        ):
            people[which][student_id].append(Person(*person))
    width = len(STUDENT_COLUMNS)
    for cohort_id, enrolment_id, teacher_id, family_name, withdrawn, *rest in rows:
        facts, home = rest[:width], rest[width:]
        student_id = facts[0]
        student = CardStudent(*facts, people[0][student_id], people[1][student_id])
        found[cohort_id].append(
            Card(
                enrolment_id,
                cohort_id,
                teacher_id,
                student,
                CardHome(*home) if home[0] is not None else None,
                family_name or "",
                bool(withdrawn),
            )
        )
    return found
