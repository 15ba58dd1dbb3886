"""Many coordinators press "enrol" or "withdraw" at the same moment: the cohort is never
overbooked, the waitlist stays a queue, and freed places go to the first in line.

Each thread works in its own application context (its own session and connection) and
commits, like a request on another gunicorn worker. A thread may retry its whole
transaction after a lock or serialization error; the checks afterwards look at what was
committed, so a retry cannot hide overbooking."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, OperationalError

from app.extensions import db
from app.models import Cohort, Enrolment, EnrolmentEvent, EnrolmentStatus, Student
from app.services.enrolment import enrolments, withdrawal
from tests.factories import enrol, make_cohort, make_student

# Each thread has its own connection: the data must be committed for all of them to see it.
pytestmark = pytest.mark.real_commits

S = EnrolmentStatus
THREADS = 12
PLACES = 3
ROUNDS = 5
ATTEMPTS = 5
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


def retryable(error: DBAPIError) -> bool:
    if isinstance(error, OperationalError) and "locked" in str(error.orig).lower():
        return True
    return getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES


def run_together(app, jobs: list[Callable[[], object]]) -> list[object]:
    """Run each job in its own thread and app context, all released at once by a barrier.

    Every job runs inside a transaction that is committed at its end; on a lock or
    serialization error the whole transaction is rolled back and tried again."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def work(index: int, job: Callable[[], object]) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for attempt in range(ATTEMPTS):
                    try:
                        results[index] = job()
                        db.session.commit()
                        break
                    except DBAPIError as error:
                        db.session.rollback()
                        if not retryable(error) or attempt == ATTEMPTS - 1:
                            raise
                        time.sleep(0.01 * (attempt + 1))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(i, job), daemon=True) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], errors
    return results


def enrol_job(student_id: int, cohort_id: int) -> Callable[[], int]:
    def job() -> int:
        student = db.session.get(Student, student_id)
        cohort = db.session.get(Cohort, cohort_id)
        return enrolments.enrol(student, cohort).id

    return job


def withdraw_job(enrolment_id: int) -> Callable[[], list[int]]:
    def job() -> list[int]:
        promoted = enrolments.withdraw(db.session.get(Enrolment, enrolment_id))
        return [enrolment.id for enrolment in promoted]

    return job


def committed(app, cohort_id: int) -> tuple[Cohort, list[Enrolment]]:
    """The cohort and its enrolments as stored, read in a fresh session."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        rows = list(
            db.session.scalars(sa.select(Enrolment).where(Enrolment.cohort_id == cohort_id))
        )
        db.session.expunge_all()
        return cohort, rows


def test_simultaneous_enrolments_never_overbook(app):
    for round_number in range(ROUNDS):
        cohort_id = make_cohort(app, places=PLACES)
        student_ids = [make_student(app) for _ in range(THREADS)]

        run_together(app, [enrol_job(student_id, cohort_id) for student_id in student_ids])

        cohort, rows = committed(app, cohort_id)
        placed = [row for row in rows if row.status == S.APPLIED]
        waiting = [row for row in rows if row.status == S.WAITLISTED]
        assert len(rows) == THREADS, f"round {round_number}"
        assert len(placed) == PLACES, f"round {round_number}: {len(placed)} placed"
        assert len(waiting) == THREADS - PLACES
        assert cohort.places_taken == PLACES
        numbers = [row.waitlist_number for row in waiting]
        assert None not in numbers
        assert len(set(numbers)) == len(numbers), f"round {round_number}: {sorted(numbers)}"
        assert sorted({row.student_id for row in rows}) == sorted(student_ids)


def test_simultaneous_enrolments_in_a_partly_full_cohort(app):
    cohort_id = make_cohort(app, places=PLACES + 2)
    enrol(app, make_student(app), cohort_id)
    enrol(app, make_student(app), cohort_id)
    student_ids = [make_student(app) for _ in range(THREADS)]

    run_together(app, [enrol_job(student_id, cohort_id) for student_id in student_ids])

    cohort, rows = committed(app, cohort_id)
    assert cohort.places_taken == PLACES + 2
    assert sum(row.status == S.APPLIED for row in rows) == PLACES + 2
    waiting = [row.waitlist_number for row in rows if row.status == S.WAITLISTED]
    assert len(waiting) == THREADS - PLACES
    assert len(set(waiting)) == len(waiting)


def test_simultaneous_withdrawals_promote_the_first_of_the_waitlist(app):
    cohort_id = make_cohort(app, places=PLACES)
    placed = [enrol(app, make_student(app), cohort_id) for _ in range(PLACES)]
    waiting = [enrol(app, make_student(app), cohort_id) for _ in range(3)]

    results = run_together(app, [withdraw_job(placed[0]), withdraw_job(placed[1])])

    promoted = sorted(enrolment_id for ids in results for enrolment_id in ids)
    assert promoted == waiting[:2]
    cohort, rows = committed(app, cohort_id)
    status = {row.id: row.status for row in rows}
    assert cohort.places_taken == PLACES
    assert [status[i] for i in placed] == [S.WITHDRAWN, S.WITHDRAWN, S.APPLIED]
    assert [status[i] for i in waiting] == [S.APPLIED, S.APPLIED, S.WAITLISTED]
    with app.app_context():
        moves = db.session.scalars(
            sa.select(EnrolmentEvent.enrolment_id).where(
                EnrolmentEvent.from_status == S.WAITLISTED, EnrolmentEvent.to_status == S.APPLIED
            )
        ).all()
        assert sorted(moves) == waiting[:2]
        assert enrolments.waitlist_position(db.session.get(Enrolment, waiting[2])) == 1


def test_withdrawing_a_waitlisted_student_while_another_withdrawal_moves_them_up(app, monkeypatch):
    """Staff withdraw the first waitlisted student at the moment another withdrawal frees a
    place and would move that student up. Whichever goes first, the freed place ends with a
    student who is still in, and the cohort's count of places taken stays the number of
    students holding one (the load test once found it one too high: a place free that
    nobody could take while 21 waited)."""
    cohort_id = make_cohort(app, places=2)
    placed = [enrol(app, make_student(app), cohort_id) for _ in range(2)]
    waiting = [enrol(app, make_student(app), cohort_id) for _ in range(2)]
    read = threading.Event()
    refusal = withdrawal.withdrawal_refusal

    def refusal_then_pause(enrolment: Enrolment) -> str | None:
        answer = refusal(enrolment)
        if enrolment.id == waiting[0]:  # read as waitlisted; the other withdrawal goes now
            read.set()
            time.sleep(0.5)
        return answer

    monkeypatch.setattr(withdrawal, "withdrawal_refusal", refusal_then_pause)

    def withdraw_waiting() -> None:
        withdrawal.withdraw(db.session.get(Enrolment, waiting[0]), None)

    def withdraw_placed() -> None:
        assert read.wait(timeout=30)
        withdrawal.withdraw(db.session.get(Enrolment, placed[0]), None)

    run_together(app, [withdraw_waiting, withdraw_placed])

    cohort, rows = committed(app, cohort_id)
    status = {row.id: row.status for row in rows}
    assert [status[i] for i in placed] == [S.WITHDRAWN, S.APPLIED]
    assert [status[i] for i in waiting] == [S.WITHDRAWN, S.APPLIED]
    assert cohort.places_taken == 2
