"""Programmes and cohorts: creation, editing, status transitions and the overview figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import kept
from app.extensions import db
from app.models import Cohort, CohortStatus, Direction, Enrolment, EnrolmentStatus, Programme
from app.models.base import utcnow
from app.services.enrolment import enrolments
from app.services.errors import DomainError

C = CohortStatus
TRANSITIONS: dict[CohortStatus, tuple[CohortStatus, ...]] = {
    C.PLANNING: (C.OPEN,),
    C.OPEN: (C.CLOSED, C.PLANNING),
    C.CLOSED: (C.TRAVELLING, C.OPEN),
    C.TRAVELLING: (C.COMPLETED,),
    C.COMPLETED: (C.ARCHIVED,),
    C.ARCHIVED: (),
}
COHORT_FIELDS = (
    "programme_id",
    "name",
    "direction",
    "departure_date",
    "return_date",
    "enrolment_deadline",
    "places",
    "students_per_teacher",
)
DEFAULT_PROGRAMME = 0
BUFFALO = {
    "name": "Dortmund–Buffalo high-school programme",
    "home_city": "Dortmund",
    "partner_city": "Buffalo",
    "first_year": None,
}


def programmes() -> list[Programme]:
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.name)))


def ensure_default_programme() -> Programme:
    """The Buffalo high-school programme, created when no programme exists yet."""
    existing = db.session.scalar(sa.select(Programme).order_by(Programme.id).limit(1))
    if existing is not None:
        return existing
    programme = Programme(**BUFFALO)
    db.session.add(programme)
    db.session.flush()
    return programme


def _check(values: dict, cohort: Cohort | None = None) -> None:
    departure: date = values["departure_date"]
    returning: date = values["return_date"]
    deadline: date | None = values.get("enrolment_deadline")
    if returning <= departure:
        raise DomainError(str(_l("The return must be after the departure.")), "return_date")
    if deadline and deadline > departure:
        raise DomainError(
            str(_l("The enrolment deadline must be on or before departure.")),
            "enrolment_deadline",
        )
    if not 1 <= values["places"] <= 10000:
        raise DomainError(str(_l("Give between 1 and 10000 places.")), "places")
    if cohort is not None and values["places"] < cohort.places_taken:
        raise DomainError(
            ngettext(
                "%(num)d place is already taken; withdraw students before reducing the places.",
                "%(num)d places are already taken; withdraw students before reducing the places.",
                cohort.places_taken,
            ),
            "places",
        )
    if db.session.get(Programme, values["programme_id"]) is None:
        raise DomainError(str(_l("Choose a programme.")), "programme_id")
    same_name = sa.select(Cohort.id).where(
        Cohort.programme_id == values["programme_id"], Cohort.name == values["name"]
    )
    if cohort is not None:
        same_name = same_name.where(Cohort.id != cohort.id)
    if db.session.scalar(same_name):
        raise DomainError(str(_l("This programme already has a cohort of that name.")), "name")


def create_cohort(values: dict) -> Cohort:
    """Create a cohort in planning. programme_id DEFAULT_PROGRAMME means the Buffalo
    programme, created with the first cohort when no programme exists yet."""
    if values.get("programme_id") == DEFAULT_PROGRAMME:
        values = {**values, "programme_id": ensure_default_programme().id}
    _check(values)
    cohort = Cohort(**{key: values[key] for key in COHORT_FIELDS if key in values})
    cohort.direction = Direction(values.get("direction") or Direction.OUTBOUND)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(cohort: Cohort, values: dict) -> list[Enrolment]:
    """Edit a cohort; more places move waitlisted students up. Returns those promoted."""
    _check(values, cohort)
    for key in COHORT_FIELDS:
        if key in values:
            setattr(cohort, key, values[key])
    db.session.flush()
    return enrolments.fill_free_places(cohort)


def allowed_transitions(cohort: Cohort) -> tuple[CohortStatus, ...]:
    return TRANSITIONS[cohort.status]


def is_one_way(cohort: Cohort, new: CohortStatus | str) -> bool:
    """Whether the cohort could not come back to its present status after moving to `new`
    (closed → travelling, travelling → completed, completed → archived)."""
    new = CohortStatus(new)
    return new in TRANSITIONS[cohort.status] and cohort.status not in TRANSITIONS[new]


def set_status(cohort: Cohort, new: CohortStatus | str) -> None:
    """Move the cohort along planning → open → closed → travelling → completed → archived."""
    new = CohortStatus(new)
    if new not in TRANSITIONS[cohort.status]:
        raise DomainError(
            str(
                _l(
                    "A cohort cannot go from “%(old)s” to “%(new)s”.",
                    old=cohort.status.label,
                    new=new.label,
                )
            ),
            "status",
        )
    cohort.status = new
    if new == CohortStatus.COMPLETED:
        cohort.completed_at = utcnow()
    db.session.flush()


@dataclass(frozen=True)
class Counts:
    applied: int = 0
    accepted: int = 0
    waitlisted: int = 0
    withdrawn: int = 0
    completed: int = 0


def counts(cohort: Cohort) -> Counts:
    """How many enrolments the cohort has in each status."""
    return counts_of([cohort])[cohort.id]


def counts_of(cohorts: list[Cohort]) -> dict[int, Counts]:
    """How many enrolments each of the cohorts has in each status, in one query."""
    ids = [cohort.id for cohort in cohorts]
    found: dict[int, dict[str, int]] = {cohort_id: {} for cohort_id in ids}
    if ids:
        rows = db.session.execute(
            sa.select(Enrolment.cohort_id, Enrolment.status, sa.func.count(Enrolment.id))
            .where(Enrolment.cohort_id.in_(ids))
            .group_by(Enrolment.cohort_id, Enrolment.status)
        )
        for cohort_id, status, n in rows:
            found[cohort_id][EnrolmentStatus(status).value] = n
    return {cohort_id: Counts(**by_status) for cohort_id, by_status in found.items()}


@dataclass(frozen=True)
class HistoryPlace:
    number: int  # this is the number-th cohort on record ...
    since: int  # ... since the year of the first one on record
    programme_since: int | None  # the year the programme began, when known


def place_in_history(cohort: Cohort) -> HistoryPlace:
    """Where the cohort stands among its programme's cohorts in the same direction."""
    same_line = (Cohort.programme_id == cohort.programme_id) & (
        Cohort.direction == cohort.direction
    )
    before = (Cohort.departure_date < cohort.departure_date) | (
        (Cohort.departure_date == cohort.departure_date) & (Cohort.id < cohort.id)
    )
    earlier, first = db.session.execute(  # one statement: count() leaves out the NULLs
        sa.select(
            sa.func.count(sa.case((before, Cohort.id))), sa.func.min(Cohort.departure_date)
        ).where(same_line)
    ).one()
    return HistoryPlace(earlier + 1, first.year, cohort.programme.first_year)


def cohorts_query(statuses: tuple[CohortStatus, ...] | None = None) -> sa.Select:
    """Cohorts, newest departure first."""
    query = sa.select(Cohort).order_by(Cohort.departure_date.desc(), Cohort.id.desc())
    if statuses:
        query = query.where(Cohort.status.in_(statuses))
    return query


def list_cohorts(statuses: tuple[CohortStatus, ...] | None = None) -> list[Cohort]:
    return list(db.session.scalars(cohorts_query(statuses)))


@dataclass(frozen=True)
class CohortLine:
    """A cohort as the dashboard lists it: plain values (kept between requests)."""

    id: int
    name: str
    departure_date: date
    status: CohortStatus
    places_taken: int
    places: int


@dataclass(frozen=True)
class CohortOverview:
    cohort: CohortLine
    waitlisted: int
    missing_documents: int


ACTIVE_STATUSES = (C.PLANNING, C.OPEN, C.CLOSED, C.TRAVELLING)


def overview(statuses: tuple[CohortStatus, ...] = ACTIVE_STATUSES) -> list[CohortOverview]:
    """Cohorts with their waitlist length and missing documents, in three queries; the
    current ones kept between requests while nothing they are counted from changed
    (app/kept.py): the same list then, unchanged."""
    if statuses != ACTIVE_STATUSES:
        return _overview(statuses)
    return kept.value("cohort_overview", lambda: _overview(statuses))


def _overview(statuses: tuple[CohortStatus, ...]) -> list[CohortOverview]:
    from app.services.enrolment.documents import lacks_documents

    rows = list_cohorts(statuses)
    ids = [cohort.id for cohort in rows]
    waitlisted = dict(
        db.session.execute(
            sa.select(Enrolment.cohort_id, sa.func.count(Enrolment.id))
            .where(Enrolment.cohort_id.in_(ids), Enrolment.status == EnrolmentStatus.WAITLISTED)
            .group_by(Enrolment.cohort_id)
        ).all()
    )
    missing = dict(
        db.session.execute(
            sa.select(Enrolment.cohort_id, sa.func.count(Enrolment.id))
            .where(Enrolment.cohort_id.in_(ids), lacks_documents())
            .group_by(Enrolment.cohort_id)
        ).all()
    )
    return [
        CohortOverview(
            CohortLine(c.id, c.name, c.departure_date, c.status, c.places_taken, c.places),
            waitlisted.get(c.id, 0),
            missing.get(c.id, 0),
        )
        for c in rows
    ]


def filter_choices(selected: int | None = None) -> list[sa.Row]:
    """The cohorts a list's filter offers, as rows of id and name: every cohort but the
    archived ones (a national organisation has thousands of those), and the one already
    chosen, e.g. through a link from an archived cohort's page."""
    query = sa.select(Cohort.id, Cohort.name).where(
        sa.or_(Cohort.status != C.ARCHIVED, Cohort.id == (selected or 0))
    )
    return list(db.session.execute(query.order_by(Cohort.departure_date.desc(), Cohort.id.desc())))
