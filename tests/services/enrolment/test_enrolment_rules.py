"""The rules of enrolment: places and the waitlist, cohort and enrolment statuses, student
details, guardian consent and documents — checked through the services and the schema."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Cohort,
    CohortStatus,
    DocumentKind,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    GuardianConsent,
    Student,
)
from app.models.base import utcnow
from app.services.enrolment import cohorts, documents, enrolments, students
from app.services.errors import DomainError
from app.services.validation import ValidationFailed
from tests.conftest import count, make_user
from tests.factories import cohort_values, enrol, make_cohort, make_student, student_values

S = EnrolmentStatus
C = CohortStatus
WORDING = documents.current_wording_version()
PAPER = (
    DocumentKind.MEDICAL_FORM,
    DocumentKind.INSURANCE,
    DocumentKind.PASSPORT_VISA,
    DocumentKind.CODE_OF_CONDUCT,
)


def enrol_many(app, cohort_id: int, n: int) -> list[int]:
    """Enrol n new students one after another; their enrolment ids in that order."""
    return [enrol(app, make_student(app), cohort_id) for _ in range(n)]


def places_taken(app, cohort_id: int) -> int:
    with app.app_context():
        return db.session.get(Cohort, cohort_id).places_taken


def status_of(app, enrolment_id: int) -> tuple[EnrolmentStatus, int | None]:
    """The enrolment's status and, when waitlisted, its position in the queue (1 = next)."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        return enrolment.status, enrolments.waitlist_position(enrolment)


def withdraw(app, enrolment_id: int) -> list[int]:
    """Withdraw the enrolment; the ids of the enrolments moved up from the waitlist."""
    with app.app_context():
        promoted = enrolments.withdraw(db.session.get(Enrolment, enrolment_id))
        db.session.commit()
        return [enrolment.id for enrolment in promoted]


# --- places and the waitlist ------------------------------------------------------------


def test_a_full_cohort_puts_further_students_on_the_waitlist_in_order(app):
    cohort_id = make_cohort(app, places=2)
    first, second, third, fourth = enrol_many(app, cohort_id, 4)

    assert status_of(app, first) == (S.APPLIED, None)
    assert status_of(app, second) == (S.APPLIED, None)
    assert status_of(app, third) == (S.WAITLISTED, 1)
    assert status_of(app, fourth) == (S.WAITLISTED, 2)
    assert places_taken(app, cohort_id) == 2
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.places_free == 0
        assert [e.id for e in enrolments.waitlist(cohort)] == [third, fourth]
        assert cohorts.counts(cohort) == cohorts.Counts(applied=2, waitlisted=2)


def test_places_taken_never_exceeds_the_places(app):
    cohort_id = make_cohort(app, places=3)
    for _ in range(6):
        enrol_many(app, cohort_id, 1)
        assert places_taken(app, cohort_id) <= 3
    assert places_taken(app, cohort_id) == 3


def test_withdrawing_a_placed_student_moves_the_first_waitlisted_up(app):
    cohort_id = make_cohort(app, places=2)
    placed, other, first_waiting, second_waiting, third_waiting = enrol_many(app, cohort_id, 5)

    assert withdraw(app, placed) == [first_waiting]

    assert status_of(app, placed) == (S.WITHDRAWN, None)
    assert status_of(app, other) == (S.APPLIED, None)
    assert status_of(app, first_waiting) == (S.APPLIED, None)
    assert status_of(app, second_waiting) == (S.WAITLISTED, 1)
    assert status_of(app, third_waiting) == (S.WAITLISTED, 2)
    assert places_taken(app, cohort_id) == 2
    with app.app_context():
        moved = db.session.get(Enrolment, first_waiting)
        assert moved.waitlist_number is None
        last = moved.events[-1]
        assert (last.from_status, last.to_status) == (S.WAITLISTED, S.APPLIED)
        assert "waitlist" in last.reason
        assert last.by_user_id is None  # the system moved them, not a person


def test_withdrawing_a_waitlisted_student_frees_no_place_and_promotes_nobody(app):
    cohort_id = make_cohort(app, places=2)
    placed, other, first_waiting, second_waiting = enrol_many(app, cohort_id, 4)

    assert withdraw(app, first_waiting) == []

    assert status_of(app, first_waiting) == (S.WITHDRAWN, None)
    assert status_of(app, second_waiting) == (S.WAITLISTED, 1)
    assert status_of(app, placed) == (S.APPLIED, None)
    assert status_of(app, other) == (S.APPLIED, None)
    assert places_taken(app, cohort_id) == 2


def test_each_withdrawal_moves_up_the_next_in_line(app):
    cohort_id = make_cohort(app, places=1)
    placed, first_waiting, second_waiting = enrol_many(app, cohort_id, 3)

    assert withdraw(app, placed) == [first_waiting]
    assert withdraw(app, first_waiting) == [second_waiting]
    assert withdraw(app, second_waiting) == []
    assert places_taken(app, cohort_id) == 0


def test_more_places_move_waitlisted_students_up_in_order(app):
    cohort_id = make_cohort(app, places=2)
    _, _, first_waiting, second_waiting, third_waiting = enrol_many(app, cohort_id, 5)

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        values = cohort_values(programme_id=cohort.programme_id, name=cohort.name, places=4)
        promoted = [e.id for e in cohorts.update_cohort(cohort, values)]
        db.session.commit()

    assert promoted == [first_waiting, second_waiting]
    assert status_of(app, first_waiting) == (S.APPLIED, None)
    assert status_of(app, second_waiting) == (S.APPLIED, None)
    assert status_of(app, third_waiting) == (S.WAITLISTED, 1)
    assert places_taken(app, cohort_id) == 4


def test_places_cannot_be_reduced_below_the_places_taken(app):
    cohort_id = make_cohort(app, places=5)
    enrol_many(app, cohort_id, 3)

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        values = cohort_values(programme_id=cohort.programme_id, name=cohort.name, places=2)
        with pytest.raises(DomainError) as refused:
            cohorts.update_cohort(cohort, values)
        assert refused.value.field == "places"
        assert "3 places are already taken" in refused.value.message
        db.session.rollback()

        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.places == 5
        cohorts.update_cohort(cohort, {**values, "places": 3})  # down to exactly the taken
        db.session.commit()
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).places == 3
        assert db.session.get(Cohort, cohort_id).places_free == 0


def test_the_database_refuses_more_places_taken_than_places(app):
    cohort_id = make_cohort(app, places=1)
    enrol_many(app, cohort_id, 1)
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(
                sa.update(Cohort).where(Cohort.id == cohort_id).values(places_taken=2)
            )
            db.session.flush()
        db.session.rollback()
    assert places_taken(app, cohort_id) == 1


def test_a_student_cannot_be_enrolled_twice_in_one_cohort(app):
    cohort_id = make_cohort(app, places=5)
    student_id = make_student(app)
    enrol(app, student_id, cohort_id)

    with app.app_context():
        student = db.session.get(Student, student_id)
        cohort = db.session.get(Cohort, cohort_id)
        with pytest.raises(DomainError) as refused:
            enrolments.enrol(student, cohort)
        assert refused.value.field == "cohort"
        assert "already enrolled" in refused.value.message
        db.session.rollback()

    assert count(app, Enrolment) == 1
    assert places_taken(app, cohort_id) == 1


def test_the_database_refuses_a_second_enrolment_of_the_same_student(app):
    cohort_id = make_cohort(app, places=5)
    student_id = make_student(app)
    enrol(app, student_id, cohort_id)

    with app.app_context():
        db.session.add(Enrolment(student_id=student_id, cohort_id=cohort_id, status=S.ACCEPTED))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert count(app, Enrolment) == 1


def test_the_same_student_may_join_different_cohorts(app):
    student_id = make_student(app)
    enrol(app, student_id, make_cohort(app))
    enrol(app, student_id, make_cohort(app))
    assert count(app, Enrolment) == 2


# --- cohort statuses --------------------------------------------------------------------

ALLOWED = {
    (C.PLANNING, C.OPEN),
    (C.OPEN, C.CLOSED),
    (C.OPEN, C.PLANNING),
    (C.CLOSED, C.TRAVELLING),
    (C.CLOSED, C.OPEN),
    (C.TRAVELLING, C.COMPLETED),
    (C.COMPLETED, C.ARCHIVED),
}
REFUSED = [(old, new) for old in C for new in C if (old, new) not in ALLOWED]


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_allowed_cohort_status_changes(app, old, new):
    cohort_id = make_cohort(app, status=old)
    with app.app_context():
        cohorts.set_status(db.session.get(Cohort, cohort_id), new)
        db.session.commit()
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == new


def test_every_other_cohort_status_change_is_refused(app):
    """E.g. planning → travelling, completed → open, and archived → anything."""
    assert (C.PLANNING, C.TRAVELLING) in REFUSED
    assert (C.COMPLETED, C.OPEN) in REFUSED
    assert {(C.ARCHIVED, new) for new in C} <= set(REFUSED)
    ids = {status: make_cohort(app, status=status) for status in C}
    not_refused = []
    with app.app_context():
        for old, new in REFUSED:
            cohort = db.session.get(Cohort, ids[old])
            try:
                cohorts.set_status(cohort, new)
            except DomainError as error:
                assert error.field == "status"
            else:
                not_refused.append((old.value, new.value))
            db.session.rollback()
        assert not_refused == []
        assert {db.session.get(Cohort, ids[s]).status: s for s in C} == {s: s for s in C}


@pytest.mark.parametrize("status", [C.CLOSED, C.TRAVELLING, C.COMPLETED, C.ARCHIVED])
def test_a_cohort_past_enrolment_takes_no_students(app, status):
    cohort_id = make_cohort(app, status=status)
    student_id = make_student(app)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            enrolments.enrol(db.session.get(Student, student_id), db.session.get(Cohort, cohort_id))
        assert "does not take enrolments" in refused.value.message
        db.session.rollback()
    assert count(app, Enrolment) == 0
    assert places_taken(app, cohort_id) == 0


@pytest.mark.parametrize("status", [C.PLANNING, C.OPEN])
def test_a_cohort_in_planning_or_open_takes_students(app, status):
    cohort_id = make_cohort(app, status=status)
    assert status_of(app, enrol(app, make_student(app), cohort_id)) == (S.APPLIED, None)


# --- enrolment statuses -----------------------------------------------------------------


def change(app, enrolment_id: int, new: EnrolmentStatus) -> None:
    with app.app_context():
        enrolments.change_status(db.session.get(Enrolment, enrolment_id), new, reason="test")
        db.session.commit()


def refused_change(app, enrolment_id: int, new: EnrolmentStatus) -> DomainError:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        with pytest.raises(DomainError) as refused:
            enrolments.change_status(enrolment, new)
        db.session.rollback()
        return refused.value


def test_applied_then_accepted_then_withdrawn(app):
    cohort_id = make_cohort(app, places=2)
    enrolment_id = enrol(app, make_student(app), cohort_id)

    change(app, enrolment_id, S.ACCEPTED)
    assert status_of(app, enrolment_id) == (S.ACCEPTED, None)
    assert places_taken(app, cohort_id) == 1
    change(app, enrolment_id, S.WITHDRAWN)
    assert status_of(app, enrolment_id) == (S.WITHDRAWN, None)
    assert places_taken(app, cohort_id) == 0

    with app.app_context():
        events = db.session.scalars(
            sa.select(EnrolmentEvent)
            .where(EnrolmentEvent.enrolment_id == enrolment_id)
            .order_by(EnrolmentEvent.id)
        ).all()
        assert [(e.from_status, e.to_status) for e in events] == [
            (None, S.APPLIED),
            (S.APPLIED, S.ACCEPTED),
            (S.ACCEPTED, S.WITHDRAWN),
        ]


def test_a_withdrawn_enrolment_cannot_come_back(app):
    cohort_id = make_cohort(app)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    change(app, enrolment_id, S.WITHDRAWN)

    for new in (S.APPLIED, S.ACCEPTED, S.WAITLISTED):
        assert refused_change(app, enrolment_id, new).field == "status"
    assert status_of(app, enrolment_id) == (S.WITHDRAWN, None)
    assert places_taken(app, cohort_id) == 0


def test_a_waitlisted_student_cannot_skip_the_queue(app):
    cohort_id = make_cohort(app, places=1)
    _, waiting = enrol_many(app, cohort_id, 2)
    refused_change(app, waiting, S.ACCEPTED)
    refused_change(app, waiting, S.APPLIED)
    assert status_of(app, waiting) == (S.WAITLISTED, 1)
    assert places_taken(app, cohort_id) == 1


def test_completion_only_once_the_cohort_has_travelled(app):
    cohort_id = make_cohort(app)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    change(app, enrolment_id, S.ACCEPTED)

    assert "travelled" in refused_change(app, enrolment_id, S.COMPLETED).message
    assert status_of(app, enrolment_id) == (S.ACCEPTED, None)

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohorts.set_status(cohort, C.CLOSED)
        cohorts.set_status(cohort, C.TRAVELLING)
        db.session.commit()
    change(app, enrolment_id, S.COMPLETED)
    assert status_of(app, enrolment_id) == (S.COMPLETED, None)
    assert places_taken(app, cohort_id) == 1  # a completed student still holds the place


def test_an_applied_student_cannot_be_completed_directly(app):
    cohort_id = make_cohort(app, status=C.OPEN)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohorts.set_status(cohort, C.CLOSED)
        cohorts.set_status(cohort, C.TRAVELLING)
        db.session.commit()
    refused_change(app, enrolment_id, S.COMPLETED)
    assert status_of(app, enrolment_id) == (S.APPLIED, None)


# --- cohort dates -----------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1, -30])
def test_the_service_refuses_a_return_on_or_before_departure(app, days):
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        db.session.commit()
        values = cohort_values(programme_id=programme.id)
        values["return_date"] = values["departure_date"] + timedelta(days=days)
        with pytest.raises(DomainError) as refused:
            cohorts.create_cohort(values)
        assert refused.value.field == "return_date"
        db.session.rollback()
    assert count(app, Cohort) == 0


def test_the_database_refuses_a_return_before_departure(app):
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        db.session.commit()
        db.session.add(
            Cohort(
                programme_id=programme.id,
                name="Backwards",
                departure_date=date(2027, 5, 1),
                return_date=date(2027, 4, 1),
                places=10,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert count(app, Cohort) == 0


def test_an_enrolment_deadline_after_departure_is_refused(app):
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        values = cohort_values(programme_id=programme.id)
        values["enrolment_deadline"] = values["departure_date"] + timedelta(days=1)
        with pytest.raises(DomainError) as refused:
            cohorts.create_cohort(values)
        assert refused.value.field == "enrolment_deadline"


def test_a_programme_cannot_have_two_cohorts_of_one_name(app):
    make_cohort(app, name="Buffalo 2027")
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        with pytest.raises(DomainError) as refused:
            cohorts.create_cohort(cohort_values(programme_id=programme.id, name="Buffalo 2027"))
        assert refused.value.field == "name"
    assert count(app, Cohort) == 1


# --- student details --------------------------------------------------------------------

TODAY = date(2026, 3, 15)


def problems(**overrides) -> dict[str, str]:
    return dict(students.check_student(student_values(**overrides), today=TODAY))


def test_valid_student_details_have_no_problems():
    assert problems(date_of_birth=date(2011, 1, 1)) == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"guardians": []}, "guardian1.name"),
        ({"guardians": [{"name": "", "relation": "", "phone": ""}]}, "guardian1.name"),
        ({"emergency_contacts": []}, "emergency1.name"),
        ({"date_of_birth": date(2021, 3, 1)}, "date_of_birth"),  # 5 years old
        ({"date_of_birth": date(1986, 3, 1)}, "date_of_birth"),  # 40 years old
        ({"date_of_birth": None}, "date_of_birth"),
        ({"email": "lena-at-example"}, "email"),
        ({"phone": "abc"}, "phone"),
        ({"passport_number": "AB 12"}, "passport_number"),
        ({"passport_number": "C01X00T4$"}, "passport_number"),
        ({"gender": "unknown"}, "gender"),
        ({"first_name": "  "}, "first_name"),
        (
            {"guardians": [{"name": "Maria", "relation": "mother", "phone": "abc"}]},
            "guardian1.phone",
        ),
        (
            {"emergency_contacts": [{"name": "Otto", "relation": "", "phone": "+49 231 777"}]},
            "emergency1.relation",
        ),
    ],
)
def test_each_bad_student_detail_is_reported_with_its_field(overrides, field):
    found = problems(**{"date_of_birth": date(2011, 1, 1), **overrides})
    assert list(found) == [field], found
    assert found[field]


def test_all_problems_are_reported_at_once():
    found = problems(
        date_of_birth=date(2021, 1, 1), guardians=[], emergency_contacts=[], phone="abc"
    )
    assert set(found) == {"guardian1.name", "emergency1.name", "phone", "date_of_birth"}


def test_a_student_with_problems_is_not_stored(app):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            students.create_student(student_values(guardians=[], phone="abc"))
        assert {field for field, _ in refused.value.problems} == {"guardian1.name", "phone"}
        db.session.rollback()
    assert count(app, Student) == 0


def test_a_student_is_stored_with_guardian_and_emergency_contact(app):
    student_id = make_student(app, first_name="Jonas", passport_number="c01x00t47")
    with app.app_context():
        student = db.session.get(Student, student_id)
        assert student.first_name == "Jonas"
        assert student.passport_number == "C01X00T47"
        assert [g.relation for g in student.guardians] == ["mother"]
        assert [c.name for c in student.emergency_contacts] == ["Onkel Otto"]


# --- consent and documents --------------------------------------------------------------


@pytest.fixture
def coordinator_id(app) -> int:
    return make_user(app, "coordinator@example.org", "coordinator")


def missing(app, enrolment_id: int) -> list[DocumentKind]:
    with app.app_context():
        return documents.missing_kinds(db.session.get(Enrolment, enrolment_id))


def test_recording_consent_keeps_who_when_and_which_wording(app, coordinator_id):
    enrolment_id = enrol(app, make_student(app), make_cohort(app))
    assert DocumentKind.GUARDIAN_CONSENT in missing(app, enrolment_id)
    signed = datetime(2026, 1, 10, 0, 0)
    version = documents.current_wording_version()

    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        guardian = enrolment.student.guardians[0]
        documents.record_consent(
            enrolment, guardian.name, signed, version, coordinator_id, guardian_id=guardian.id
        )
        db.session.commit()

    with app.app_context():
        consent = db.session.scalar(sa.select(GuardianConsent))
        assert consent.given_by.startswith("Maria Student")
        assert consent.given_at == signed
        assert consent.wording_version == version
        assert consent.recorded_by_id == coordinator_id
        assert consent.active
    assert DocumentKind.GUARDIAN_CONSENT not in missing(app, enrolment_id)


def test_withdrawn_consent_stays_on_record_and_is_missing_again(app, coordinator_id):
    enrolment_id = enrol(app, make_student(app), make_cohort(app))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        documents.record_consent(enrolment, "Maria", datetime(2026, 1, 10), WORDING, None)
        db.session.commit()
    assert DocumentKind.GUARDIAN_CONSENT not in missing(app, enrolment_id)

    with app.app_context():
        consent = db.session.scalar(sa.select(GuardianConsent))
        documents.withdraw_consent(consent, coordinator_id, "  changed her mind  ")
        db.session.commit()

    with app.app_context():
        consent = db.session.scalar(sa.select(GuardianConsent))
        assert consent.withdrawn_at is not None
        assert consent.withdrawn_at >= consent.given_at
        assert consent.withdrawn_by_id == coordinator_id
        assert consent.withdrawal_note == "changed her mind"
        assert not consent.active
        with pytest.raises(DomainError):
            documents.withdraw_consent(consent, coordinator_id)
    assert count(app, GuardianConsent) == 1
    assert DocumentKind.GUARDIAN_CONSENT in missing(app, enrolment_id)


@pytest.mark.parametrize(
    ("given_by", "given_at", "version", "field"),
    [
        ("Maria", utcnow() + timedelta(days=2), WORDING, "given_at"),
        ("Maria", datetime(2026, 1, 10), "1999-9", "wording_version"),
        ("Maria", datetime(2026, 1, 10), "", "wording_version"),
        ("   ", datetime(2026, 1, 10), WORDING, "given_by"),
        ("Maria", datetime(1990, 1, 1), WORDING, "given_at"),
    ],
)
def test_implausible_consent_is_refused(app, given_by, given_at, version, field):
    enrolment_id = enrol(app, make_student(app), make_cohort(app))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        with pytest.raises(DomainError) as refused:
            documents.record_consent(enrolment, given_by, given_at, version, None)
        assert refused.value.field == field
        db.session.rollback()
    assert count(app, GuardianConsent) == 0
    assert DocumentKind.GUARDIAN_CONSENT in missing(app, enrolment_id)


def test_all_documents_and_consent_leave_nothing_missing(app, coordinator_id):
    cohort_id = make_cohort(app)
    complete_id, other_id = (enrol(app, make_student(app), cohort_id) for _ in range(2))
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert documents.cohort_missing_count(cohort) == 2

    assert missing(app, complete_id) == list(DocumentKind)
    with app.app_context():
        enrolment = db.session.get(Enrolment, complete_id)
        for kind in PAPER:
            documents.set_received(enrolment, kind, True, coordinator_id)
        db.session.commit()
    assert missing(app, complete_id) == [DocumentKind.GUARDIAN_CONSENT]

    with app.app_context():
        enrolment = db.session.get(Enrolment, complete_id)
        documents.record_consent(enrolment, "Maria", datetime(2026, 1, 10), WORDING, None)
        db.session.commit()
    assert missing(app, complete_id) == []

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert documents.cohort_missing_count(cohort) == 1
        report = documents.missing_report(cohort, only_missing=True)
        assert [row.enrolment.id for row in report] == [other_id]

    with app.app_context():
        enrolment = db.session.get(Enrolment, complete_id)
        documents.set_received(enrolment, DocumentKind.INSURANCE, False, coordinator_id)
        db.session.commit()
    assert missing(app, complete_id) == [DocumentKind.INSURANCE]
    with app.app_context():
        assert documents.cohort_missing_count(db.session.get(Cohort, cohort_id)) == 2


def test_ticking_a_document_twice_keeps_one_record(app):
    enrolment_id = enrol(app, make_student(app), make_cohort(app))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        documents.set_received(enrolment, DocumentKind.INSURANCE, True, None)
        documents.set_received(enrolment, DocumentKind.INSURANCE, True, None)
        db.session.commit()
    with app.app_context():
        assert len(db.session.get(Enrolment, enrolment_id).documents) == 1


def test_consent_cannot_be_ticked_like_a_paper_document(app):
    enrolment_id = enrol(app, make_student(app), make_cohort(app))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        with pytest.raises(DomainError):
            documents.set_received(enrolment, DocumentKind.GUARDIAN_CONSENT, True, None)
    assert DocumentKind.GUARDIAN_CONSENT in missing(app, enrolment_id)


def test_withdrawn_enrolments_do_not_count_as_missing_documents(app):
    cohort_id = make_cohort(app)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    withdraw(app, enrolment_id)
    with app.app_context():
        assert documents.cohort_missing_count(db.session.get(Cohort, cohort_id)) == 0
