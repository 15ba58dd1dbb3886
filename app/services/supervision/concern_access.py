"""Who may report, see and act on concern reports: the narrowest access that works.

Staff see every report, the cohort's teachers the reports about their cohort's students, a
host family what it reported itself; a safeguarding report (abuse or neglect) only admins and
its owner. Any coordinator may take a safeguarding report nobody owns yet, so that one who is
on duty can act at once; taking it makes them its owner.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    ConcernCategory,
    ConcernReport,
    ConcernStatus,
    Enrolment,
    HostApplication,
    HostFamily,
    Placement,
    PlacementStatus,
    Role,
    Student,
    User,
)
from app.services.supervision import contacts

STAFF = (Role.ADMIN, Role.COORDINATOR)


def _family_of(user: User) -> HostFamily | None:
    return db.session.scalar(sa.select(HostFamily).where(HostFamily.user_id == user.id))


def family_students(user: User) -> list[Enrolment]:
    """The students living with the user's host family now."""
    family = _family_of(user)
    if family is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Placement, Placement.enrolment_id == Enrolment.id)
            .join(HostApplication, HostApplication.id == Placement.application_id)
            .where(
                HostApplication.family_id == family.id,
                Placement.status == PlacementStatus.ACTIVE,
                Enrolment.status.in_(HOLDS_PLACE),
            )
            .order_by(Enrolment.id)
        )
    )


def may_report(user: User, enrolment: Enrolment) -> bool:
    """Staff about any student holding a place, a teacher about their cohort's students, a
    host family about the student living with it."""
    if enrolment.status not in HOLDS_PLACE:
        return False
    if user.role in STAFF:
        return True
    if user.role == Role.TEACHER:
        return contacts.cohort_for(user, enrolment.cohort_id) is not None
    if user.role == Role.HOST_FAMILY:
        return enrolment.id in {e.id for e in family_students(user)}
    return False


def may_see(user: User, report: ConcernReport) -> bool:
    if user.role == Role.ADMIN or report.owner_id == user.id:
        return True
    if report.safeguarding:
        return False
    if user.role == Role.COORDINATOR:
        return True
    if user.role == Role.TEACHER:
        return contacts.cohort_for(user, report.cohort_id) is not None
    if user.role == Role.HOST_FAMILY:
        return report.reported_by_id == user.id
    return False


def may_manage(user: User, report: ConcernReport) -> bool:
    """Take, change the status, set a follow-up, move the student, close: staff who see it."""
    return user.role in STAFF and may_see(user, report)


def may_take(user: User, report: ConcernReport) -> bool:
    """Staff who see it; and any coordinator a safeguarding report nobody owns yet."""
    if user.role not in STAFF or report.status is ConcernStatus.CLOSED:
        return False
    if report.owner_id is None and report.safeguarding:
        return True
    return may_see(user, report) and report.owner_id != user.id


def may_add_action(user: User, report: ConcernReport) -> bool:
    """Staff who see it, and the cohort's teachers (who are on the spot)."""
    if report.status is ConcernStatus.CLOSED or user.role == Role.HOST_FAMILY:
        return False
    return may_see(user, report)


def visible(user: User) -> sa.Select:
    """The reports the person may see, newest first, as a query to page through."""
    query = sa.select(ConcernReport).order_by(
        ConcernReport.reported_at.desc(), ConcernReport.id.desc()
    )
    sensitive = ConcernReport.category == ConcernCategory.SAFEGUARDING
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.COORDINATOR:
        return query.where(sa.or_(~sensitive, ConcernReport.owner_id == user.id))
    if user.role == Role.TEACHER:
        from app.models import CohortTeacher, Teacher
        from app.services.supervision.teacher_roster import FINISHED

        cohorts = (
            sa.select(CohortTeacher.cohort_id)
            .join(Teacher, Teacher.id == CohortTeacher.teacher_id)
            .join(Cohort, Cohort.id == CohortTeacher.cohort_id)
            .where(Teacher.user_id == user.id, Cohort.status.not_in(FINISHED))
        )
        return query.where(ConcernReport.cohort_id.in_(cohorts), ~sensitive)
    if user.role == Role.HOST_FAMILY:
        return query.where(ConcernReport.reported_by_id == user.id, ~sensitive)
    return query.where(sa.false())


def listed(user: User, status: str = "", cohort_id: int | None = None) -> sa.Select:
    """The reports the person may see, filtered: status "" the ones not closed, "all" every
    one, else that status; and the cohort's only when one is given."""
    # The cohort's programme with it: the list's overdue check reads the host area's day.
    # The cohorts with their programmes in one statement. (Joined into the reports' own
    # statement they would be joined to every report before the newest are picked.)
    query = visible(user).options(
        selectinload(ConcernReport.cohort).joinedload(Cohort.programme),
        selectinload(ConcernReport.owner),
    )
    if status == "":
        query = query.where(ConcernReport.status != ConcernStatus.CLOSED)
    elif status != "all":
        query = query.where(ConcernReport.status == ConcernStatus(status))
    if cohort_id:
        query = query.where(ConcernReport.cohort_id == cohort_id)
    return query


def reported(user: User, limit: int = 20) -> list[ConcernReport]:
    """The newest reports the person made that they may still see (a family's own)."""
    query = visible(user).where(ConcernReport.reported_by_id == user.id).limit(limit)
    return list(db.session.scalars(query))


def listed_cohorts(user: User) -> list[sa.Row]:
    """The cohorts of the reports the person may see, for the list's filter: id and name
    (a thousand at national size: rows, not entities)."""
    ids = visible(user).order_by(None).with_only_columns(ConcernReport.cohort_id)
    query = sa.select(Cohort.id, Cohort.name).where(Cohort.id.in_(ids))
    return list(db.session.execute(query.order_by(Cohort.departure_date.desc())))


def reportable(user: User) -> list[Enrolment]:
    """The students the person may report about, for the form's choice: staff those of the
    cohorts not yet over, a teacher those of their cohorts, a family the one living with it."""
    from app.services.supervision.teacher_roster import FINISHED

    if user.role == Role.HOST_FAMILY:
        return family_students(user)
    query = (
        sa.select(Enrolment)
        .join(Enrolment.cohort)
        .join(Enrolment.student)
        .where(Enrolment.status.in_(HOLDS_PLACE), Cohort.status.not_in(FINISHED))
        .options(contains_eager(Enrolment.cohort), contains_eager(Enrolment.student))
        .order_by(Cohort.departure_date, Student.last_name, Student.first_name, Enrolment.id)
    )
    if user.role == Role.TEACHER:
        from app.models import CohortTeacher, Teacher

        query = query.where(
            Enrolment.cohort_id.in_(
                sa.select(CohortTeacher.cohort_id)
                .join(Teacher, Teacher.id == CohortTeacher.teacher_id)
                .where(Teacher.user_id == user.id)
            )
        )
    elif user.role not in STAFF:
        return []
    return list(db.session.scalars(query))
