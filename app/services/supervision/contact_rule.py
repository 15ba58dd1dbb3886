"""The contact rule of a programme (how often, the first contact, the alert before departure,
the two cities' time zones), and the counts of contacts due that the dashboard and the
teacher's page show for the cohorts whose stay is on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import kept
from app.extensions import db
from app.models import Cohort, CohortStatus, ContactPeriod, Programme
from app.models.base import utcnow
from app.services.supervision import compliance
from app.services.validation import Checker, whole_number

# The zones offered first in the form: the partner cities' and their neighbours'.
COMMON_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Europe/Paris",
    "Europe/Vienna",
    "Europe/Zurich",
)


def zones() -> list[str]:
    """Every IANA zone the server knows, the common ones first."""
    rest = sorted(z for z in available_timezones() if "/" in z and z not in COMMON_ZONES)
    return [*COMMON_ZONES, *rest]


def _zone(check: Checker, values: dict, field: str) -> None:
    value = values.get(field)
    try:
        if not isinstance(value, str) or "/" not in value:
            raise ValueError(value)
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        check.add(field, _l("Choose a time zone, e.g. Europe/Berlin or America/New_York."))


def _number(check: Checker, values: dict, field: str, low: int, high: int, message) -> int:
    try:
        return whole_number(values.get(field), low, high)
    except ValueError:
        check.add(field, message)
        return low


def save_rule(programme: Programme, values: dict) -> Programme:
    """Change the programme's contact rule; ValidationFailed lists every problem."""
    check = Checker()
    check.choice(values, "contact_period", ContactPeriod)
    first = _number(
        check, values, "contact_first_days", 1, 60, _l("Enter a number of days from 1 to 60.")
    )
    weeks = _number(
        check, values, "unplaced_alert_weeks", 1, 52, _l("Enter a number of weeks from 1 to 52.")
    )
    _zone(check, values, "home_timezone")
    _zone(check, values, "partner_timezone")
    check.raise_if_any()
    programme.contact_period = ContactPeriod(values["contact_period"])
    programme.contact_first_days = first
    programme.unplaced_alert_weeks = weeks
    programme.home_timezone = values["home_timezone"]
    programme.partner_timezone = values["partner_timezone"]
    db.session.flush()
    return programme


FINISHED = (CohortStatus.COMPLETED, CohortStatus.ARCHIVED)


def stay_is_on(cohort: Cohort, now: datetime | None = None) -> bool:
    """Travelling, or today (in the host area) within the stay, and not over."""
    if cohort.status in FINISHED:
        return False
    if cohort.status is CohortStatus.TRAVELLING:
        return True
    utc_today = (now or utcnow()).date()  # the host area's day is at most one day off
    if (
        not cohort.departure_date - timedelta(days=1)
        <= utc_today
        <= cohort.return_date + timedelta(days=1)
    ):
        return False
    today = compliance.local_today(cohort, now)
    return cohort.departure_date <= today <= cohort.return_date


@dataclass(frozen=True)
class Due:
    """A cohort's contacts waiting: overdue, due within the week (not yet overdue), and due
    later in the period (early in a month the monthly calls are not "this week" yet)."""

    cohort: Cohort | Named
    overdue: int
    due_this_week: int
    due_later: int = 0


def due(
    cohorts: list[Cohort], teacher_id: int | None = None, now: datetime | None = None
) -> list[Due]:
    """The counts of each cohort (of one teacher's students and families if given); three
    statements however many cohorts (their programmes loaded)."""
    chosen = False if teacher_id is None else teacher_id
    return [
        Due(
            cohort,
            tally[compliance.State.OVERDUE],
            tally["soon"] - tally[compliance.State.OVERDUE],
            tally[compliance.State.DUE] - (tally["soon"] - tally[compliance.State.OVERDUE]),
        )
        for cohort, tally in compliance.counts(cohorts, now, chosen)
    ]


@dataclass(frozen=True)
class Named:
    """A cohort as the dashboard's list links it (kept between requests: no ORM object)."""

    id: int
    name: str


def stays_on(now: datetime | None = None) -> list[Due]:
    """The cohorts whose stay is on, the next return first, with their counts: at most five
    statements, or one while nothing they are counted from changed (kept, app/kept.py) and
    the days in the host areas are the same."""
    if now is not None:
        return _stays_on(now)[1]
    return kept.value("contacts_due", lambda: _stays_on(None), _same_days)[1]


def _same_days(found: tuple[dict[str, date], list[Due]]) -> bool:
    return all(compliance.today_in(zone) == day for zone, day in found[0].items())


def _stays_on(now: datetime | None) -> tuple[dict[str, date], list[Due]]:
    """The days in the zones the counts were judged on (UTC: which cohorts were looked at),
    and the counts, the cohorts named."""
    today = (now or utcnow()).date()
    cohorts = db.session.scalars(
        sa.select(Cohort)
        .options(joinedload(Cohort.programme))
        .where(
            Cohort.status.not_in(FINISHED),
            (Cohort.status == CohortStatus.TRAVELLING)
            | (
                (Cohort.departure_date <= today + timedelta(days=1))
                & (Cohort.return_date >= today - timedelta(days=1))
            ),
        )
        .order_by(Cohort.return_date, Cohort.id)
    ).all()
    days = {"UTC": compliance.today_in("UTC", now)}
    days.update({c.stay_timezone: compliance.local_today(c, now) for c in cohorts})
    rows = due([cohort for cohort in cohorts if stay_is_on(cohort, now)], now=now)
    return days, [
        Due(Named(row.cohort.id, row.cohort.name), row.overdue, row.due_this_week, row.due_later)
        for row in rows
    ]
