"""Loading a record that a URL (or a form) names within what it belongs to: a consent of the
enrolment, a placement of the cohort, a teacher of the cohort. An unknown id and the id of
another parent's record get the same answer, 404: a URL cannot reach across parents, nor tell
which ids exist elsewhere."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort

from app.extensions import db

T = TypeVar("T")


def child_or_404(model: type[T], record_id: int | None, *within: Any, **parent_ids: int) -> T:
    """The record of this id that belongs to its parent, or 404. The parent is named by the
    record's columns (enrolment_id=enrolment.id) or by conditions on the record
    (HostApplication.cohorts.any(id=cohort.id)); one query either way."""
    query = sa.select(model).where(model.id == record_id, *within)  # type: ignore[attr-defined]
    return db.one_or_404(query.filter_by(**parent_ids))


def found_or_404(record: T | None) -> T:
    """A record a service looked for within what the person may see (their own cohort),
    or 404 when it found none: the same answer as for an id that does not exist."""
    if record is None:
        abort(404)
    return record
