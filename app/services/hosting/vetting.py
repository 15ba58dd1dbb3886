"""Vetting of host-family applications by coordinators: references checked → background
check cleared (with expiry) → home visit → approved, declined or backup list. Each step
records who and when; the family is emailed on every decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import kept
from app.extensions import db
from app.models import Cohort, User
from app.models.base import utcnow
from app.models.families import (
    IN_VETTING,
    ApplicationStatus,
    HostApplication,
    HostFamily,
    VettingEvent,
    application_cohorts,
)
from app.services.errors import DomainError
from app.services.hosting import rechecks
from app.services.hosting.rechecks import Check
from app.services.mail import notifications, templates

A = ApplicationStatus
DECISIONS = (A.APPROVED, A.DECLINED, A.BACKUP)
# Each step may follow only the one before it.
NEXT_STEP = {
    A.SUBMITTED: A.REFERENCES_CHECKED,
    A.REFERENCES_CHECKED: A.BACKGROUND_CLEARED,
    A.BACKGROUND_CLEARED: A.HOME_VISITED,
}


def _record(application: HostApplication, status: ApplicationStatus, by_id: int, note: str = ""):
    application.status = status
    db.session.add(
        VettingEvent(application=application, to_status=status, by_user_id=by_id, note=note[:500])
    )
    db.session.flush()


def _record_check(application: HostApplication, check: Check, by_id: int, note: str = ""):
    """The check is recorded (again): the application goes on to the furthest step still
    standing (a check done again after a change may find the later ones standing)."""
    rechecks.recorded_again(application, check)
    _record(application, rechecks.REACHES[check][0], by_id, note)
    application.status = rechecks.standing(application)
    db.session.flush()


def _expect(application: HostApplication, status: ApplicationStatus) -> None:
    """Refuse unless the application (read afresh under its row lock) is in this status."""
    rechecks.lock(application)
    if application.status != status:
        raise DomainError(
            str(
                _l(
                    "This step needs the application to be “%(needed)s”; it is “%(now)s”.",
                    needed=status.label,
                    now=application.status.label,
                )
            )
        )


def check_references(application: HostApplication, by_id: int, note: str = "") -> None:
    """Step 1: both references were contacted."""
    _expect(application, A.SUBMITTED)
    application.references_checked_at = utcnow()
    application.references_checked_by_id = by_id
    _record_check(application, Check.REFERENCES, by_id, note)


def clear_background(
    application: HostApplication, expires_on: date, by_id: int, today: date | None = None
) -> None:
    """Step 2: the background check came back clear; it is valid until expires_on."""
    _expect(application, A.REFERENCES_CHECKED)
    today = today or date.today()
    if expires_on <= today:
        raise DomainError(str(_l("The expiry date must be in the future.")), "expires_on")
    if expires_on.year > today.year + 10:
        raise DomainError(str(_l("This expiry date is not plausible.")), "expires_on")
    application.background_cleared_at = utcnow()
    application.background_cleared_by_id = by_id
    application.background_check_expires_on = expires_on
    _record_check(application, Check.BACKGROUND, by_id)


def record_home_visit(
    application: HostApplication,
    visited_on: date,
    visited_by: str,
    notes: str,
    by_id: int,
    today: date | None = None,
) -> None:
    """Step 3: the home visit took place (date, by whom, notes)."""
    _expect(application, A.BACKGROUND_CLEARED)
    # Dates are the coordinator's local dates, times are stored in UTC: allow a day.
    today = today or date.today()
    if visited_on > today + timedelta(days=1):
        raise DomainError(
            str(_l("A home visit cannot be recorded before it happens.")), "visited_on"
        )
    submitted = application.submitted_at
    if submitted and visited_on < (submitted - timedelta(days=1)).date():
        raise DomainError(str(_l("The visit must be after the application.")), "visited_on")
    if not (visited_by or "").strip():
        raise DomainError(str(_l("Say who visited.")), "visited_by")
    application.home_visit_on = visited_on
    application.home_visit_by = visited_by.strip()[:200]
    application.home_visit_notes = (notes or "").strip()[:5000]
    application.home_visit_recorded_at = utcnow()
    application.home_visit_recorded_by_id = by_id
    _record_check(application, Check.HOME_VISIT, by_id)


DECISION_EMAILS = {
    A.APPROVED: "family.approved",
    A.DECLINED: "family.declined",
    A.BACKUP: "family.backup",
}


def decide(
    application: HostApplication, decision: ApplicationStatus | str, by_id: int, note: str = ""
) -> None:
    """Approve, decline or keep on the backup list; the family is emailed.
    Approval and the backup list need every step done; a decline may come at any step."""
    try:
        decision = ApplicationStatus(decision)
    except ValueError:
        decision = None
    if decision not in DECISIONS:
        raise DomainError(str(_l("Choose approve, decline or backup list.")), "decision")
    if decision == A.DECLINED:
        rechecks.lock(application)
        if application.status not in IN_VETTING:
            raise DomainError(str(_l("Only an application in vetting can be declined.")))
    else:
        try:
            _expect(application, A.HOME_VISITED)
        except DomainError:
            rechecks.refuse_decision(application)  # a reopened check is named, not the status
            raise
    application.decided_at = utcnow()
    application.decided_by_id = by_id
    application.decision_note = (note or "").strip()[:500]
    _record(application, decision, by_id, note)
    family = application.family.user
    with notifications.in_language(family):  # the family's language, not the coordinator's
        values = {"family": application.family.family_name}
        subject, body = templates.render(DECISION_EMAILS[decision], templates.language(), values)
    notifications.queue(family.email, subject, body)


def in_vetting() -> sa.ColumnElement[bool]:
    """Still in vetting, with the statuses written into the SQL as constants: the condition
    of the partial index ix_host_applications_in_vetting, which a planner uses only for a
    query that says the same (SQLite: not with bound parameters)."""
    return HostApplication.status.in_(
        [sa.literal(status.value, sa.String, literal_execute=True) for status in IN_VETTING]
    )


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[ApplicationStatus, ...] | None = IN_VETTING  # None: any status
    cohort_id: int | None = None
    city: str = ""
    query: str = ""


def queue(filters: QueueFilters) -> sa.Select:
    """Applications for coordinators, oldest submission first; drafts are not shown."""
    from app.models import User

    query = (
        sa.select(HostApplication)
        .where(HostApplication.submitted_at.is_not(None))
        .options(selectinload(HostApplication.cohorts))
        .order_by(HostApplication.submitted_at, HostApplication.id)
    )
    if filters.statuses == IN_VETTING:  # the default: the work in progress, always few
        query = query.where(in_vetting())
    elif filters.statuses is not None:
        query = query.where(HostApplication.status.in_(filters.statuses))
    if filters.cohort_id:
        query = query.where(
            HostApplication.id.in_(
                sa.select(application_cohorts.c.application_id).where(
                    application_cohorts.c.cohort_id == filters.cohort_id
                )
            )
        )
    if filters.city:
        query = query.where(sa.func.lower(HostApplication.city) == filters.city.strip().lower())
    if filters.query:  # the family and its account are joined for the search only
        like = "%" + filters.query.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.join(HostApplication.family).join(HostFamily.user)
        query = query.where(
            sa.or_(
                sa.func.lower(HostFamily.family_name).like(like),
                sa.func.lower(User.email).like(like),
                sa.func.lower(HostApplication.address_line).like(like),
            )
        )
    return query


@dataclass(frozen=True)
class ExpiryAlert:
    application: HostApplication
    cohort: Cohort


def expiry_alerts() -> list[ExpiryAlert]:
    """Families whose background check expires before a group they would host returns.
    Which ones is kept between requests (`_alerts`); only those are read as objects."""
    applications = sorted({application_id for application_id, _cohort in _alerts()})
    if not applications:
        return []
    rows = db.session.execute(
        _expiring(sa.select(HostApplication, Cohort))
        .where(HostApplication.id.in_(applications))
        .order_by(HostApplication.background_check_expires_on, Cohort.return_date)
    ).all()
    return [ExpiryAlert(application, cohort) for application, cohort in rows]


def _alerts() -> tuple[tuple[int, int], ...]:
    """The (application, cohort) ids of every expiry alert, kept while no application or
    cohort changed and it is the same day (app/kept.py): finding them compares each link of a
    group still to return with its family's check (~4,600 links at national size)."""

    def find() -> tuple[date, tuple[tuple[int, int], ...]]:
        today = date.today()
        query = _expiring(sa.select(HostApplication.id, Cohort.id), today)
        return today, tuple((row[0], row[1]) for row in db.session.execute(query))

    return kept.value("expiry_alerts", find, lambda found: found[0] == date.today())[1]


def _expiring(query: sa.Select, today: date | None = None) -> sa.Select:
    return (
        query.select_from(HostApplication)
        .join(application_cohorts, application_cohorts.c.application_id == HostApplication.id)
        .join(Cohort, Cohort.id == application_cohorts.c.cohort_id)
        .where(
            HostApplication.status.in_(
                (A.BACKGROUND_CLEARED, A.HOME_VISITED, A.APPROVED, A.BACKUP)
            ),
            HostApplication.background_check_expires_on < Cohort.return_date,
            Cohort.return_date >= (today or date.today()),
        )
    )


def dashboard_counts() -> tuple[dict[ApplicationStatus, int], int]:
    """status_counts() and how many expiry_alerts() there are, kept between requests while
    no application, cohort ... changed (the alerts: and it is the same day; app/kept.py)."""
    return kept.value("vetting_statuses", status_counts), len(_alerts())


def cities(statuses: tuple[ApplicationStatus, ...] | None = None, keep: str = "") -> list[str]:
    """The towns of submitted applications in these statuses (any, for None), each once
    whatever its spelling's case; and `keep`, a town already chosen, if any submitted
    application has it. The queue offers the towns of what it lists: grouping every
    application ever submitted would read the whole table on each request."""
    query = sa.select(sa.func.min(HostApplication.city)).where(
        HostApplication.submitted_at.is_not(None), HostApplication.city != ""
    )
    if statuses == IN_VETTING:
        query = query.where(in_vetting())
    elif statuses is not None:
        query = query.where(HostApplication.status.in_(statuses))
    found = list(
        db.session.scalars(
            query.group_by(sa.func.lower(HostApplication.city)).order_by(
                sa.func.lower(HostApplication.city)
            )
        )
    )
    wanted = keep.strip().lower()
    if wanted and wanted not in {city.lower() for city in found}:
        known = db.session.scalar(
            sa.select(HostApplication.city)
            .where(
                HostApplication.submitted_at.is_not(None),
                sa.func.lower(HostApplication.city) == wanted,
            )
            .limit(1)
        )
        if known:
            found = sorted([*found, known], key=str.lower)
    return found


def status_counts() -> dict[ApplicationStatus, int]:
    """How many submitted applications are in each status (read from the status index
    alone, without the rows)."""
    rows = db.session.execute(
        sa.select(HostApplication.status, sa.func.count())
        .where(HostApplication.status != A.DRAFT)
        .group_by(HostApplication.status)
    ).all()
    return {ApplicationStatus(status): n for status, n in rows}


def family_names(applications: Iterable[HostApplication]) -> dict[int, str]:
    """application id → the family's name, or its email when it gave no name."""
    ids = [a.id for a in applications]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(HostApplication.id, HostFamily.family_name, User.email)
        .join(HostApplication.family)
        .join(HostFamily.user)
        .where(HostApplication.id.in_(ids))
    )
    return {app_id: name or email for app_id, name, email in rows}
