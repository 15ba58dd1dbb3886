"""Enrolment and the waitlist.

A place is taken with a guarded UPDATE (places_taken < places) that the database applies
atomically on SQLite and PostgreSQL alike, so concurrent enrolments never overbook; the CHECK
constraint on cohorts backs it. When a place frees up, the first waitlisted student moves up.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app import bulk
from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    EventReason,
    Student,
)
from app.models.base import utcnow
from app.services.enrolment import status_emails
from app.services.errors import DomainError
from app.services.placement import placements
from app.services.privacy import audit

ENROLLABLE = (CohortStatus.PLANNING, CohortStatus.OPEN)
S = EnrolmentStatus

# Which status changes staff may make by hand.
MANUAL_TRANSITIONS: dict[EnrolmentStatus, frozenset[EnrolmentStatus]] = {
    S.APPLIED: frozenset({S.ACCEPTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.APPLIED, S.WITHDRAWN, S.COMPLETED}),
    S.WAITLISTED: frozenset({S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
    S.COMPLETED: frozenset(),
}


def _take_place(cohort_id: int) -> bool:
    """Take one free place of the cohort, atomically; False when it is full."""
    result = db.session.execute(
        sa.update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.places_taken < Cohort.places)
        .values(places_taken=Cohort.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_place(cohort_id: int) -> None:
    db.session.execute(
        sa.update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.places_taken > 0)
        .values(places_taken=Cohort.places_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _next_waitlist_number(cohort_id: int) -> int:
    return db.session.execute(
        sa.update(Cohort)
        .where(Cohort.id == cohort_id)
        .values(waitlist_counter=Cohort.waitlist_counter + 1)
        .returning(Cohort.waitlist_counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _record(enrolment: Enrolment, old: EnrolmentStatus | None, reason: str, by_id: int | None):
    db.session.add(
        EnrolmentEvent(
            enrolment=enrolment,
            from_status=old,
            to_status=enrolment.status,
            reason=reason,
            by_user_id=by_id,
        )
    )


def enrol(student: Student, cohort: Cohort, by_id: int | None = None) -> Enrolment:
    """Enrol the student: a place when one is free, else the end of the waitlist."""
    if cohort.status not in ENROLLABLE:
        raise DomainError(str(_l("This cohort does not take enrolments any more.")), "cohort")
    exists = db.session.scalar(
        sa.select(Enrolment.id).where(
            Enrolment.student_id == student.id, Enrolment.cohort_id == cohort.id
        )
    )
    if exists:
        raise DomainError(str(_l("This student is already enrolled in this cohort.")), "cohort")
    if _take_place(cohort.id):
        enrolment = Enrolment(student=student, cohort=cohort, status=S.APPLIED)
        reason = EventReason.PLACE_FREE.value
    else:
        number = _next_waitlist_number(cohort.id)
        enrolment = Enrolment(
            student=student, cohort=cohort, status=S.WAITLISTED, waitlist_number=number
        )
        reason = EventReason.COHORT_FULL.value
    db.session.add(enrolment)
    _record(enrolment, None, reason, by_id)
    db.session.flush()
    db.session.refresh(cohort)
    status_emails.tell(enrolment, None, by_id)
    return enrolment


def _take_places(cohort: Cohort, wanted: int) -> int:
    """Take up to `wanted` free places of the cohort at once; how many were taken.

    The same guarded UPDATE as enrolments.enrol, for many students; the row lock (PostgreSQL)
    or the write lock this transaction already holds (SQLite) keeps the count exact."""
    free = db.session.scalar(
        sa.select(Cohort.places - Cohort.places_taken)
        .where(Cohort.id == cohort.id)
        .with_for_update()
    )
    taking = max(0, min(wanted, free or 0))
    if taking:
        taken = db.session.execute(
            sa.update(Cohort)
            .where(Cohort.id == cohort.id, Cohort.places_taken + taking <= Cohort.places)
            .values(places_taken=Cohort.places_taken + taking)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            raise DomainError(str(_l("The cohort's places changed meanwhile; please try again.")))
    return taking


def _waitlist_numbers(cohort: Cohort, count: int) -> list[int]:
    if not count:
        return []
    last = db.session.execute(
        sa.update(Cohort)
        .where(Cohort.id == cohort.id)
        .values(waitlist_counter=Cohort.waitlist_counter + count)
        .returning(Cohort.waitlist_counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return list(range(last - count + 1, last + 1))


def enrol_many(student_ids: list[int], cohort: Cohort, by_id: int | None) -> tuple[int, int]:
    """Enrol students who have no enrolment in the cohort yet, in the given order: places
    while free, then the waitlist, as enrol does one by one (events included); in bulk, so
    that an import of thousands stays fast. Returns (placed, waitlisted)."""
    if cohort.status not in ENROLLABLE:
        raise DomainError(str(_l("This cohort does not take enrolments any more.")), "cohort")
    placed = _take_places(cohort, len(student_ids))
    numbers = _waitlist_numbers(cohort, len(student_ids) - placed)
    statuses = [(S.APPLIED, None)] * placed + [(S.WAITLISTED, number) for number in numbers]
    rows = [
        {"student_id": student_id, "cohort_id": cohort.id, "status": status, "waitlist_number": n}
        for student_id, (status, n) in zip(student_ids, statuses, strict=True)
    ]
    table = Enrolment.__table__
    ids = bulk.insert_returning_ids(table, rows)
    audit.created_in_bulk("enrolment", ids)
    events = [
        {
            "enrolment_id": enrolment_id,
            "from_status": None,
            "to_status": row["status"],
            "reason": (
                EventReason.PLACE_FREE if row["status"] == S.APPLIED else EventReason.COHORT_FULL
            ).value,
            "by_user_id": by_id,
        }
        for enrolment_id, row in zip(ids, rows, strict=True)
    ]
    bulk.insert(EnrolmentEvent.__table__, events)
    db.session.refresh(cohort)
    return placed, len(numbers)


def change_status(
    enrolment: Enrolment,
    new: EnrolmentStatus | str,
    by_id: int | None = None,
    reason: str = "",
    *,
    share_reason: bool = False,
    tell_guardians: bool = True,
) -> list[Enrolment]:
    """Change an enrolment's status by hand; returns the enrolments promoted from the waitlist.
    The guardians are emailed (status_emails; the reason only if `share_reason`)."""
    new = EnrolmentStatus(new)
    # The status as it is now, its row locked until the transaction ends: a page may have
    # shown it "waitlisted" before another withdrawal moved it up into a place.
    db.session.refresh(enrolment, with_for_update=True)
    old = enrolment.status
    if new not in MANUAL_TRANSITIONS[old]:
        raise DomainError(
            str(
                _l(
                    "An enrolment cannot go from “%(old)s” to “%(new)s”.",
                    old=old.label,
                    new=new.label,
                )
            ),
            "status",
        )
    if new == S.COMPLETED and enrolment.cohort.status not in (
        CohortStatus.TRAVELLING,
        CohortStatus.COMPLETED,
    ):
        raise DomainError(str(_l("Only a cohort that has travelled can be completed.")), "status")
    enrolment.status = new
    enrolment.status_changed_at = utcnow()
    promoted: list[Enrolment] = []
    if new == S.WITHDRAWN:
        enrolment.waitlist_number = None
        if old in HOLDS_PLACE:
            _release_place(enrolment.cohort_id)
        placement = placements.active_placement(enrolment)
        if placement is not None:  # the family's bed is free again
            placements.cancel(placement, by_id, reason or EventReason.ENROLMENT_WITHDRAWN.value)
    _record(enrolment, old, reason, by_id)
    db.session.flush()
    if tell_guardians:
        status_emails.tell(enrolment, old, by_id, shared_reason=reason if share_reason else "")
    if new == S.WITHDRAWN and old in HOLDS_PLACE:
        promoted = fill_free_places(enrolment.cohort)
    return promoted


def withdraw(
    enrolment: Enrolment,
    by_id: int | None = None,
    reason: str = "",
    *,
    share_reason: bool = False,
    tell_guardians: bool = True,
) -> list[Enrolment]:
    """Withdraw the enrolment; the first waitlisted student moves up into a freed place."""
    return change_status(
        enrolment,
        S.WITHDRAWN,
        by_id,
        reason,
        share_reason=share_reason,
        tell_guardians=tell_guardians,
    )


def return_withdrawn(enrolment: Enrolment, by_id: int | None, reason: str = "") -> None:
    """Bring a withdrawn enrolment back: a free place when nobody is waiting, else the end of
    the waitlist (withdrawal.reinstate checks first)."""
    waiting = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.cohort_id == enrolment.cohort_id, Enrolment.status == S.WAITLISTED
        )
    )
    old = enrolment.status
    if not waiting and _take_place(enrolment.cohort_id):
        enrolment.status, enrolment.waitlist_number = S.APPLIED, None
    else:
        number = _next_waitlist_number(enrolment.cohort_id)
        enrolment.status, enrolment.waitlist_number = S.WAITLISTED, number
    enrolment.status_changed_at = utcnow()
    _record(enrolment, old, reason, by_id)
    db.session.flush()
    db.session.refresh(enrolment.cohort)
    status_emails.tell(enrolment, old, by_id)


def fill_free_places(cohort: Cohort) -> list[Enrolment]:
    """Move waitlisted students up, in order, while there are free places."""
    promoted: list[Enrolment] = []
    while True:
        first = db.session.scalar(
            sa.select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status == S.WAITLISTED)
            .order_by(Enrolment.waitlist_number)
            .limit(1)
        )
        if first is None or not _take_place(cohort.id):
            break
        moved = db.session.execute(
            sa.update(Enrolment)
            .where(Enrolment.id == first.id, Enrolment.status == S.WAITLISTED)
            .values(status=S.APPLIED, waitlist_number=None, status_changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # somebody else moved or withdrew this one meanwhile
            _release_place(cohort.id)
            continue
        db.session.refresh(first)
        audit.changed_in_bulk("enrolment", [first.id], ["status", "waitlist_number"])
        _record(first, S.WAITLISTED, EventReason.MOVED_UP.value, None)
        status_emails.tell(first, S.WAITLISTED)
        promoted.append(first)
    db.session.flush()
    db.session.refresh(cohort)
    return promoted


def waitlist(cohort: Cohort) -> list[Enrolment]:
    """The cohort's waitlist in order, with the students."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status == S.WAITLISTED)
            .options(joinedload(Enrolment.student, innerjoin=True))
            .order_by(Enrolment.waitlist_number)
        )
    )


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the first waitlisted student of the cohort, None when not waitlisted."""
    if enrolment.status != S.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.cohort_id == enrolment.cohort_id,
            Enrolment.status == S.WAITLISTED,
            Enrolment.waitlist_number < enrolment.waitlist_number,
        )
    )
    return ahead + 1


def with_its_page(enrolment_id: int) -> Enrolment | None:
    """The enrolment with everything its page shows (cohort, programme, student and
    guardians, documents, files, consents, history) in a few statements, not one each."""
    return db.session.get(
        Enrolment,
        enrolment_id,
        options=[
            joinedload(Enrolment.cohort).joinedload(Cohort.programme),
            joinedload(Enrolment.student).selectinload(Student.guardians),
            selectinload(Enrolment.documents),
            selectinload(Enrolment.files),
            selectinload(Enrolment.consents),
            selectinload(Enrolment.events),
        ],
    )
