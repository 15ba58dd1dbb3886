"""Placing students with host families: one service that the web, the proposals and any
command share. Beds are taken with a guarded UPDATE, so concurrent requests never overbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Placement,
    PlacementKind,
    PlacementStatus,
    Student,
)
from app.models.base import utcnow
from app.models.families import (
    HostApplication,
    application_cohorts,
)
from app.services.errors import DomainError
from app.services.placement.facts import family_facts, student_facts
from app.services.placement.placement_rules import (
    MESSAGES,
    SOFT,
    Rule,
    broken_rules,
)
from app.services.supervision.compliance import local_today

ACTIVE = PlacementStatus.ACTIVE


class PlacementRefused(DomainError):
    """The rules refuse this placement; rules lists which. Soft rules alone can be
    overridden with a written reason."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.overridable = all(rule in SOFT for rule in rules)
        super().__init__(" ".join(str(MESSAGES[rule]) for rule in rules), "application_id")


def active_placement(enrolment: Enrolment) -> Placement | None:
    return db.session.scalar(
        sa.select(Placement).where(
            Placement.enrolment_id == enrolment.id, Placement.status == ACTIVE
        )
    )


def _take_bed(application_id: int, cohort_id: int) -> bool:
    offered = (
        sa.select(HostApplication.beds_offered)
        .where(HostApplication.id == application_id)
        .scalar_subquery()
    )
    result = db.session.execute(
        sa.update(application_cohorts)
        .where(
            application_cohorts.c.application_id == application_id,
            application_cohorts.c.cohort_id == cohort_id,
            application_cohorts.c.beds_taken < sa.func.coalesce(offered, 0),
        )
        .values(beds_taken=application_cohorts.c.beds_taken + 1)
    )
    return result.rowcount == 1


def _release_bed(application_id: int, cohort_id: int) -> None:
    db.session.execute(
        sa.update(application_cohorts)
        .where(
            application_cohorts.c.application_id == application_id,
            application_cohorts.c.cohort_id == cohort_id,
            application_cohorts.c.beds_taken > 0,
        )
        .values(beds_taken=application_cohorts.c.beds_taken - 1)
    )


def place(
    enrolment: Enrolment,
    application: HostApplication,
    by_id: int | None,
    override_reason: str = "",
    reason: str = "",
    ends_on: date | None = None,
) -> Placement:
    """Place the enrolled student with the family. Hard rules refuse; soft rules refuse
    unless a written override reason is given, which is recorded with the rules it overrides.
    With `ends_on` the placement is temporary (an emergency move) and ends on that day."""
    cohort = enrolment.cohort
    _check_end(cohort, ends_on)
    _lock_family(application.id, cohort.id)
    if active_placement(enrolment) is not None:
        raise DomainError(str(_l("This student is already placed; move them instead.")))
    broken = _broken(enrolment, application)
    hard = [rule for rule in broken if rule not in SOFT]
    override_reason = (override_reason or "").strip()[:500]
    if hard or (broken and not override_reason):
        raise PlacementRefused(broken)
    if not _take_bed(application.id, cohort.id):
        raise PlacementRefused([Rule.BEDS])
    placement = Placement(
        cohort_id=cohort.id,
        enrolment_id=enrolment.id,
        application_id=application.id,
        placed_by_id=by_id,
        reason=(reason or "").strip()[:500],
        override_reason=override_reason if broken else "",
        overridden_rules=",".join(rule.value for rule in broken),
        kind=PlacementKind.TEMPORARY if ends_on else PlacementKind.REGULAR,
        ends_on=ends_on,
    )
    db.session.add(placement)
    try:
        db.session.flush()
    except IntegrityError as error:  # placed by somebody else at the same moment
        raise DomainError(str(_l("This student was placed meanwhile; reload the page."))) from error
    return placement


def _broken(enrolment: Enrolment, application: HostApplication) -> list[Rule]:
    cohort = enrolment.cohort
    facts = family_facts(application, cohort)
    return broken_rules(student_facts(enrolment), facts, cohort.return_date)


def _lock_family(application_id: int, cohort_id: int) -> None:
    """Hold the family's row for this cohort until the commit, so that two placements with
    one family are checked one after the other (beds and who shares a room)."""
    db.session.execute(
        sa.update(application_cohorts)
        .where(
            application_cohorts.c.application_id == application_id,
            application_cohorts.c.cohort_id == cohort_id,
        )
        .values(beds_taken=application_cohorts.c.beds_taken)
    )


def cancel(placement: Placement, by_id: int | None, reason: str) -> None:
    """End a placement (kept on record) and free the family's bed."""
    db.session.refresh(placement, with_for_update=True)  # as it is now, not as a page saw it
    if placement.status != ACTIVE:
        raise DomainError(str(_l("This placement was already ended.")))
    if not (reason or "").strip():
        raise DomainError(str(_l("Give a reason.")), "reason")
    placement.status = PlacementStatus.CANCELLED
    placement.cancelled_at = utcnow()
    placement.cancelled_by_id = by_id
    placement.cancel_reason = reason.strip()[:500]
    _release_bed(placement.application_id, placement.cohort_id)
    db.session.flush()


def _check_end(cohort: Cohort, ends_on: date | None) -> None:
    """A temporary placement ends after today and no later than the group's return."""
    if ends_on is None:
        return
    if not isinstance(ends_on, date) or not local_today(cohort) < ends_on <= cohort.return_date:
        raise DomainError(
            str(
                _l(
                    "Enter an end date after today and no later than the return (%(day)s).",
                    day=cohort.return_date.isoformat(),
                )
            ),
            "ends_on",
        )


def move(
    placement: Placement,
    application: HostApplication,
    by_id: int | None,
    reason: str,
    override_reason: str = "",
    ends_on: date | None = None,
) -> Placement:
    """Move a placed student to another family, with a reason; all or nothing. With
    `ends_on` the new placement is temporary (an emergency move): the same rules apply."""
    _check_end(placement.cohort, ends_on)
    if application.id == placement.application_id:
        raise DomainError(str(_l("The student already lives with this family.")), "application_id")
    broken = _broken(placement.enrolment, application)  # refuse before anything changes
    if [rule for rule in broken if rule not in SOFT] or (
        broken and not (override_reason or "").strip()
    ):
        raise PlacementRefused(broken)
    cancel(placement, by_id, reason)
    return place(placement.enrolment, application, by_id, override_reason, reason, ends_on)


def placeable_enrolments(cohort: Cohort) -> list[Enrolment]:
    """Enrolments of the cohort that hold a place and are not placed, by name (those whose
    consent is withdrawn too: the rules refuse them, with the reason)."""
    placed = sa.select(Placement.enrolment_id).where(
        Placement.cohort_id == cohort.id, Placement.status == ACTIVE
    )
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Enrolment.student)
            .where(
                Enrolment.cohort_id == cohort.id,
                Enrolment.status.in_((EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)),
                Enrolment.id.not_in(placed),
            )
            .options(contains_eager(Enrolment.student), selectinload(Enrolment.consents))
            .order_by(Student.last_name, Student.first_name)
        )
    )


@dataclass(frozen=True)
class PlacedCounts:
    students: int  # students living with a family now
    families: int  # families housing them


def placed_counts(cohort: Cohort) -> PlacedCounts:
    """How many of the cohort's students live with a family, and with how many families."""
    students, families = db.session.execute(
        sa.select(
            sa.func.count(Placement.id), sa.func.count(sa.distinct(Placement.application_id))
        ).where(Placement.cohort_id == cohort.id, Placement.status == ACTIVE)
    ).one()
    return PlacedCounts(students, families)


def active_placements(cohort: Cohort) -> list[Placement]:
    """The cohort's current placements, by family."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .join(Placement.application)
            .where(Placement.cohort_id == cohort.id, Placement.status == ACTIVE)
            .options(
                selectinload(Placement.enrolment).selectinload(Enrolment.student),
                selectinload(Placement.enrolment).selectinload(Enrolment.consents),
                selectinload(Placement.application).selectinload(HostApplication.family),
            )
            .order_by(HostApplication.city, Placement.application_id, Placement.id)
        )
    )


@dataclass(frozen=True)
class BoardPlacement:
    """A current placement as the placement board shows it, read in one statement."""

    placement: Placement
    student: Student
    consent_withdrawn: bool
    placed_by_email: str  # "" when nobody (or an account since deleted) is recorded


def board_placements(cohort: Cohort) -> list[BoardPlacement]:
    """The cohort's current placements by family, as active_placements orders them, each
    with its student, whether the consent is withdrawn and who placed it: one statement
    (active_placements loads enrolments, consents, applications and families as well)."""
    from app.models import User
    from app.services.enrolment.documents import withdrawn_condition

    rows = db.session.execute(
        sa.select(Placement, Student, withdrawn_condition(), User.email)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Student, Student.id == Enrolment.student_id)
        .join(HostApplication, HostApplication.id == Placement.application_id)
        .outerjoin(User, User.id == Placement.placed_by_id)
        .where(Placement.cohort_id == cohort.id, Placement.status == ACTIVE)
        .order_by(HostApplication.city, Placement.application_id, Placement.id)
    )
    return [
        BoardPlacement(placement, student, bool(withdrawn), email or "")
        for placement, student, withdrawn, email in rows
    ]


def board_unplaced(cohort: Cohort) -> list[tuple[Enrolment, bool]]:
    """placeable_enrolments with whether each one's consent is withdrawn, read as a column
    of the same statement instead of loading the consents."""
    from app.services.enrolment.documents import withdrawn_condition

    placed = sa.select(Placement.enrolment_id).where(
        Placement.cohort_id == cohort.id, Placement.status == ACTIVE
    )
    rows = db.session.execute(
        sa.select(Enrolment, withdrawn_condition())
        .join(Enrolment.student)
        .where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.status.in_((EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)),
            Enrolment.id.not_in(placed),
        )
        .options(contains_eager(Enrolment.student))
        .order_by(Student.last_name, Student.first_name)
    )
    return [(enrolment, bool(withdrawn)) for enrolment, withdrawn in rows]


def for_family(family_id: int) -> list[Placement]:
    """The students currently placed with a family, for its portal: cohorts not yet over;
    with their consents, for the consent rule."""
    from app.models import CohortStatus

    return list(
        db.session.scalars(
            sa.select(Placement)
            .join(Placement.application)
            .join(Placement.cohort)
            .where(
                HostApplication.family_id == family_id,
                Placement.status == ACTIVE,
                Cohort.status.not_in((CohortStatus.COMPLETED, CohortStatus.ARCHIVED)),
            )
            .options(
                contains_eager(Placement.cohort),
                # the enrolment, student and teacher in the same statement (a row each)
                joinedload(Placement.enrolment, innerjoin=True).options(
                    joinedload(Enrolment.student, innerjoin=True),
                    joinedload(Enrolment.supervising_teacher),
                    selectinload(Enrolment.consents),
                ),
            )
            .order_by(Cohort.departure_date)
        )
    )
