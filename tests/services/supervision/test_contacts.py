"""Recording a contact: who may, and the checks (dates in the host area, the student and the
family of this cohort, the wellbeing of the student)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Cohort, Contact, ContactWith, Teacher, User, Wellbeing
from app.services.errors import DomainError
from app.services.supervision import compliance, contacts
from app.services.validation import ValidationFailed
from tests.factories import assign_teacher, make_teacher
from tests.services.supervision.care_data import buffalo_cohort, family, student


@pytest.fixture
def stay(app):
    """A cohort in Buffalo since 20 days, a student living with a family, their teacher."""
    today = date.today()
    cohort_id = buffalo_cohort(app, today - timedelta(days=20), today + timedelta(days=40))
    enrolment_id = student(app, cohort_id)
    application_id = family(app, cohort_id, enrolment_id)
    teacher_id = make_teacher(app, "Anna Lehmann")
    assign_teacher(app, cohort_id, teacher_id, "lead", [enrolment_id])
    return cohort_id, enrolment_id, application_id, teacher_id


def values(**overrides) -> dict:
    found = {
        "with_whom": "both",
        "mode": "phone",
        "participants": "Lena, the host mother",
        "wellbeing": "fine",
        "notes": "All well.",
    }
    found.update(overrides)
    return found


def record(app, cohort_id: int, teacher_id: int, **overrides) -> Contact:
    cohort = db.session.get(Cohort, cohort_id)
    user = db.session.get(Teacher, teacher_id).user
    overrides.setdefault("contacted_on", compliance.local_today(cohort))
    return contacts.record(cohort, user, values(**overrides))


def problems(error: ValidationFailed) -> dict[str, str]:
    return dict(error.problems)


def test_a_teacher_records_a_contact_with_the_student_and_the_family(app, stay):
    cohort_id, enrolment_id, application_id, teacher_id = stay
    with app.app_context():
        contact = record(
            app, cohort_id, teacher_id, enrolment_id=enrolment_id, application_id=application_id
        )
        db.session.commit()
        assert contact.with_whom is ContactWith.BOTH
        assert (contact.enrolment_id, contact.application_id) == (enrolment_id, application_id)
        assert contact.wellbeing is Wellbeing.FINE
        assert contact.recorded_by_id == db.session.get(Teacher, teacher_id).user_id
        assert [line.student for line in contacts.log(db.session.get(Cohort, cohort_id))] == [
            contact.enrolment.student.full_name
        ]


def test_a_date_in_the_future_of_the_host_area_is_refused(app, stay):
    cohort_id, enrolment_id, _application_id, teacher_id = stay
    with app.app_context():
        today = compliance.local_today(db.session.get(Cohort, cohort_id))
        with pytest.raises(ValidationFailed) as refused:
            record(
                app,
                cohort_id,
                teacher_id,
                with_whom="student",
                enrolment_id=enrolment_id,
                contacted_on=today + timedelta(days=1),
            )
        assert "contacted_on" in problems(refused.value)


def test_a_date_before_the_departure_is_refused(app, stay):
    cohort_id, enrolment_id, _application_id, teacher_id = stay
    with app.app_context():
        departure = db.session.get(Cohort, cohort_id).departure_date
        with pytest.raises(ValidationFailed) as refused:
            record(
                app,
                cohort_id,
                teacher_id,
                with_whom="student",
                enrolment_id=enrolment_id,
                contacted_on=departure - timedelta(days=1),
            )
        assert "departure" in problems(refused.value)["contacted_on"]


def test_the_wellbeing_is_asked_for_the_student_only(app, stay):
    cohort_id, enrolment_id, application_id, teacher_id = stay
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            record(
                app,
                cohort_id,
                teacher_id,
                with_whom="student",
                enrolment_id=enrolment_id,
                wellbeing=None,
            )
        assert problems(refused.value)["wellbeing"] == "Say how the student is."
        contact = record(
            app,
            cohort_id,
            teacher_id,
            with_whom="family",
            application_id=application_id,
            wellbeing=None,
        )
        assert (contact.enrolment_id, contact.wellbeing) == (None, None)


def test_a_family_of_another_cohort_is_refused(app, stay):
    cohort_id, enrolment_id, _application_id, teacher_id = stay
    other_cohort = buffalo_cohort(app, date(2027, 5, 1), date(2027, 6, 1))
    other_family = family(app, other_cohort, student(app, other_cohort, "Schulz"))
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            record(app, cohort_id, teacher_id, with_whom="family", application_id=other_family)
        assert refused.value.field == "application_id"
        # Nor may a contact with both name a family the student does not live with.
        with pytest.raises(DomainError) as refused:
            record(
                app, cohort_id, teacher_id, enrolment_id=enrolment_id, application_id=other_family
            )
        assert refused.value.field == "application_id"


def test_a_student_of_another_cohort_is_refused(app, stay):
    cohort_id, _enrolment_id, _application_id, teacher_id = stay
    other_cohort = buffalo_cohort(app, date(2027, 5, 1), date(2027, 6, 1))
    stranger = student(app, other_cohort, "Schulz")
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            record(app, cohort_id, teacher_id, with_whom="student", enrolment_id=stranger)
        assert refused.value.field == "enrolment_id"


def test_a_teacher_of_another_cohort_may_not_record(app, stay):
    cohort_id, enrolment_id, _application_id, _teacher_id = stay
    other_cohort = buffalo_cohort(app, date(2027, 5, 1), date(2027, 6, 1))
    outsider = make_teacher(app, "Ben Koch")
    assign_teacher(app, other_cohort, outsider, "lead")
    with app.app_context():
        user = db.session.get(Teacher, outsider).user
        assert contacts.cohort_for(user, cohort_id) is None
        with pytest.raises(DomainError, match="do not look after"):
            record(app, cohort_id, outsider, with_whom="student", enrolment_id=enrolment_id)
        assert db.session.query(Contact).count() == 0


def test_a_host_family_account_looks_after_no_cohort(app, stay):
    cohort_id = stay[0]
    with app.app_context():
        family_user = db.session.query(User).filter(User.role == "host_family").first()
        assert family_user is not None
        assert contacts.cohort_for(family_user, cohort_id) is None
