"""Alerts nobody can miss, sent by `flask care send-alerts` (safe to run every hour: what
went out is noted, so a second run sends nothing twice):

- students still unplaced a set number of weeks before their cohort leaves (a setting of
  the programme, 6 by default), listed on the dashboard and sent to coordinators weekly;
- a concern report's follow-up day, sent to its owner once.

The emails carry counts and links, never a student's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from app import kept
from app.database import days_before
from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    Cohort,
    CohortStatus,
    Enrolment,
    Placement,
    PlacementStatus,
    Programme,
    Student,
)
from app.models.base import utcnow
from app.services.mail import notifications, templates
from app.services.supervision import compliance, concerns

WEEKLY = timedelta(days=7)
BEFORE_DEPARTURE = (CohortStatus.PLANNING, CohortStatus.OPEN, CohortStatus.CLOSED)


@dataclass(frozen=True)
class Unplaced:
    """A cohort leaving soon and its students who still have no host family."""

    cohort: Cohort
    weeks_left: int
    enrolments: list[Enrolment]


def unplaced_soon(now: datetime | None = None) -> list[Unplaced]:
    """Cohorts leaving within their programme's alert weeks with students not yet placed,
    the next departure first. One statement; the cohorts far from leaving are left out in it
    (a day either side for the host area's time zone, judged exactly below)."""
    placed = sa.select(Placement.enrolment_id).where(Placement.status == PlacementStatus.ACTIVE)
    utc_today = (now or utcnow()).date()
    alert_starts = days_before(Cohort.departure_date, Programme.unplaced_alert_weeks * 7)
    rows = db.session.scalars(
        sa.select(Enrolment)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .join(Enrolment.student)
        .where(
            Cohort.status.in_(BEFORE_DEPARTURE),
            Enrolment.status.in_(HOLDS_PLACE),
            Enrolment.id.not_in(placed),
            Cohort.departure_date >= utc_today - timedelta(days=1),
            alert_starts <= utc_today + timedelta(days=1),
        )
        .options(
            contains_eager(Enrolment.student),
            contains_eager(Enrolment.cohort).contains_eager(Cohort.programme),
        )
        .order_by(Cohort.departure_date, Cohort.id, Student.last_name, Student.first_name)
    ).all()
    found: dict[int, Unplaced] = {}
    for enrolment in rows:
        cohort = enrolment.cohort
        today = compliance.local_today(cohort, now)
        days_left = (cohort.departure_date - today).days
        if days_left < 0 or days_left > cohort.programme.unplaced_alert_weeks * 7:
            continue
        if cohort.id not in found:
            found[cohort.id] = Unplaced(cohort, days_left // 7, [])
        found[cohort.id].enrolments.append(enrolment)
    return list(found.values())


@dataclass(frozen=True)
class Named:
    """What the dashboard's list shows of a cohort or a student: plain values, kept."""

    id: int
    name: str = ""
    departure_date: date | None = None
    full_name: str = ""


@dataclass(frozen=True)
class Listed:
    id: int  # the enrolment's
    student: Named


def unplaced_listed() -> list[Unplaced]:
    """unplaced_soon() as plain values for the dashboard, kept between requests while no
    enrolment, placement, cohort ... changed and the days where they live are the same
    (app/kept.py); its statement otherwise."""

    def listed() -> tuple[dict[str, date], list[Unplaced]]:
        found = unplaced_soon()
        days = {"UTC": compliance.today_in("UTC")}
        days.update({i.cohort.stay_timezone: compliance.local_today(i.cohort) for i in found})
        return days, [
            Unplaced(
                Named(i.cohort.id, i.cohort.name, i.cohort.departure_date),
                i.weeks_left,
                [
                    Listed(e.id, Named(e.student_id, full_name=e.student.full_name))
                    for e in i.enrolments
                ],
            )
            for i in found
        ]

    def same_days(found: tuple[dict[str, date], list[Unplaced]]) -> bool:
        return all(compliance.today_in(zone) == day for zone, day in found[0].items())

    return kept.value("unplaced_listed", listed, same_days)[1]


def send_unplaced(now: datetime | None, link: Callable[[Cohort], str]) -> int:
    """The weekly email to coordinators and admins, per programme with cohorts in the list;
    sent again after seven days at the earliest. How many emails were queued."""
    lists = unplaced_soon(now)
    by_programme: dict[int, list[Unplaced]] = {}
    for item in lists:
        by_programme.setdefault(item.cohort.programme_id, []).append(item)
    sent = 0
    for programme_id, items in by_programme.items():
        programme = db.session.get(Programme, programme_id, with_for_update=True)
        today = compliance.today_in(programme.partner_timezone, now)
        if programme.unplaced_alerted_on and today - programme.unplaced_alerted_on < WEEKLY:
            continue
        for member in notifications.staff():
            with notifications.in_language(member):
                lines = [
                    str(
                        _l(
                            "%(cohort)s leaves on %(day)s: %(count)d not placed yet. %(link)s",
                            cohort=item.cohort.name,
                            day=item.cohort.departure_date.isoformat(),
                            count=len(item.enrolments),
                            link=link(item.cohort),
                        )
                    )
                    for item in items
                ]
                values = {"weeks": programme.unplaced_alert_weeks, "lines": "\n".join(lines)}
                subject, body = templates.render("care.unplaced", templates.language(), values)
                notifications.queue(member.email, str(subject), str(body))
                sent += 1
        programme.unplaced_alerted_on = today
    db.session.flush()
    return sent


def send_follow_ups(now: datetime | None, link: concerns.Link) -> int:
    """Remind each owner of the reports whose follow-up day has come, once per day set."""
    sent = 0
    for report in concerns.follow_ups_due(compliance.today_in("UTC", now) + timedelta(days=1)):
        today = compliance.local_today(report.cohort, now)
        if report.follow_up_on > today:
            continue
        owner = report.owner
        if owner is None or not owner.active:
            continue  # not marked: whoever takes it is reminded on the next run
        report.follow_up_reminded_on = report.follow_up_on
        with notifications.in_language(owner):
            values = {
                "category": report.category.label,
                "cohort": report.cohort.name,
                "day": report.follow_up_on.isoformat(),
                "link": link(report.id),
            }
            subject, body = templates.render("concern.follow_up", templates.language(), values)
            notifications.queue(owner.email, str(subject), str(body))
        sent += 1
    db.session.flush()
    return sent


def follow_ups_waiting(today: date) -> int:
    """How many open reports are at or past their follow-up day (for the dashboard)."""
    from app.models import ConcernReport, ConcernStatus

    return db.session.scalar(
        sa.select(sa.func.count(ConcernReport.id)).where(
            ConcernReport.status != ConcernStatus.CLOSED,
            ConcernReport.follow_up_on.is_not(None),
            ConcernReport.follow_up_on <= today,
        )
    )


@dataclass(frozen=True)
class TemporaryStay:
    """A student living with a temporary family whose stay there ends soon or has ended."""

    placement: Placement
    ended: bool  # the end day has passed and the student still lives there


def temporary_ending(now: datetime | None = None, days: int = 7) -> list[TemporaryStay]:
    """Active temporary placements ending within `days` (in the host area) or past their end:
    somebody has to decide where the student lives next. One statement when there are none,
    else two."""
    from sqlalchemy.orm import joinedload

    from app.models import HostApplication, PlacementKind

    ending = (
        Placement.status == PlacementStatus.ACTIVE,
        Placement.kind == PlacementKind.TEMPORARY,
        Placement.ends_on <= compliance.today_in("UTC", now) + timedelta(days=days + 1),
    )
    # Mostly there are none: asked first without the joins (PostgreSQL takes longer to plan
    # the six joins than to find nothing).
    if db.session.scalar(sa.select(Placement.id).where(*ending).limit(1)) is None:
        return []
    rows = db.session.scalars(
        sa.select(Placement)
        .where(*ending)
        .options(
            joinedload(Placement.cohort).joinedload(Cohort.programme),
            joinedload(Placement.enrolment).joinedload(Enrolment.student),
            joinedload(Placement.application).joinedload(HostApplication.family),
        )
        .order_by(Placement.ends_on, Placement.id)
    ).all()
    found = []
    for placement in rows:
        today = compliance.local_today(placement.cohort, now)
        if placement.ends_on <= today + timedelta(days=days):
            found.append(TemporaryStay(placement, placement.ends_on < today))
    return found
