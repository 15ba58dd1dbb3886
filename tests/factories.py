"""Valid cohorts and students, created through the services. Each call returns the new id.

cohort_id = make_cohort(app, places=2)                   # "open" unless status= is given
student_id = make_student(app, last_name="Schmidt")      # a 15-year-old, valid throughout
enrolment_id = enrol(app, student_id, cohort_id)
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from app.extensions import db
from app.models import Cohort, CohortStatus, Student
from app.services import cohorts, enrolments, students

_numbers = itertools.count(1)

# The way a cohort goes from planning to archived; make_cohort walks it up to the status asked.
STATUS_PATH = list(CohortStatus)


def cohort_values(**overrides) -> dict:
    """Values create_cohort accepts: an outbound cohort some months ahead, 10 places."""
    departure = date.today() + timedelta(days=180)
    values = {
        "name": f"Buffalo cohort {next(_numbers)}",
        "direction": "outbound",
        "departure_date": departure,
        "return_date": departure + timedelta(days=21),
        "enrolment_deadline": None,
        "places": 10,
        "students_per_teacher": 10,
    }
    values.update(overrides)
    return values


def make_cohort(app, status: CohortStatus | str = CohortStatus.OPEN, **overrides) -> int:
    """A cohort of the default programme, moved to `status` through the allowed transitions."""
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        cohort = cohorts.create_cohort(cohort_values(programme_id=programme.id, **overrides))
        for step in STATUS_PATH[1 : STATUS_PATH.index(CohortStatus(status)) + 1]:
            cohorts.set_status(cohort, step)
        db.session.commit()
        return cohort.id


def student_values(**overrides) -> dict:
    """Values create_student accepts: a 15-year-old with one guardian and one contact."""
    number = next(_numbers)
    values = {
        "first_name": "Lena",
        "last_name": f"Student{number:04d}",
        "date_of_birth": date(date.today().year - 15, 1, 1),
        "gender": "female",
        "school": "Goethe-Gymnasium",
        "grade": "10",
        "email": f"student{number}@example.org",
        "phone": "+49 231 123456",
        "diet": "none",
        "visa_status": "not_started",
        "guardians": [
            {"name": f"Maria Student{number:04d}", "relation": "mother", "phone": "+49 231 654321"}
        ],
        "emergency_contacts": [
            {"name": "Onkel Otto", "relation": "uncle", "phone": "+49 231 777777"}
        ],
    }
    values.update(overrides)
    return values


def make_student(app, **overrides) -> int:
    with app.app_context():
        student = students.create_student(student_values(**overrides))
        db.session.commit()
        return student.id


def enrol(app, student_id: int, cohort_id: int) -> int:
    """Enrol through the service (a place, or the end of the waitlist); the enrolment's id."""
    with app.app_context():
        enrolment = enrolments.enrol(
            db.session.get(Student, student_id), db.session.get(Cohort, cohort_id)
        )
        db.session.commit()
        return enrolment.id
