"""Online applications and staff enrolments race for the last places: the cohort is never
overbooked, the losers are waitlisted in one queue, and every submitted application is an
enrolment. Runs on PostgreSQL with TEST_DATABASE_URL (and on SQLite without), each request
in its own thread and session as in test_enrolment_concurrency."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApplicationDraft, Cohort, EnrolmentStatus, Role, StudentAccount, User
from app.services.enrolment import applications_online
from tests.conftest import make_user
from tests.factories import make_cohort, make_student
from tests.services.enrolment.test_enrolment_concurrency import (
    committed,
    enrol_job,
    run_together,
)

pytestmark = pytest.mark.real_commits

S = EnrolmentStatus
ONLINE = 6
STAFF = 6
PLACES = 2
ROUNDS = 3


def complete_answers(number: int) -> dict:
    section = [s.value for s in applications_online.Section]
    return {
        "first_name": f"Online{number}",
        "last_name": "Applicant",
        "date_of_birth": "2011-03-04",
        "gender": "female",
        "school": "Goethe-Gymnasium",
        "grade": "10",
        "diet": "none",
        "visa_status": "not_started",
        "guardians": [
            {
                "name": f"Parent {number}",
                "relation": "mother",
                "phone": "+49 231 1234",
                "email": f"parent{number}@example.org",
            }
        ],
        "emergency_contacts": [{"name": "Oma", "relation": "grandmother", "phone": "+49 231 99"}],
        applications_online.SAVED: section,
    }


def make_draft(app, cohort_id: int, number: int, round_number: int) -> int:
    user_id = make_user(app, f"parent{round_number}-{number}@example.org", Role.GUARDIAN)
    with app.app_context():
        user = db.session.get(User, user_id)
        draft = applications_online.start(user, db.session.get(Cohort, cohort_id))
        draft.answers = complete_answers(number)
        db.session.commit()
        return draft.id


def submit_job(draft_id: int) -> Callable[[], int]:
    def job() -> int:
        draft = db.session.get(ApplicationDraft, draft_id)
        user = db.session.get(User, draft.user_id)
        return applications_online.submit(draft, user, lambda e: "http://x/students").id

    return job


def test_online_applications_and_staff_race_for_the_last_places(app):
    make_user(app, "coord@example.org", Role.COORDINATOR)  # is told of each application
    for round_number in range(ROUNDS):
        cohort_id = make_cohort(app, places=PLACES)
        drafts = [make_draft(app, cohort_id, n, round_number) for n in range(ONLINE)]
        students = [make_student(app) for _ in range(STAFF)]
        jobs = [submit_job(d) for d in drafts] + [enrol_job(s, cohort_id) for s in students]
        jobs = [job for pair in zip(jobs[:ONLINE], jobs[ONLINE:], strict=True) for job in pair]

        run_together(app, jobs)

        cohort, rows = committed(app, cohort_id)
        placed = [row for row in rows if row.status == S.APPLIED]
        waiting = sorted(row.waitlist_number for row in rows if row.status == S.WAITLISTED)
        assert len(rows) == ONLINE + STAFF, f"round {round_number}"
        assert len(placed) == PLACES == cohort.places_taken, f"round {round_number}"
        assert waiting == list(range(1, ONLINE + STAFF - PLACES + 1)), f"round {round_number}"
        with app.app_context():
            submitted = db.session.scalars(
                sa.select(ApplicationDraft).where(ApplicationDraft.id.in_(drafts))
            ).all()
            assert all(d.submitted_at is not None and d.student_id for d in submitted)
            linked = db.session.scalar(
                sa.select(sa.func.count(StudentAccount.id)).where(
                    StudentAccount.student_id.in_([d.student_id for d in submitted])
                )
            )
            assert linked == ONLINE
