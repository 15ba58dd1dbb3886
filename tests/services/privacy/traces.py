"""Helpers of the privacy tests: search every text column of every table for a person, take a
snapshot of the whole database, walk a cohort to completed, record contacts and concerns."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ActionKind,
    Cohort,
    CohortStatus,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    ConcernStatus,
    Contact,
    ContactMode,
    ContactWith,
    Enrolment,
    Severity,
    Wellbeing,
)
from app.services.enrolment import cohorts

TEXT_TYPES = (sa.String, sa.Text, sa.JSON)


def text_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every String, Text and JSON column of every table."""
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, TEXT_TYPES)
    ]


def traces(app, needles) -> list[str]:
    """'table.column ∋ needle' wherever a text column holds a needle, whatever the case."""
    needles = [n for n in needles if n]
    assert needles, "nothing to search for"
    found = []
    with app.app_context():
        for table, column in text_columns():
            value = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
            for needle in needles:
                hits = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(sa.func.lower(value).contains(needle.lower(), autoescape=True))
                )
                if hits:
                    found.append(f"{table.name}.{column.name} ∋ {needle}")
    return found


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, as text, sorted: equal snapshots mean nothing changed."""
    with app.app_context():
        return {
            table.name: sorted(
                tuple(str(v) for v in row) for row in db.session.execute(table.select()).all()
            )
            for table in db.metadata.sorted_tables
        }


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def complete(app, cohort_id: int, completed_at: datetime | None) -> None:
    """Walk the cohort to completed (from open) and set when that happened."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for status in (CohortStatus.CLOSED, CohortStatus.TRAVELLING, CohortStatus.COMPLETED):
            cohorts.set_status(cohort, status)
        cohort.completed_at = completed_at
        db.session.commit()


def add_contact(
    app,
    cohort_id: int,
    *,
    enrolment_id: int | None = None,
    application_id: int | None = None,
    notes: str = "",
    participants: str = "",
) -> int:
    """A contact with the student, the family, or both (when both are given)."""
    if enrolment_id and application_id:
        whom = ContactWith.BOTH
    else:
        whom = ContactWith.STUDENT if enrolment_id else ContactWith.FAMILY
    with app.app_context():
        contact = Contact(
            cohort_id=cohort_id,
            enrolment_id=enrolment_id,
            application_id=application_id,
            with_whom=whom,
            contacted_on=date(2027, 9, 15),
            mode=ContactMode.PHONE,
            participants=participants,
            wellbeing=None if whom is ContactWith.FAMILY else Wellbeing.SOME_CONCERNS,
            notes=notes,
        )
        db.session.add(contact)
        db.session.commit()
        return contact.id


def add_report(
    app,
    enrolment_id: int,
    *,
    what: str,
    action: str = "",
    category: ConcernCategory = ConcernCategory.HOMESICKNESS,
    born: date | None = None,
    reported_by_id: int | None = None,
    contact_id: int | None = None,
) -> int:
    """A concern report about the student with one action in its timeline; the student's name
    and birth date are copied onto it as the service does."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        report = ConcernReport(
            cohort_id=enrolment.cohort_id,
            enrolment_id=enrolment.id,
            student_name=enrolment.student.full_name,
            student_born=born,
            category=category,
            severity=Severity.URGENT,
            happened_on=date(2027, 9, 14),
            what_happened=what,
            action_taken=action,
            reported_by_id=reported_by_id,
            contact_id=contact_id,
            status=ConcernStatus.OPEN,
        )
        report.actions.append(ConcernAction(kind=ActionKind.REPORTED))
        report.actions.append(ConcernAction(kind=ActionKind.NOTE, text=action or "Called"))
        db.session.add(report)
        db.session.commit()
        return report.id
