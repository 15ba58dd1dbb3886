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
from app.services.enrolment import cohorts, enrolments, students

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


FAMILY_PASSWORD = "maple-syrup-waffles"


def family_values(cohort_ids=(), **overrides) -> dict:
    """Answers a host-family application can be submitted with: a household of two,
    two references and the cohorts given."""
    values = {
        "family_name": "Miller",
        "address_line": "12 Elmwood Avenue",
        "city": "Buffalo",
        "state": "NY",
        "postal_code": "14201",
        "phone": "+1 716 555 0100",
        "mobile_phone": "",
        "languages": "English, some German",
        "has_pets": False,
        "pets": "",
        "smoking_in_home": False,
        "bedrooms": 4,
        "beds_offered": 1,
        "shared_room": False,
        "gender_preference": "any",
        "diets": ["vegetarian"],
        "high_school": "City Honors School",
        "school_distance_miles": 2.5,
        "motivation": "We would love to share our home and learn about Germany.",
        "background_check_consent": True,
        "members": [
            {"name": "Pat Miller", "age": 45, "relation": "parent"},
            {"name": "Sam Miller", "age": 16, "relation": "child"},
        ],
        "references": [
            {
                "name": "Ann Neighbour",
                "relation": "neighbour",
                "phone": "+1 716 555 0111",
                "email": "ann@example.org",
            },
            {"name": "Bob Coach", "relation": "coach", "phone": "+1 716 555 0122", "email": ""},
        ],
        "cohort_ids": list(cohort_ids),
    }
    values.update(overrides)
    return values


def confirm_link(token: str) -> str:
    """Where a confirmation link points (tests that follow it use the page's own link)."""
    return f"http://localhost/email/confirm/{token}"


def sign_up_confirmed(email: str, password: str = FAMILY_PASSWORD):
    """A family signed up (inside an application context) that has followed the link of its
    welcome email, so that it can log in; the HostFamily."""
    from app.models.base import utcnow
    from app.services.hosting.signup import sign_up

    family = sign_up(email, password, confirm_link)
    family.user.email_confirmed_at = utcnow()
    db.session.flush()
    return family


def make_application(
    app, email: str | None = None, *, submitted: bool = True, cohort_ids=None, **overrides
) -> int:
    """A family signed up with complete answers, submitted unless submitted=False; the
    application's id. Without cohort_ids a new outbound cohort is chosen."""
    from app.services.hosting import families

    if cohort_ids is None:
        cohort_ids = [make_cohort(app)]
    email = email or f"family{next(_numbers)}@example.org"
    with app.app_context():
        family = sign_up_confirmed(email)
        application = families.current_application(family)
        families.save_answers(application, family_values(cohort_ids, **overrides))
        if submitted:
            families.submit(application)
        db.session.commit()
        return application.id


def make_vetted_family(
    app,
    cohort_ids,
    status: str = "approved",
    *,
    background_valid_until: date | None = None,
    **answers,
) -> int:
    """A family's application walked through vetting up to `status` (a step, a decision or
    withdrawn); the application's id. The background check is valid until
    background_valid_until, by default well past the return of every cohort chosen."""
    from app.models import ApplicationStatus, HostApplication
    from app.services.hosting import families, vetting

    status = ApplicationStatus(status)
    application_id = make_application(app, cohort_ids=list(cohort_ids), **answers)
    today = date.today()
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        if background_valid_until is None:
            returns = [db.session.get(Cohort, i).return_date for i in cohort_ids]
            background_valid_until = max([today + timedelta(days=365), *returns]) + timedelta(
                days=30
            )
        steps = {
            ApplicationStatus.REFERENCES_CHECKED: lambda: vetting.check_references(
                application, None
            ),
            ApplicationStatus.BACKGROUND_CLEARED: lambda: vetting.clear_background(
                application, background_valid_until, None
            ),
            ApplicationStatus.HOME_VISITED: lambda: vetting.record_home_visit(
                application, today, "J. Coordinator", "A warm home.", None
            ),
        }
        finished = (*vetting.DECISIONS, ApplicationStatus.WITHDRAWN)
        target = ApplicationStatus.HOME_VISITED if status in finished else status
        while application.status != target:
            steps[vetting.NEXT_STEP[application.status]]()
        if status == ApplicationStatus.WITHDRAWN:
            families.withdraw(application, application.family.user_id)
        elif status in vetting.DECISIONS:
            vetting.decide(application, status, None)
        db.session.commit()
        return application_id


def make_approved_family(
    app, cohort_ids, *, background_valid_until: date | None = None, **answers
) -> int:
    """An approved family offering to host the cohorts given, with a background check valid
    well past their return (unless background_valid_until says otherwise); the application's
    id. Answers override family_values (beds_offered=2, has_pets=True, ...)."""
    return make_vetted_family(
        app, cohort_ids, "approved", background_valid_until=background_valid_until, **answers
    )


TEACHER_PASSWORD = "chalk-board-compass"


def make_teacher(app, name: str = "Anna Lehmann", email: str | None = None, **details) -> int:
    """A teacher with a login account; the teacher's id."""
    from app.services.supervision import teachers

    values = {"school": "Goethe-Gymnasium", "phone": "+49 231 500100", **details}
    email = email or f"teacher{next(_numbers)}@example.org"
    with app.app_context():
        teacher = teachers.create_teacher(email, TEACHER_PASSWORD, name=name, **values)
        db.session.commit()
        return teacher.id


def assign_teacher(app, cohort_id: int, teacher_id: int, role: str = "lead", students=()) -> None:
    """Assign the teacher to the cohort and make them supervise the enrolments given."""
    from app.models import Enrolment, Teacher
    from app.services.supervision import teachers

    with app.app_context():
        teacher = db.session.get(Teacher, teacher_id)
        teachers.assign(db.session.get(Cohort, cohort_id), teacher, role)
        for enrolment_id in students:
            teachers.set_supervisor(db.session.get(Enrolment, enrolment_id), teacher)
        db.session.commit()


def place(app, enrolment_id: int, application_id: int) -> int:
    """Place the enrolled student with the family's application; the placement's id."""
    from app.models import Enrolment, HostApplication
    from app.services.placement import placements

    with app.app_context():
        placement = placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, application_id),
            None,
        )
        db.session.commit()
        return placement.id
