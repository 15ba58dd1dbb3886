"""A parent who applies online into a full cohort sees the waitlist on the page and gets no
email about it; when a place becomes free, both guardians are told, and the one with an
account gets the link to their page."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, OutboxEmail, Role, Student
from app.services.enrolment import withdrawal
from tests.apply.test_apply_pages import EMAIL, EMERGENCY, GUARDIANS, STUDENT, started
from tests.conftest import make_user, post
from tests.factories import enrol, make_cohort, make_student

SECTIONS = (
    ("student", STUDENT),
    ("guardians", GUARDIANS),
    ("emergency", EMERGENCY),
    ("health", {"medical_notes": ""}),
    ("diet", {"diet": "none"}),
    ("preferences", {"interests": "football"}),
)


def to_guardians(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.recipient.in_((EMAIL, "jonas@example.org")))
            .order_by(OutboxEmail.id)
        )
        return [(e.recipient, e.subject, e.body) for e in rows]


def test_applying_into_a_full_cohort_sends_no_email_and_moving_up_does(app, client):
    cohort_id = make_cohort(app, name="Buffalo 2027", places=1)
    first = enrol(app, make_student(app, first_name="Tom"), cohort_id)
    staff = make_user(app, "coord@example.org", Role.COORDINATOR)
    draft_url = started(app, client, cohort_id)
    for section, data in SECTIONS:
        assert post(client, f"{draft_url}/{section}", data).status_code == 302
    before = to_guardians(app)  # the confirmation of the address

    assert post(client, draft_url + "/submit").status_code == 302

    with app.app_context():
        lena = db.session.scalar(
            sa.select(Enrolment).join(Student).where(Student.first_name == "Lena")
        )
        assert lena.status == EnrolmentStatus.WAITLISTED
        student_id = lena.student_id
    assert to_guardians(app) == before
    with app.app_context():
        withdrawal.withdraw(db.session.get(Enrolment, first), staff)
        db.session.commit()

    told = to_guardians(app)[len(before) :]
    assert [(recipient, subject) for recipient, subject, _ in told] == [
        (EMAIL, "Ein Platz für Lena"),
        ("jonas@example.org", "Ein Platz für Lena"),
    ]
    assert told[0][2].endswith(f"/my/students/{student_id}")
    assert "/my/students/" not in told[1][2]
