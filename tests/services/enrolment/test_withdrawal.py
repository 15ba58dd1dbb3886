"""Withdrawing an enrolment and taking it back: what the confirmation page is told will
happen, the checks made again when it is confirmed, and the rules of reinstating."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.models import (
    Cohort,
    CohortStatus,
    DocumentKind,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Placement,
)
from app.services.enrolment import cohorts, documents, enrolments, withdrawal
from app.services.errors import DomainError
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place

S = EnrolmentStatus


def get(enrolment_id: int) -> Enrolment:
    return db.session.get(Enrolment, enrolment_id)


def status_and_position(enrolment_id: int) -> tuple[EnrolmentStatus, int | None]:
    enrolment = get(enrolment_id)
    return enrolment.status, enrolments.waitlist_position(enrolment)


@pytest.fixture
def full_cohort(app) -> dict:
    """Two places, both taken; two students waiting."""
    cohort_id = make_cohort(app, places=2)
    ids = [enrol(app, make_student(app, first_name=f"Kid{n}"), cohort_id) for n in range(4)]
    return {"cohort": cohort_id, "placed": ids[:2], "waiting": ids[2:]}


def test_the_preview_names_who_would_move_up_and_changes_nothing(app, full_cohort):
    with app.app_context():
        leaving = get(full_cohort["placed"][0])
        preview = withdrawal.preview_withdrawal(leaving)
        assert preview.frees_place
        assert [e.id for e in preview.moves_up] == [full_cohort["waiting"][0]]
        assert preview.placement is None
        assert leaving.status == S.APPLIED
        assert status_and_position(full_cohort["waiting"][0]) == (S.WAITLISTED, 1)


def test_the_preview_of_a_waitlisted_student_moves_nobody_up(app, full_cohort):
    with app.app_context():
        preview = withdrawal.preview_withdrawal(get(full_cohort["waiting"][1]))
        assert not preview.frees_place
        assert preview.moves_up == []


def test_the_preview_names_the_placement_that_would_end(app):
    cohort_id = make_cohort(app, places=2)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    with app.app_context():
        documents.record_consent(
            get(enrolment_id),
            "Maria",
            datetime(2026, 9, 1),
            documents.current_wording_version(),
            None,
        )
        db.session.commit()
    family = make_approved_family(app, [cohort_id])
    placement_id = place(app, enrolment_id, family)
    with app.app_context():
        preview = withdrawal.preview_withdrawal(get(enrolment_id))
        assert preview.placement.id == placement_id
        withdrawal.withdraw(get(enrolment_id), None)
        db.session.commit()
        assert db.session.get(Placement, placement_id).cancelled_at is not None


def test_withdrawing_moves_the_named_student_up(app, full_cohort):
    with app.app_context():
        named = withdrawal.preview_withdrawal(get(full_cohort["placed"][0])).moves_up
        promoted = withdrawal.withdraw(get(full_cohort["placed"][0]), None, "  moves away ")
        db.session.commit()
        assert [e.id for e in promoted] == [e.id for e in named]
        assert status_and_position(full_cohort["waiting"][0]) == (S.APPLIED, None)
        assert status_and_position(full_cohort["waiting"][1]) == (S.WAITLISTED, 1)
        assert get(full_cohort["placed"][0]).events[-1].reason == "moves away"


def test_withdrawing_twice_is_refused_and_changes_nothing(app, full_cohort):
    leaving = full_cohort["placed"][0]
    with app.app_context():
        withdrawal.withdraw(get(leaving), None)
        db.session.commit()
        events = db.session.query(EnrolmentEvent).count()
        with pytest.raises(DomainError, match="already withdrawn"):
            withdrawal.withdraw(get(leaving), None)
        db.session.rollback()
        assert db.session.query(EnrolmentEvent).count() == events
        # the second click did not free another place for the next one waiting
        assert status_and_position(full_cohort["waiting"][1]) == (S.WAITLISTED, 1)
        assert db.session.get(Cohort, full_cohort["cohort"]).places_taken == 2


def test_a_stale_copy_of_the_enrolment_is_read_again_before_withdrawing(app, full_cohort):
    """Two people on the same record: the second confirmation sees the first one's change."""
    leaving = full_cohort["placed"][0]
    with app.app_context():
        stale = get(leaving)
        assert stale.status == S.APPLIED
        with app.app_context():  # the colleague, in a request of their own
            withdrawal.withdraw(get(leaving), None)
            db.session.commit()
        assert stale.status == S.APPLIED  # what the page showed
        with pytest.raises(DomainError, match="already withdrawn"):
            withdrawal.withdraw(stale, None)


# --- reinstating ------------------------------------------------------------------------


def test_a_reinstated_student_goes_to_the_end_of_the_waitlist_and_nobody_is_bumped(
    app, full_cohort
):
    leaving, staying = full_cohort["placed"]
    moved_up, still_waiting = full_cohort["waiting"]
    with app.app_context():
        withdrawal.withdraw(get(leaving), None)
        db.session.commit()
        preview = withdrawal.preview_reinstatement(get(leaving))
        assert (preview.with_place, preview.waitlist_position) == (False, 2)
        withdrawal.reinstate(get(leaving), None, "changed their mind")
        db.session.commit()
        assert status_and_position(leaving) == (S.WAITLISTED, 2)
        assert status_and_position(moved_up) == (S.APPLIED, None)
        assert status_and_position(still_waiting) == (S.WAITLISTED, 1)
        assert status_and_position(staying) == (S.APPLIED, None)
        last = get(leaving).events[-1]
        assert (last.from_status, last.to_status, last.reason) == (
            S.WITHDRAWN,
            S.WAITLISTED,
            "changed their mind",
        )


def test_a_reinstated_student_gets_a_place_when_one_is_free_and_nobody_waits(app):
    cohort_id = make_cohort(app, places=3)
    first = enrol(app, make_student(app), cohort_id)
    enrol(app, make_student(app), cohort_id)
    with app.app_context():
        withdrawal.withdraw(get(first), None)
        db.session.commit()
        assert withdrawal.preview_reinstatement(get(first)).with_place
        withdrawal.reinstate(get(first), None)
        db.session.commit()
        assert status_and_position(first) == (S.APPLIED, None)
        assert db.session.get(Cohort, cohort_id).places_taken == 2


def test_reinstating_is_refused_once_the_cohort_takes_no_enrolments(app, full_cohort):
    leaving = full_cohort["placed"][0]
    with app.app_context():
        withdrawal.withdraw(get(leaving), None)
        cohort = db.session.get(Cohort, full_cohort["cohort"])
        cohorts.set_status(cohort, CohortStatus.CLOSED)
        db.session.commit()
        message = withdrawal.reinstatement_refusal(get(leaving))
        assert "cannot be reinstated" in message and "closed" in message
        with pytest.raises(DomainError, match="cannot be reinstated"):
            withdrawal.reinstate(get(leaving), None)
        db.session.rollback()
        assert get(leaving).status == S.WITHDRAWN


def test_only_a_withdrawn_enrolment_can_be_reinstated(app, full_cohort):
    with app.app_context():
        with pytest.raises(DomainError, match="is not withdrawn"):
            withdrawal.reinstate(get(full_cohort["placed"][0]), None)
        db.session.rollback()
        assert status_and_position(full_cohort["placed"][0]) == (S.APPLIED, None)


def test_documents_and_consents_of_a_withdrawn_enrolment_stay_as_they_were(app, full_cohort):
    leaving = full_cohort["placed"][0]
    with app.app_context():
        documents.set_received(get(leaving), DocumentKind.INSURANCE, True, None)
        withdrawal.withdraw(get(leaving), None)
        db.session.commit()
        with pytest.raises(DomainError, match="is withdrawn"):
            documents.set_received(get(leaving), DocumentKind.INSURANCE, False, None)
        db.session.rollback()
        with pytest.raises(DomainError, match="is withdrawn"):
            documents.record_consent(
                get(leaving),
                "Maria",
                datetime(2026, 9, 1),
                documents.current_wording_version(),
                None,
            )
        db.session.rollback()
        assert [doc.kind for doc in get(leaving).documents] == [DocumentKind.INSURANCE]
        assert get(leaving).consents == []
