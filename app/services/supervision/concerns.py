"""Reports of concerns and incidents about a student during the stay: their owner, status
and timeline, and the alert that urgent ones send at once. Who may do what is in
concern_access. Services flush; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    ActionKind,
    Cohort,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    ConcernStatus,
    Contact,
    Enrolment,
    HostApplication,
    Placement,
    Severity,
    User,
)
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.mail import notifications, templates
from app.services.privacy import audit
from app.services.supervision import compliance
from app.services.supervision.concern_access import (
    may_add_action,
    may_manage,
    may_report,
    may_take,
)
from app.services.validation import Checker

TEXT_LENGTH = 10000
OPEN = (ConcernStatus.OPEN, ConcernStatus.IN_PROGRESS, ConcernStatus.RESOLVED)
# The status a report may be set to from each (closing needs an outcome: close()).
NEXT = {
    ConcernStatus.OPEN: (ConcernStatus.IN_PROGRESS, ConcernStatus.RESOLVED),
    ConcernStatus.IN_PROGRESS: (ConcernStatus.OPEN, ConcernStatus.RESOLVED),
    ConcernStatus.RESOLVED: (ConcernStatus.IN_PROGRESS,),
    ConcernStatus.CLOSED: (),
}

Link = Callable[[int], str]  # a report's id → the address of its page, for emails


def check(cohort: Cohort, values: dict) -> dict:
    """A report's values, checked; ValidationFailed lists every problem."""
    check = Checker()
    check.choice(values, "category", ConcernCategory)
    check.choice(values, "severity", Severity)
    check.text(values, "what_happened", required=True, max_length=TEXT_LENGTH)
    check.text(values, "action_taken", required=False, max_length=TEXT_LENGTH)
    today = compliance.local_today(cohort)
    if values.get("happened_on") is None:
        check.add("happened_on", _l("Enter the date it happened."))
    else:
        check.date_between(
            values,
            "happened_on",
            date(today.year - 2, 1, 1),
            today,
            _l("Enter a date that is not in the future."),
        )
    check.raise_if_any()
    return {
        "category": ConcernCategory(values["category"]),
        "severity": Severity(values["severity"]),
        "what_happened": values["what_happened"].strip(),
        "action_taken": (values.get("action_taken") or "").strip(),
        "happened_on": values["happened_on"],
    }


def _act(report: ConcernReport, user: User | None, kind: ActionKind, text: str = "") -> None:
    report.actions.append(
        ConcernAction(kind=kind, text=text, by_id=user.id if user else None, at=utcnow())
    )


def report(
    enrolment: Enrolment,
    user: User,
    values: dict,
    link: Link,
    contact: Contact | None = None,
) -> ConcernReport:
    """Report a concern about the student. Safeguarding, urgent and emergency reports alert
    every coordinator and admin by email at once (no personal details in it)."""
    if not may_report(user, enrolment):
        raise DomainError(str(_l("You cannot report about this student.")))
    if contact is not None and contact.enrolment_id != enrolment.id:
        contact = None
    checked = check(enrolment.cohort, values)
    student = enrolment.student
    found = ConcernReport(
        cohort_id=enrolment.cohort_id,
        enrolment_id=enrolment.id,
        student_name=student.full_name[:201],
        student_born=student.date_of_birth,
        reported_by_id=user.id,
        contact_id=contact.id if contact else None,
        status=ConcernStatus.OPEN,
        **checked,
    )
    db.session.add(found)
    _act(found, user, ActionKind.REPORTED)
    db.session.flush()
    if found.alerting:
        alert(found, link)
    return found


def alert(report: ConcernReport, link: Link) -> int:
    """Email every active coordinator and admin that a report waits for an owner: the kind
    and the cohort only, and the link to log in. How many were written to."""
    cohort_name = report.cohort.name
    recipients = notifications.staff()
    for member in recipients:
        with notifications.in_language(member):
            key = "concern.safeguarding" if report.safeguarding else "concern.alert"
            values = {
                "severity": report.severity.label,
                "category": report.category.label,
                "cohort": cohort_name,
                "link": link(report.id),
            }
            subject, body = templates.render(key, templates.language(), values)
            notifications.queue(member.email, str(subject), str(body))
    return len(recipients)


def load(report_id: int) -> ConcernReport | None:
    """The report with what its page shows: cohort, people, the placement and the timeline."""
    return db.session.scalar(
        sa.select(ConcernReport)
        .where(ConcernReport.id == report_id)
        .options(
            selectinload(ConcernReport.cohort),
            selectinload(ConcernReport.owner),
            selectinload(ConcernReport.reported_by),
            selectinload(ConcernReport.placement)
            .selectinload(Placement.application)
            .selectinload(HostApplication.family),
            selectinload(ConcernReport.actions).selectinload(ConcernAction.by),
        )
    )


def viewed(report: ConcernReport, user: User) -> None:
    """Note in the audit trail that the person read the report."""
    audit.record("concern.viewed", "concern_report", report.id, user_id=user.id)


def _manageable(report: ConcernReport, user: User) -> None:
    db.session.refresh(report, with_for_update=True)  # as it is now, not as a page saw it
    if report.status is ConcernStatus.CLOSED:
        raise DomainError(str(_l("This report is closed.")))
    if not may_manage(user, report):
        raise DomainError(str(_l("Only its owner or an admin can change this report.")))


def take(report: ConcernReport, user: User, unowned_only: bool = False) -> None:
    """The person becomes the report's owner; an open report is then in progress. With
    unowned_only (a Take button on a report that waited for an owner) a colleague who was
    quicker keeps it, and the person is told who took it."""
    db.session.refresh(report, with_for_update=True)
    if unowned_only and report.owner_id is not None and report.owner_id != user.id:
        raise DomainError(str(_l("%(who)s took this report meanwhile.", who=report.owner.email)))
    if not may_take(user, report):
        if report.owner_id == user.id:
            raise DomainError(str(_l("You already own this report.")))
        raise DomainError(str(_l("You cannot take this report.")))
    previous = report.owner
    report.owner_id = user.id
    report.taken_at = utcnow()
    if report.status is ConcernStatus.OPEN:
        report.status = ConcernStatus.IN_PROGRESS
    text = previous.email if previous is not None else ""
    _act(report, user, ActionKind.TAKEN, text)
    db.session.flush()


def add_action(report: ConcernReport, user: User, text: str) -> ConcernAction:
    """Add what was done to the timeline."""
    db.session.refresh(report, with_for_update=True)
    if not may_add_action(user, report):
        raise DomainError(str(_l("This report is closed.")))
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Say what was done.")), "text")
    if len(text) > TEXT_LENGTH:
        raise DomainError(str(_l("Use at most %(n)d characters.", n=TEXT_LENGTH)), "text")
    _act(report, user, ActionKind.NOTE, text)
    db.session.flush()
    return report.actions[-1]


def set_status(report: ConcernReport, user: User, status: Any) -> None:
    _manageable(report, user)
    try:
        status = ConcernStatus(status)
    except ValueError as error:
        raise DomainError(str(_l("Choose a status.")), "status") from error
    if status not in NEXT[report.status]:
        raise DomainError(
            str(_l("A report is closed with an outcome; use “Close the report”.")), "status"
        )
    report.status = status
    _act(report, user, ActionKind.STATUS, status.value)
    db.session.flush()


def set_follow_up(report: ConcernReport, user: User, day: date | None) -> None:
    """Set (or clear, with None) the day to look at the report again; its owner is reminded."""
    _manageable(report, user)
    today = compliance.local_today(report.cohort)
    if day is not None and not today <= day <= date(today.year + 2, 12, 31):
        raise DomainError(str(_l("Enter a date from today on, within two years.")), "follow_up_on")
    report.follow_up_on = day
    report.follow_up_reminded_on = None
    _act(report, user, ActionKind.FOLLOW_UP, day.isoformat() if day else "")
    db.session.flush()


def close(report: ConcernReport, user: User, outcome: str) -> None:
    """Close the report; the outcome is required."""
    _manageable(report, user)
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(str(_l("Write the outcome before closing the report.")), "outcome")
    if len(outcome) > TEXT_LENGTH:
        raise DomainError(str(_l("Use at most %(n)d characters.", n=TEXT_LENGTH)), "outcome")
    report.outcome = outcome
    report.status = ConcernStatus.CLOSED
    report.closed_at = utcnow()
    report.follow_up_on = None
    _act(report, user, ActionKind.CLOSED, outcome)
    db.session.flush()


def moved(report: ConcernReport, user: User, placement: Placement) -> None:
    """Link the placement the student was moved to, as the report's way out."""
    _manageable(report, user)
    if placement.enrolment_id != report.enrolment_id:
        raise DomainError(str(_l("This placement is not the report's student's.")))
    report.placement_id = placement.id
    _act(report, user, ActionKind.MOVE, str(placement.id))
    db.session.flush()


def awaiting_owner(user: User) -> list[ConcernReport]:
    """Alerting reports nobody has taken yet, the most severe first: what sits at the top of
    the dashboard. Safeguarding ones are listed to every coordinator (without details)."""
    alerting = sa.or_(
        ConcernReport.category == ConcernCategory.SAFEGUARDING,
        ConcernReport.severity != Severity.ROUTINE,
    )
    rows = db.session.scalars(
        sa.select(ConcernReport)
        .where(ConcernReport.owner_id.is_(None), ConcernReport.status != ConcernStatus.CLOSED)
        .where(alerting)
        .options(joinedload(ConcernReport.cohort))
        .order_by(ConcernReport.reported_at, ConcernReport.id)
    ).all()
    order = {Severity.EMERGENCY: 0, Severity.URGENT: 1, Severity.ROUTINE: 2}
    return sorted(rows, key=lambda r: (order[r.severity], r.reported_at))


def follow_ups_due(today: date) -> list[ConcernReport]:
    """Open reports whose follow-up day has come and whose owner was not reminded of it."""
    return list(
        db.session.scalars(
            sa.select(ConcernReport)
            .where(
                ConcernReport.status != ConcernStatus.CLOSED,
                ConcernReport.follow_up_on.is_not(None),
                ConcernReport.follow_up_on <= today,
                sa.or_(
                    ConcernReport.follow_up_reminded_on.is_(None),
                    ConcernReport.follow_up_reminded_on != ConcernReport.follow_up_on,
                ),
            )
            .order_by(ConcernReport.follow_up_on, ConcernReport.id)
        )
    )
