"""A small world for the concern reports' tests: two cohorts, each with a teacher, a
student placed with a host family, a second student, and a spare approved family; a
coordinator, a second coordinator and an admin. Ids and emails only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.extensions import db
from app.models import Enrolment, Role, User
from app.services.supervision import concerns
from tests.conftest import make_user
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
    place,
)

LINK = "http://localhost/care/concerns/{}".format


@dataclass
class Side:
    cohort_id: int
    teacher_email: str
    family_email: str
    application_id: int  # the family the student lives with
    spare_application_id: int  # another approved family with a free bed
    placed_id: int  # the enrolment placed with the family
    other_id: int  # an enrolment not placed
    student_name: str


@dataclass
class CareWorld:
    a: Side
    b: Side
    coordinator: str = "coord@example.org"
    coordinator2: str = "coord2@example.org"
    admin: str = "admin@example.org"


def _side(app, tag: str) -> Side:
    cohort_id = make_cohort(app, places=5, name=f"Cohort {tag}")
    placed_id = enrol(app, make_student(app, first_name="Mia", last_name=f"Placed{tag}"), cohort_id)
    other_id = enrol(app, make_student(app, first_name="Ben", last_name=f"Other{tag}"), cohort_id)
    teacher_email = f"teacher-{tag.lower()}@example.org"
    teacher_id = make_teacher(app, name=f"Teacher {tag}", email=teacher_email)
    assign_teacher(app, cohort_id, teacher_id, students=(placed_id, other_id))
    family_email = f"family-{tag.lower()}@example.org"
    application_id = make_approved_family(
        app, [cohort_id], email=family_email, family_name=f"Host{tag}"
    )
    spare = make_approved_family(app, [cohort_id], family_name=f"Spare{tag}")
    place(app, placed_id, application_id)
    return Side(
        cohort_id,
        teacher_email,
        family_email,
        application_id,
        spare,
        placed_id,
        other_id,
        f"Mia Placed{tag}",
    )


def build(app) -> CareWorld:
    world = CareWorld(_side(app, "A"), _side(app, "B"))
    make_user(app, world.coordinator, Role.COORDINATOR)
    make_user(app, world.coordinator2, Role.COORDINATOR)
    make_user(app, world.admin, Role.ADMIN)
    return world


def user(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def values(**overrides) -> dict:
    return {
        "category": "homesickness",
        "severity": "routine",
        "happened_on": date.today() - timedelta(days=1),
        "what_happened": "Cried at dinner, misses home.",
        "action_taken": "Talked with her.",
        **overrides,
    }


def make_report(app, enrolment_id: int, by: str, owner: str | None = None, **overrides) -> int:
    """A report made through the service (taken by `owner` when given); its id."""
    with app.app_context():
        report = concerns.report(
            db.session.get(Enrolment, enrolment_id), user(by), values(**overrides), LINK
        )
        if owner is not None:
            concerns.take(report, user(owner))
        db.session.commit()
        return report.id
