"""A programme of a chosen size n, built through the services: the statement-count tests build
it with n = 2 and with a larger n, and a page must run as many statements for either.

Everything a main page lists grows with n: cohorts, students (with two guardians and two
emergency contacts each), enrolments holding a place and waitlisted, documents and consents,
host families in every vetting step, placements, teachers, failed emails, history events."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Enrolment
from app.services import history
from app.services.enrolment import documents
from app.services.identity import accounts
from app.services.mail import notifications
from app.services.supervision import teachers
from tests.conftest import make_user
from tests.factories import (
    assign_teacher,
    enrol,
    make_application,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
    make_vetted_family,
    place,
)

SCHOOL = "Goethe-Gymnasium"
OTHER_SCHOOL = "Helmholtz-Gymnasium"
STAFF_EMAIL = "coordinator@example.org"
CONSENT_GIVEN = datetime.combine(date.today() - timedelta(days=30), time())
# The steps of the families in the vetting queue (drafts are not shown there), in an order
# that gives the smallest programme an expiry alert too.
VETTING_STEPS = (
    "approved",
    "submitted",
    "background_cleared",
    "references_checked",
    "home_visited",
    "backup",
    "declined",
    "withdrawn",
)


@dataclass
class World:
    cohort_id: int  # the cohort with students, waitlist, families, placements and teachers
    teacher_email: str  # leads that cohort and teaches in every other one
    family_email: str  # hosts one student in each of the other cohorts
    report_id: int = 0  # a concern report with n actions in its timeline
    guardian_email: str = ""  # a guardian of a placed student and of a waitlisted one


def _people(name: str) -> dict:
    """Two guardians and two emergency contacts."""
    return {
        "guardians": [
            {"name": f"Maria {name}", "relation": "mother", "phone": "+49 231 654321"},
            {"name": f"Peter {name}", "relation": "father", "phone": "+49 231 654322"},
        ],
        "emergency_contacts": [
            {"name": "Onkel Otto", "relation": "uncle", "phone": "+49 231 777777"},
            {"name": "Tante Tina", "relation": "aunt", "phone": "+49 231 777778"},
        ],
    }


def _student(app, number: int, **values) -> int:
    name = f"Perf{number:04d}"
    school = SCHOOL if number % 2 else OTHER_SCHOOL
    return make_student(app, last_name=name, school=school, **_people(name), **values)


def _documents(app, enrolment_ids: list[int], withdrawn: frozenset[int] = frozenset()) -> None:
    """Some documents received, a consent for each; withdrawn for the enrolments given."""
    with app.app_context():
        for number, enrolment_id in enumerate(enrolment_ids):
            enrolment = db.session.get(Enrolment, enrolment_id)
            for kind in documents.PAPER_KINDS[: number % 3 + 1]:
                documents.set_received(enrolment, kind, True, None)
            consent = documents.record_consent(
                enrolment, "Maria", CONSENT_GIVEN, documents.current_wording_version(), None
            )
            if enrolment_id in withdrawn:
                documents.withdraw_consent(consent, None, "changed their mind")
        db.session.commit()


def _history(app, n: int) -> None:
    with app.app_context():
        for number in range(n):
            history.create_event(
                {
                    "year": 1990 + number,
                    "month": None,
                    "day": None,
                    "ongoing": False,
                    "title_en": f"Event {number}",
                    "title_de": f"Ereignis {number}",
                    "text_en": "Text",
                    "text_de": "Text",
                }
            )
        db.session.commit()


def _failed_emails(app, n: int) -> None:
    """n emails of the outbox tried once against a mail server that is down."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        with app.app_context():
            assert notifications.deliver_pending(limit=n) == (0, n)
    finally:
        app.config.update(saved)


def _vetting_queue(app, n: int, cohort_ids: list[int]) -> None:
    """n families at every step of vetting; those past the background check have one that
    expires before their group returns (an expiry alert each)."""
    today = date.today()
    for number in range(n):
        step = VETTING_STEPS[number % len(VETTING_STEPS)]
        cohort_id = cohort_ids[number % len(cohort_ids)]
        city = ("Buffalo", "Amherst", "Tonawanda")[number % 3]
        if step == "submitted":
            make_application(app, cohort_ids=[cohort_id], city=city)
        else:
            make_vetted_family(
                app,
                [cohort_id],
                step,
                background_valid_until=today + timedelta(days=190),
                city=city,
            )


def _teachers(app, n: int, cohort_id: int, enrolment_ids: list[int]) -> str:
    """n teachers for the cohort (the first leads it), sharing its students; the lead's email."""
    emails = [f"perf-teacher{number}@example.org" for number in range(n)]
    for number, email in enumerate(emails):
        teacher_id = make_teacher(app, f"Teacher {number:03d}", email)
        assign_teacher(
            app,
            cohort_id,
            teacher_id,
            "lead" if number == 0 else "assistant",
            enrolment_ids[number::n],
        )
    return emails[0]


def _other_cohorts(app, n: int, teacher_email: str) -> tuple[list[int], str]:
    """n more cohorts, each of a programme of its own (so that a query per cohort's programme
    shows), with one student placed with the same family and supervised by the teacher; the
    cohorts' ids and the family's email."""
    from app.models import Cohort, Programme

    cohort_ids = [make_cohort(app, places=5, name=f"Perf cohort {i:03d}") for i in range(n)]
    with app.app_context():
        for number, cohort_id in enumerate(cohort_ids):
            programme = Programme(
                name=f"Perf programme {number:03d}", home_city="Dortmund", partner_city="Buffalo"
            )
            db.session.add(programme)
            db.session.flush()
            db.session.get(Cohort, cohort_id).programme_id = programme.id
        db.session.commit()
    family_email = "perf-family@example.org"
    application_id = make_approved_family(
        app, cohort_ids, email=family_email, family_name="Hostfamily"
    )
    with app.app_context():
        teacher_id = teachers.teacher_for_user(accounts.find_user(teacher_email)).id
    for number, cohort_id in enumerate(cohort_ids):
        enrolment_id = enrol(app, _student(app, 5000 + number), cohort_id)
        _documents(app, [enrolment_id])
        assign_teacher(app, cohort_id, teacher_id, "assistant", [enrolment_id])
        place(app, enrolment_id, application_id)
    return cohort_ids, family_email


def _withdraw_consent(app, enrolment_id: int) -> None:
    """The guardians withdraw every consent they gave."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for consent in enrolment.consents:
            documents.withdraw_consent(consent, None)
        db.session.commit()


def _contacts(app, cohort_id: int, placed: list[tuple[int, int]]) -> None:
    """A contact with each placed student and their family, recorded by the cohort's lead."""
    from app.models import Cohort, Contact, ContactMode, ContactWith, User, Wellbeing

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        lead = db.session.scalar(
            sa.select(User.id).where(User.email == "perf-teacher0@example.org")
        )
        for number, (enrolment_id, application_id) in enumerate(placed):
            db.session.add(
                Contact(
                    cohort_id=cohort_id,
                    enrolment_id=enrolment_id,
                    application_id=application_id,
                    with_whom=ContactWith.BOTH,
                    contacted_on=cohort.departure_date + timedelta(days=number % 20),
                    mode=ContactMode.PHONE,
                    wellbeing=Wellbeing.FINE,
                    notes="Settled in well.",
                    recorded_by_id=lead,
                )
            )
        db.session.commit()


def build(app, n: int) -> World:
    """The world of size n (n >= 2)."""
    make_user(app, STAFF_EMAIL)
    _history(app, n)
    cohort_id = make_cohort(app, places=2 * n, name="Perf main cohort")
    holding = [enrol(app, _student(app, i), cohort_id) for i in range(2 * n)]
    waiting = [enrol(app, _student(app, 1000 + i), cohort_id) for i in range(n)]
    for i in range(n):  # registered, enrolled nowhere yet
        _student(app, 2000 + i)
    _documents(app, holding + waiting, frozenset({holding[-1]}))
    teacher_email = _teachers(app, n, cohort_id, holding)
    families = [
        make_approved_family(app, [cohort_id], family_name=f"Family{i:03d}", beds_offered=2)
        for i in range(n)
    ]
    for enrolment_id, application_id in zip(holding[:n], families, strict=True):
        place(app, enrolment_id, application_id)
    # One placed student's guardians withdraw their consent during the stay, one unplaced
    # student's before it (see _documents).
    _withdraw_consent(app, holding[0])
    _contacts(app, cohort_id, list(zip(holding[:n], families, strict=True)))
    other_ids, family_email = _other_cohorts(app, n, teacher_email)
    _vetting_queue(app, n, other_ids)
    _failed_emails(app, n)
    report_id = _concerns(app, n, holding, teacher_email, family_email)
    guardian_email = _guardian(app, n, cohort_id, [holding[1], waiting[-1]])
    return World(cohort_id, teacher_email, family_email, report_id, guardian_email)


def _guardian(app, n: int, cohort_id: int, enrolment_ids: list[int]) -> str:
    """An account of the first guardian of the two students (one placed, one waitlisted last)
    who received n group messages; its email."""
    from app.models import GroupMessage, MessageDelivery, Role, StudentAccount
    from app.models.base import utcnow

    email = "perf-guardian@example.org"
    user_id = make_user(app, email, Role.GUARDIAN)
    with app.app_context():
        for enrolment_id in enrolment_ids:
            student = db.session.get(Enrolment, enrolment_id).student
            guardian = student.guardians[0]
            db.session.add(
                StudentAccount(user_id=user_id, student_id=student.id, guardian_id=guardian.id)
            )
            for number in range(n):
                message = GroupMessage(
                    audience="guardians",
                    cohort_id=cohort_id,
                    subject_en=f"News {number}",
                    body_en="Dear {name}",
                    subject_de=f"Neues {number}",
                    body_de="Liebe/r {name}",
                    sent_at=utcnow(),
                )
                message.deliveries.append(
                    MessageDelivery(
                        name=guardian.name,
                        email=email,
                        recipient_kind="guardian",
                        recipient_id=guardian.id,
                        language="de",
                        status="queued",
                    )
                )
                db.session.add(message)
        db.session.commit()
    return email


def _concerns(app, n: int, enrolment_ids: list[int], teacher_email: str, family_email: str) -> int:
    """n concern reports about the main cohort (every other one taken, with a follow-up
    day), the first with n actions; a report by the family about each student it hosts (one
    per other cohort, taken by staff with a follow-up day next week).
    The first report's id."""
    from app.services.supervision import compliance, concern_access, concerns

    severities = ("urgent", "routine", "emergency")
    with app.app_context():
        staff = accounts.find_user(STAFF_EMAIL)
        teacher = accounts.find_user(teacher_email)
        family = accounts.find_user(family_email)
        reports = []
        for number, enrolment_id in enumerate(enrolment_ids[:n]):
            enrolment = db.session.get(Enrolment, enrolment_id)
            today = compliance.local_today(enrolment.cohort)
            values = {
                "category": "health",
                "severity": severities[number % 3],
                "happened_on": today - timedelta(days=1),
                "what_happened": "Fell ill.",
            }
            report = concerns.report(enrolment, teacher, values, lambda i: f"/{i}")
            if number % 2:
                concerns.take(report, staff)
                concerns.set_follow_up(report, staff, today)
            reports.append(report)
        for number in range(n):
            concerns.add_action(reports[0], teacher, f"Step {number}")
        for enrolment in concern_access.family_students(family):
            values = {"category": "school", "severity": "routine"}
            today = compliance.local_today(enrolment.cohort)
            values["happened_on"] = today - timedelta(days=1)
            report = concerns.report(enrolment, family, {**values, "what_happened": "-"}, str)
            # taken, to be looked at next week: the list checks each one's day in its host area
            concerns.take(report, staff)
            concerns.set_follow_up(report, staff, today + timedelta(days=7))
        db.session.commit()
        return reports[0].id
