"""A cohort in Buffalo with students, families and contacts written straight into the
database: the contact rule is judged at moments chosen by the tests, in 2027."""

from __future__ import annotations

from datetime import date, datetime

from app.extensions import db
from app.models import (
    Cohort,
    Contact,
    ContactMode,
    ContactPeriod,
    ContactWith,
    Enrolment,
    Placement,
    Wellbeing,
)
from tests.factories import enrol, make_application, make_cohort, make_student


def buffalo_cohort(app, departure: date, returning: date, **rule) -> int:
    """An outbound cohort (its stay in Buffalo, America/New_York) with the rule given."""
    cohort_id = make_cohort(app, "open", departure_date=departure, return_date=returning)
    with app.app_context():
        programme = db.session.get(Cohort, cohort_id).programme
        programme.partner_timezone = "America/New_York"
        programme.contact_period = rule.get("period", ContactPeriod.MONTH)
        programme.contact_first_days = rule.get("first_days", 7)
        db.session.commit()
    return cohort_id


def student(app, cohort_id: int, last_name: str = "Becker") -> int:
    return enrol(app, make_student(app, last_name=last_name), cohort_id)


def family(app, cohort_id: int, enrolment_id: int, placed_at: datetime | None = None, **kw) -> int:
    """A family housing the student (an active placement written directly)."""
    application_id = make_application(app, cohort_ids=[cohort_id], **kw)
    with app.app_context():
        placement = Placement(
            cohort_id=cohort_id, enrolment_id=enrolment_id, application_id=application_id
        )
        if placed_at is not None:
            placement.placed_at = placed_at
        db.session.add(placement)
        db.session.commit()
    return application_id


def contact(app, cohort_id: int, day: date, enrolment_id=None, application_id=None) -> None:
    with_whom = (
        ContactWith.BOTH
        if enrolment_id and application_id
        else ContactWith.STUDENT
        if enrolment_id
        else ContactWith.FAMILY
    )
    with app.app_context():
        db.session.add(
            Contact(
                cohort_id=cohort_id,
                enrolment_id=enrolment_id,
                application_id=application_id,
                with_whom=with_whom,
                contacted_on=day,
                mode=ContactMode.PHONE,
                wellbeing=Wellbeing.FINE if with_whom.student else None,
                notes="Talked about school.",
            )
        )
        db.session.commit()


def enrolment_cohort(app, enrolment_id: int) -> int:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).cohort_id
