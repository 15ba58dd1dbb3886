"""Withdrawing an enrolment and taking it back: what will happen (for the confirmation page),
and doing it after checking again.

A withdrawal frees the student's place, ends a current placement and moves the first on the
waitlist up (enrolments.withdraw). Reinstating is the way back, under one rule that never
takes anything away from anybody: the student returns with a place only when one is free and
nobody is waiting; otherwise at the end of the waitlist. The student moved up meanwhile keeps
the place. A cohort that no longer takes enrolments (closed, travelling, completed, archived)
takes nobody back.

Both actions lock the enrolment's row and read its status again, so that two people
confirming the same action at once, or a double click, change it once; the second is told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import HOLDS_PLACE, Enrolment, EnrolmentStatus, Placement
from app.services.enrolment import enrolments, status_emails
from app.services.errors import DomainError
from app.services.placement import placements

S = EnrolmentStatus


@dataclass(frozen=True)
class WithdrawalPreview:
    """What withdrawing the enrolment would do now."""

    frees_place: bool
    moves_up: list[Enrolment] = field(default_factory=list)
    placement: Placement | None = None
    untold: list[Enrolment] = field(default_factory=list)  # moving up, nobody to email


@dataclass(frozen=True)
class ReinstatementPreview:
    """What reinstating the enrolment would do now: a place, or a position on the waitlist."""

    with_place: bool
    waitlist_position: int | None = None


def _fresh(enrolment: Enrolment) -> None:
    """Read the enrolment's row again, locked (PostgreSQL) until the transaction ends."""
    db.session.refresh(enrolment, with_for_update=True)


def withdrawal_refusal(enrolment: Enrolment) -> str | None:
    """Why the enrolment cannot be withdrawn now, or None."""
    name = enrolment.student.full_name
    if enrolment.status == S.WITHDRAWN:
        return str(_l("%(name)s is already withdrawn; nothing was changed.", name=name))
    if S.WITHDRAWN not in enrolments.MANUAL_TRANSITIONS[enrolment.status]:
        return str(
            _l(
                "%(name)s is “%(status)s” and cannot be withdrawn any more.",
                name=name,
                status=enrolment.status.label,
            )
        )
    return None


def preview_withdrawal(enrolment: Enrolment) -> WithdrawalPreview:
    """Who would move up from the waitlist (as fill_free_places would pick them), whom of them
    nobody can be emailed about, and which placement would end."""
    frees_place = enrolment.status in HOLDS_PLACE
    moves_up: list[Enrolment] = []
    if frees_place:
        cohort = enrolment.cohort
        free_after = cohort.places - cohort.places_taken + 1
        moves_up = enrolments.waitlist(cohort)[: max(0, free_after)]
    untold = [moved for moved in moves_up if not status_emails.reachable(moved)]
    return WithdrawalPreview(frees_place, moves_up, placements.active_placement(enrolment), untold)


def withdraw(
    enrolment: Enrolment, by_id: int | None, reason: str = "", share_reason: bool = False
) -> list[Enrolment]:
    """Withdraw after checking the status again; the enrolments moved up from the waitlist.
    The guardians are emailed; the reason is in their email only when `share_reason`."""
    _fresh(enrolment)
    refusal = withdrawal_refusal(enrolment)
    if refusal:
        raise DomainError(refusal, "status")
    reason = reason.strip()[:300]
    return enrolments.withdraw(enrolment, by_id, reason, share_reason=share_reason)


def reinstatement_refusal(enrolment: Enrolment) -> str | None:
    """Why the enrolment cannot be reinstated now, or None."""
    name = enrolment.student.full_name
    if enrolment.status != S.WITHDRAWN:
        return str(
            _l(
                "%(name)s is not withdrawn (the status is “%(status)s”); nothing was changed.",
                name=name,
                status=enrolment.status.label,
            )
        )
    cohort = enrolment.cohort
    if cohort.status not in enrolments.ENROLLABLE:
        return str(
            _l(
                "%(name)s cannot be reinstated: the cohort “%(cohort)s” is “%(status)s” and "
                "takes no enrolments any more.",
                name=name,
                cohort=cohort.name,
                status=cohort.status.label,
            )
        )
    return None


def preview_reinstatement(enrolment: Enrolment) -> ReinstatementPreview:
    """A place if one is free and nobody waits; else the position at the end of the waitlist."""
    cohort = enrolment.cohort
    waiting = len(enrolments.waitlist(cohort))
    if cohort.places_free > 0 and not waiting:
        return ReinstatementPreview(with_place=True)
    return ReinstatementPreview(with_place=False, waitlist_position=waiting + 1)


def reinstate(enrolment: Enrolment, by_id: int | None, reason: str = "") -> Enrolment:
    """Take a withdrawal back: a free place when nobody is waiting, else the end of the
    waitlist. Nobody who moved up is moved back; the change is recorded in the history."""
    _fresh(enrolment)
    refusal = reinstatement_refusal(enrolment)
    if refusal:
        raise DomainError(refusal, "status")
    enrolments.return_withdrawn(enrolment, by_id, reason.strip()[:300])
    return enrolment
