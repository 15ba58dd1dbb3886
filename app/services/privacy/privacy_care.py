"""Personal data of the duty of care: contacts during the stay and concern reports with their
timeline. They go with the cohort's personal data and with the person erased, except
safeguarding reports (abuse or neglect): those are kept as written, detached from the
enrolment with the student's name and birth date on them, until the student reaches
`safeguarding_keep_until_age` (default 25): records of concerns about a child's safety are
commonly kept until then, so that a later allegation can be checked, and erasure does not apply
while keeping them is a legal obligation or needed for legal claims (GDPR art. 17(3)(b), (e)).

Used by privacy (deleting), privacy_purge (planning) and privacy_requests (exports). Only
flushes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    Contact,
    ContactWith,
    Enrolment,
    GroupMessage,
    MessageDelivery,
)
from app.services.privacy import settings
from app.services.privacy.rows import chunks, delete_rows, ids_of, row

SAFEGUARDING = ConcernReport.category == ConcernCategory.SAFEGUARDING
SAFEGUARDING_IDS = sa.select(ConcernReport.id).where(SAFEGUARDING)
# Rows whose free text the "[erased]" replacement may change: not safeguarding reports'.
KEPT_AS_WRITTEN = {
    ConcernReport: ~SAFEGUARDING,
    ConcernAction: ConcernAction.report_id.not_in(SAFEGUARDING_IDS),
}


# --- deleting -------------------------------------------------------------------------------


def report_ids(enrolment_ids: Iterable[int], safeguarding: bool) -> list[int]:
    """The concern reports about these enrolments: the safeguarding ones, or the others."""
    kind = SAFEGUARDING if safeguarding else ~SAFEGUARDING
    return ids_of(
        lambda chunk: sa.select(ConcernReport.id).where(
            ConcernReport.enrolment_id.in_(chunk), kind
        ),
        enrolment_ids,
    )


def delete_reports(ids: Iterable[int]) -> int:
    """Delete concern reports with their timeline."""
    ids = list(ids)
    delete_rows(ConcernAction, ConcernAction.report_id, ids)
    return delete_rows(ConcernReport, ConcernReport.id, ids)


def detach_reports(ids: Iterable[int]) -> int:
    """Keep these (safeguarding) reports without their links to the enrolment, the contact
    and the placement that are deleted: the student's name and birth date stay on them."""
    changed = 0
    for chunk in chunks(ids):
        changed += db.session.execute(
            sa.update(ConcernReport)
            .where(ConcernReport.id.in_(chunk))
            .values(enrolment_id=None, contact_id=None, placement_id=None)
        ).rowcount
    return changed


def delete_care(enrolment_ids: list[int]) -> None:
    """Contacts with and reports about these students: a contact with the student and the
    family stays as one with the family (without the student's wellbeing and the notes);
    safeguarding reports stay, detached."""
    delete_reports(report_ids(enrolment_ids, safeguarding=False))
    detach_reports(report_ids(enrolment_ids, safeguarding=True))
    for chunk in chunks(enrolment_ids):
        db.session.execute(
            sa.update(Contact)
            .where(Contact.enrolment_id.in_(chunk), Contact.with_whom == ContactWith.BOTH)
            .values(with_whom=ContactWith.FAMILY, enrolment_id=None, wellbeing=None, notes="")
        )
    delete_rows(Contact, Contact.enrolment_id, enrolment_ids)


def delete_family_contacts(application_ids: list[int]) -> None:
    """Contacts with these families: one with the student too stays as one with the student."""
    for chunk in chunks(application_ids):
        db.session.execute(
            sa.update(Contact)
            .where(Contact.application_id.in_(chunk), Contact.with_whom == ContactWith.BOTH)
            .values(with_whom=ContactWith.STUDENT, application_id=None)
        )
    delete_rows(Contact, Contact.application_id, application_ids)


# --- the purge ------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 28 February for 29 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def kept_until(report: ConcernReport, cohort: Cohort) -> date:
    """Until when a safeguarding report is kept: the student's birthday at the setting's age;
    without a birth date, as long after the cohort's completion as a student of 18 then would
    need to reach that age (7 years with the default of 25)."""
    age = settings.safeguarding_keep_until_age()
    if report.student_born is not None:
        return add_years(report.student_born, age)
    completed = cohort.completed_at.date() if cohort.completed_at else cohort.return_date
    return add_years(completed, age - 18)


def plan_purge(report: Any, cohort_ids: list[int]) -> None:
    """Add to the purge report the contacts and concern reports of the cohorts purged now, and
    the safeguarding reports of purged cohorts whose time has come; the other safeguarding
    reports of the cohorts purged now are kept (detached)."""
    if cohort_ids:
        report.contact_ids = list(
            db.session.scalars(sa.select(Contact.id).where(Contact.cohort_id.in_(cohort_ids)))
        )
        report.report_ids = list(
            db.session.scalars(
                sa.select(ConcernReport.id).where(
                    ConcernReport.cohort_id.in_(cohort_ids), ~SAFEGUARDING
                )
            )
        )
    purged = sa.or_(Cohort.purged_at.is_not(None), Cohort.id.in_(cohort_ids))
    rows = db.session.execute(
        sa.select(ConcernReport, Cohort)
        .join(Cohort, Cohort.id == ConcernReport.cohort_id)
        .where(SAFEGUARDING, purged)
        .order_by(ConcernReport.id)
    ).all()
    today = report.now.date()
    for found, cohort in rows:
        if kept_until(found, cohort) <= today:
            report.report_ids.append(found.id)
        elif cohort.id in cohort_ids:
            report.safeguarding_kept.append(found.id)


@dataclass(frozen=True)
class Held:
    """What the duty of care holds about a person, for the erasure page."""

    contacts: int
    reports: int
    safeguarding: int  # of the reports: kept when the student is erased


def held_for_student(enrolment_ids: list[int]) -> Held:
    contacts = db.session.scalar(
        sa.select(sa.func.count(Contact.id)).where(Contact.enrolment_id.in_(enrolment_ids))
    )
    reports = db.session.execute(
        sa.select(
            sa.func.count(ConcernReport.id), sa.func.count(ConcernReport.id).filter(SAFEGUARDING)
        ).where(ConcernReport.enrolment_id.in_(enrolment_ids))
    ).one()
    return Held(contacts or 0, reports[0] or 0, reports[1] or 0)


# --- exports --------------------------------------------------------------------------------

FAMILY_CONTACT_FIELDS = ("id", "cohort_id", "with_whom", "contacted_on", "mode", "participants")
FAMILY_SAFEGUARDING_FIELDS = (
    "id", "cohort_id", "category", "happened_on", "what_happened", "action_taken", "reported_at",
)  # fmt: skip


def _reports(condition: sa.ColumnElement[bool]) -> list[ConcernReport]:
    return list(
        db.session.scalars(sa.select(ConcernReport).where(condition).order_by(ConcernReport.id))
    )


def _report(report: ConcernReport) -> dict:
    return {**row(report), "actions": [row(a) for a in report.actions]}


def student_contacts(enrolment_ids: list[int]) -> list[dict]:
    """Every contact with the student, every field."""
    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.enrolment_id.in_(enrolment_ids))
        .order_by(Contact.contacted_on, Contact.id)
    )
    return [row(c) for c in contacts]


def student_reports(enrolment_ids: list[int]) -> list[ConcernReport]:
    """The concern reports about the student (those still linked to an enrolment)."""
    return _reports(ConcernReport.enrolment_id.in_(enrolment_ids))


def student_report_data(reports: list[ConcernReport]) -> list[dict]:
    return [_report(r) for r in reports]


def family_contacts(application_ids: list[int]) -> list[dict]:
    """Contacts with the family: the student only by id, without their wellbeing; the notes
    only of a contact with the family alone."""
    rows = db.session.execute(
        sa.select(Contact, Enrolment.student_id)
        .outerjoin(Enrolment, Enrolment.id == Contact.enrolment_id)
        .where(Contact.application_id.in_(application_ids))
        .order_by(Contact.contacted_on, Contact.id)
    ).all()
    found = []
    for contact, student_id in rows:
        item = {**row(contact, FAMILY_CONTACT_FIELDS), "student_id": student_id}
        if contact.with_whom is ContactWith.FAMILY:
            item["notes"] = contact.notes
        found.append(item)
    return found


def family_reports(user_id: int) -> list[dict]:
    """The reports the family made, the student only by the enrolment's id; of a safeguarding
    report (admins and its owner only) what the family wrote itself."""
    found = []
    for report in _reports(ConcernReport.reported_by_id == user_id):
        if report.category is ConcernCategory.SAFEGUARDING:
            found.append(row(report, FAMILY_SAFEGUARDING_FIELDS))
            continue
        item = _report(report)
        del item["student_name"], item["student_born"]
        found.append(item)
    return found


MESSAGE_DAYS = 365  # a message to no cohort (families in vetting) is kept a year


def delete_messages(cohort_ids: list[int], now: datetime) -> None:
    """The purge: group messages (with their delivery logs) of the cohorts purged now or
    before (one written to a purged cohort's teachers), and those to no cohort written over a
    year ago."""
    old = sa.and_(
        GroupMessage.cohort_id.is_(None),
        GroupMessage.created_at < now - timedelta(days=MESSAGE_DAYS),
    )
    purged = sa.select(Cohort.id).where(Cohort.purged_at.is_not(None))
    doomed = sa.select(GroupMessage.id).where(
        sa.or_(GroupMessage.cohort_id.in_(cohort_ids), GroupMessage.cohort_id.in_(purged), old)
    )
    db.session.execute(sa.delete(MessageDelivery).where(MessageDelivery.message_id.in_(doomed)))
    db.session.execute(sa.delete(GroupMessage).where(GroupMessage.id.in_(doomed)))
