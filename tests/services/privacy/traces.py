"""Helpers of the privacy tests: search every text column of every table for a person, take a
snapshot of the whole database, walk a cohort to completed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, CohortStatus
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
