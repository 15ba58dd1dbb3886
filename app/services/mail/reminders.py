"""Reminders that run by themselves: `flask reminders send`, safe to run from cron every hour.

Each reminder is noted in sent_reminders (kind, the record it is about, the day it is for, the
recipient) BEFORE its email is queued, in a savepoint: the unique constraint lets only one of
two runs at once (or in a row) send it. The kinds, each switched on or off and timed by admins
(reminder_settings):

- documents still missing N days before a cohort's enrolment deadline, to the guardians and an
  adult student's own account; staff learn of students nobody can be emailed about:
  documents_reminder.send;
- a family's background check expiring before a cohort it would host returns: staff and family;
- an application draft untouched for N days: to the family, once per untouched stretch;
- contacts due (overdue or due within the week): to each teacher, once a week, with counts;
- follow-ups of concern reports: care_alerts.send_follow_ups (noted on the report itself);
- a student placed with a family (or moved to it), to the family once the placement has lasted
  until a run: placement_emails.send_placements.

Every email is an editable template (shipped_notices.py), written in the recipient's language.
The emails hold counts and links, never a student's health data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    ApplicationStatus,
    Cohort,
    CohortStatus,
    HostApplication,
    HostFamily,
    SentReminder,
    Teacher,
    User,
)
from app.models.families import application_cohorts
from app.services.mail import documents_reminder, notifications, placement_emails, templates
from app.services.mail import reminder_settings as rs
from app.services.mail.shipped_notices import day, students_or_families
from app.services.supervision import care_alerts, compliance

STILL_HOSTING = (
    ApplicationStatus.BACKGROUND_CLEARED,
    ApplicationStatus.HOME_VISITED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.BACKUP,
)


class Link(Protocol):
    """Absolute addresses for the emails (app/cli/reminders.py builds them)."""

    def cohort(self, cohort: Cohort) -> str: ...
    def report(self, report_id: int) -> str: ...
    def family(self) -> str: ...
    def teacher(self) -> str: ...


@dataclass
class Counts:
    """How many emails each kind queued in a run."""

    sent: dict[str, int] = field(default_factory=lambda: {k.name: 0 for k in rs.KINDS})

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _claim(kind: str, target: str, target_id: int, key: str, recipient: str) -> bool:
    """Note the reminder; False when it was sent before (or by a run at the same time)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                SentReminder(
                    kind=kind,
                    target_type=target,
                    target_id=target_id,
                    key=key,
                    recipient=recipient.lower(),
                )
            )
    except IntegrityError:
        return False
    return True


def _send(recipient: str, key: str, values: dict[str, object]) -> None:
    """Queue the email `key` (as an admin may have reworded it), written in the language
    being written in now (inside notifications.in_language…)."""
    subject, body = templates.render(key, templates.language(), values)
    notifications.queue(recipient, subject, body)


def send_background(now: datetime, link: Link) -> int:
    """Staff and the family, once per check's expiry day, from N days before it expires when
    it expires before a cohort the family would host returns."""
    ahead = rs.days(rs.BACKGROUND)
    today = compliance.today_in("UTC", now)
    rows = db.session.execute(
        sa.select(HostApplication, Cohort)
        .join(application_cohorts, application_cohorts.c.application_id == HostApplication.id)
        .join(Cohort, Cohort.id == application_cohorts.c.cohort_id)
        .where(
            HostApplication.status.in_(STILL_HOSTING),
            HostApplication.background_check_expires_on < Cohort.return_date,
            HostApplication.background_check_expires_on <= today + timedelta(days=ahead),
            Cohort.return_date >= today,
        )
        .options(joinedload(HostApplication.family).joinedload(HostFamily.user))
        .order_by(HostApplication.id, Cohort.return_date)
    ).all()
    sent = 0
    seen: set[int] = set()
    for application, cohort in rows:
        if application.id in seen:
            continue  # the first group to return is the one named
        seen.add(application.id)
        key = application.background_check_expires_on.isoformat()
        family_user = application.family.user
        recipients = [*notifications.staff(), family_user]
        for person in recipients:
            if not person.active or not _claim(
                "background", "application", application.id, key, person.email
            ):
                continue
            with notifications.in_language(person):
                values = {
                    "day": day(application.background_check_expires_on),
                    "cohort": cohort.name,
                    "returns": day(cohort.return_date),
                }
                if person.id == family_user.id:
                    values["link"] = link.family()
                    _send(person.email, "reminder.background_family", values)
                else:
                    values["family"] = application.family.family_name or "—"
                    values["link"] = link.cohort(cohort)
                    _send(person.email, "reminder.background_staff", values)
            sent += 1
    return sent


def send_drafts(now: datetime, link: Link) -> int:
    """The family, once per draft and untouched stretch (keyed by the day it was last
    changed), when it has been untouched for N days (and less than 60, so that purged notes
    of old reminders cannot send one again)."""
    untouched = timedelta(days=rs.days(rs.DRAFTS))
    drafts = db.session.scalars(
        sa.select(HostApplication)
        .where(
            HostApplication.status == ApplicationStatus.DRAFT,
            HostApplication.updated_at <= now - untouched,
            HostApplication.updated_at > now - timedelta(days=60),
        )
        .options(joinedload(HostApplication.family).joinedload(HostFamily.user))
        .order_by(HostApplication.id)
    ).all()
    sent = 0
    for application in drafts:
        user = application.family.user
        key = application.updated_at.date().isoformat()
        if not user.active or not _claim("drafts", "application", application.id, key, user.email):
            continue
        with notifications.in_language(user):
            _send(
                user.email,
                "reminder.draft",
                {"day": day(application.updated_at.date()), "link": link.family()},
            )
        sent += 1
    return sent


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_contacts(now: datetime, link: Link) -> int:
    """Each teacher with students or families overdue or due within the week, once a week."""
    cohorts = list(
        db.session.scalars(
            sa.select(Cohort)
            .where(Cohort.status == CohortStatus.TRAVELLING)
            .options(joinedload(Cohort.programme))
            .order_by(Cohort.id)
        )
    )
    due: dict[int, list[int]] = {}  # teacher id: [overdue, due within the week]
    for result in compliance.compliances(cohorts, now):
        for subject in result.subjects:
            if subject.teacher_id is None or not subject.standing.soon:
                continue
            counts = due.setdefault(subject.teacher_id, [0, 0])
            counts[0 if subject.standing.state is compliance.State.OVERDUE else 1] += 1
    if not due:
        return 0
    teachers = db.session.scalars(
        sa.select(Teacher).where(Teacher.id.in_(due)).options(joinedload(Teacher.user))
    ).all()
    key = _week(compliance.today_in("UTC", now))
    sent = 0
    for teacher in teachers:
        user: User = teacher.user
        if not user.active or not _claim("contacts", "teacher", teacher.id, key, user.email):
            continue
        overdue, soon = due[teacher.id]
        with notifications.in_language(user):
            values = {
                "overdue": students_or_families(overdue),
                "soon": students_or_families(soon),
                "link": link.teacher(),
            }
            _send(user.email, "reminder.contacts", values)
        sent += 1
    return sent


SENDERS: dict[str, Callable[[datetime, Link], int]] = {
    "documents": lambda now, link: documents_reminder.send(now, link.cohort, _claim, _send),
    "background": send_background,
    "drafts": send_drafts,
    "contacts": send_contacts,
    "follow_ups": lambda now, link: care_alerts.send_follow_ups(now, link.report),
    "placements": lambda now, link: placement_emails.send_placements(now, link, _claim),
}


def send_due(now: datetime, link: Link) -> Counts:
    """Send every reminder due at `now` (naive UTC) of the kinds switched on; note the run."""
    counts = Counts()
    for kind in rs.KINDS:
        if rs.enabled(kind):
            counts.sent[kind.name] = SENDERS[kind.name](now, link)
    rs.mark_run(now)
    db.session.flush()
    return counts
