"""The retention purge: a cohort's personal data goes `retention_months` after its completion,
leaving anonymous statistics; host families inactive for `family_inactive_months` go once every
cohort they applied for is purged; a cohort's contacts and concern reports go with it, except
safeguarding reports, kept (detached from the enrolment) until the student is
`safeguarding_keep_until_age`; stale uploads, old emails, emailed links that no longer
work and attempts the limits on passwords no longer count go too. Safe to run daily:
what is purged is marked, so a second run finds nothing more.

purge() plans first (ids only) and, unless it is a dry run, deletes what it planned; the report
is the same in both cases. Only flushes: the command commits."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    AccountLink,
    Attempt,
    Cohort,
    CohortStatistics,
    CohortStatus,
    Contact,
    Enrolment,
    HostApplication,
    HostFamily,
    ImportBatch,
    ImportStatus,
    OutboxEmail,
    Placement,
    PlacementStatus,
    SentReminder,
    Student,
    User,
)
from app.models.families import application_cohorts
from app.services.identity import limits
from app.services.privacy import (
    audit,
    privacy,
    privacy_care,
    privacy_guardians,
    privacy_jobs,
    settings,
)
from app.services.privacy.privacy_report import CohortLine, PurgeReport

FINISHED = (CohortStatus.COMPLETED, CohortStatus.ARCHIVED)
PENDING_IMPORT_DAYS = 30
EMAIL_DAYS = 90


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier); the month's last day when shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def purge_due(cohort: Cohort, months: int | None = None) -> datetime:
    """When the cohort's personal data is due for deletion (completion, else return, + months)."""
    start = cohort.completed_at or datetime.combine(cohort.return_date, time())
    return add_months(start, settings.retention_months() if months is None else months)


def _unpurged_finished() -> list[Cohort]:
    return list(
        db.session.scalars(
            sa.select(Cohort).where(Cohort.status.in_(FINISHED), Cohort.purged_at.is_(None))
        )
    )


def due_cohorts(now: datetime) -> list[tuple[Cohort, datetime]]:
    """Finished cohorts not purged yet whose retention has run out, oldest first."""
    months = settings.retention_months()
    found = [(c, purge_due(c, months)) for c in _unpurged_finished()]
    return sorted([(c, due) for c, due in found if due <= now], key=lambda pair: pair[1])


def upcoming_cohorts(now: datetime) -> list[tuple[Cohort, datetime]]:
    """Finished cohorts whose retention still runs, with the date each will be purged."""
    months = settings.retention_months()
    found = [(c, purge_due(c, months)) for c in _unpurged_finished()]
    return sorted([(c, due) for c, due in found if due > now], key=lambda pair: pair[1])


def _cohort_line(cohort: Cohort, due: datetime, enrolment_ids: list[int]) -> CohortLine:
    students = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE)
        )
    )
    return CohortLine(cohort.id, cohort.name, due, students or 0, len(enrolment_ids))


def _plan_cohorts(report: PurgeReport) -> list[int]:
    """Add the due cohorts, their enrolments and the students left with none; their ids."""
    cohort_ids = []
    for cohort, due in due_cohorts(report.now):
        ids = list(
            db.session.scalars(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id))
        )
        report.cohorts.append(_cohort_line(cohort, due, ids))
        report.enrolment_ids.extend(ids)
        cohort_ids.append(cohort.id)
    if cohort_ids:
        enrolled = sa.select(Enrolment.student_id).where(Enrolment.cohort_id.in_(cohort_ids))
        elsewhere = sa.select(Enrolment.student_id).where(Enrolment.cohort_id.not_in(cohort_ids))
        report.student_ids = list(
            db.session.scalars(
                sa.select(Student.id).where(Student.id.in_(enrolled), Student.id.not_in(elsewhere))
            )
        )
    report.student_ids.extend(_never_enrolled(report.now))
    return cohort_ids


def _never_enrolled(now: datetime) -> list[int]:
    """Students recorded longer than the retention period ago who hold no enrolment at all."""
    cutoff = add_months(now, -settings.retention_months())
    enrolled = sa.exists().where(Enrolment.student_id == Student.id)
    query = sa.select(Student.id).where(~enrolled, Student.created_at <= cutoff)
    return list(db.session.scalars(query.order_by(Student.id)))


def _plan_families(report: PurgeReport, cohort_ids: list[int]) -> None:
    """Add families inactive for long whose every cohort is purged (or being purged now)."""
    cutoff = add_months(report.now, -settings.family_inactive_months())
    live_cohorts = sa.select(Cohort.id).where(
        Cohort.purged_at.is_(None), Cohort.id.not_in(cohort_ids)
    )
    live = sa.union(
        sa.select(application_cohorts.c.application_id).where(
            application_cohorts.c.cohort_id.in_(live_cohorts)
        ),
        sa.select(Placement.application_id).where(Placement.cohort_id.not_in(cohort_ids)),
    )
    busy = sa.select(HostApplication.family_id).where(HostApplication.id.in_(live))
    rows = db.session.execute(
        sa.select(HostFamily.id, HostFamily.user_id)
        .join(User, User.id == HostFamily.user_id)
        .where(
            HostFamily.last_active_at < cutoff,
            sa.or_(User.last_login_at.is_(None), User.last_login_at < cutoff),
            HostFamily.id.not_in(busy),
        )
    ).all()
    report.family_ids = [family_id for family_id, _user in rows]
    report.user_ids = [user_id for _family, user_id in rows]
    report.application_ids, _users = privacy.family_parts(report.family_ids)


def _plan_leftovers(report: PurgeReport, cohort_ids: list[int]) -> None:
    """Add uploads of purged cohorts, stale or long-finished uploads, and old emails."""
    finished_before = add_months(report.now, -settings.retention_months())
    report.batch_ids = list(
        db.session.scalars(
            sa.select(ImportBatch.id).where(
                sa.or_(
                    ImportBatch.cohort_id.in_(cohort_ids),
                    sa.and_(
                        ImportBatch.status == ImportStatus.PENDING,
                        ImportBatch.uploaded_at < report.now - timedelta(days=PENDING_IMPORT_DAYS),
                    ),
                    sa.and_(
                        ImportBatch.cohort_id.is_(None), ImportBatch.finished_at < finished_before
                    ),
                )
            )
        )
    )
    report.email_ids = list(
        db.session.scalars(
            sa.select(OutboxEmail.id).where(
                OutboxEmail.created_at < report.now - timedelta(days=EMAIL_DAYS)
            )
        )
    )
    # Links that no longer work, and attempts no limit counts any more.
    report.link_ids = list(
        db.session.scalars(
            sa.select(AccountLink.id).where(
                sa.or_(AccountLink.expires_at < report.now, AccountLink.used_at.is_not(None))
            )
        )
    )
    report.attempt_ids = list(db.session.scalars(limits.stale_attempts(report.now)))


def statistics(cohort: Cohort) -> CohortStatistics:
    """The cohort's anonymous statistics: year, students who held a place, families, schools."""
    schools = Counter(
        dict(
            db.session.execute(
                sa.select(Student.school, sa.func.count(Enrolment.id))
                .join(Enrolment, Enrolment.student_id == Student.id)
                .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE))
                .group_by(Student.school)
            ).all()
        )
    )
    families = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(HostApplication.family_id)))
        .join(Placement, Placement.application_id == HostApplication.id)
        .where(Placement.cohort_id == cohort.id, Placement.status == PlacementStatus.ACTIVE)
    )
    return CohortStatistics(
        cohort_id=cohort.id,
        year=cohort.departure_date.year,
        students=sum(schools.values()),
        families=families or 0,
        schools=dict(sorted(schools.items())),
    )


def _close_cohort(cohort: Cohort, now: datetime) -> None:
    """Keep the statistics and mark the cohort purged, its counters back to zero."""
    if db.session.get(CohortStatistics, cohort.id) is None:
        db.session.add(statistics(cohort))
        db.session.flush()
    db.session.execute(
        sa.update(application_cohorts)
        .where(application_cohorts.c.cohort_id == cohort.id)
        .values(beds_taken=0)
    )
    cohort.places_taken = 0
    cohort.waitlist_counter = 0
    cohort.purged_at = now


def _carry_out(report: PurgeReport) -> None:
    for line in report.cohorts:
        _close_cohort(db.session.get(Cohort, line.cohort_id), report.now)
    privacy_care.delete_reports(report.report_ids)
    privacy_care.detach_reports(report.safeguarding_kept)
    privacy.delete_rows(Contact, Contact.id, report.contact_ids)
    privacy.delete_enrolments(report.enrolment_ids)
    privacy.delete_students(report.student_ids)
    privacy.delete_families(report.family_ids)
    privacy.delete_rows(ImportBatch, ImportBatch.id, report.batch_ids)
    privacy.delete_rows(OutboxEmail, OutboxEmail.id, report.email_ids)
    privacy.delete_rows(AccountLink, AccountLink.id, report.link_ids)
    privacy.delete_rows(Attempt, Attempt.id, report.attempt_ids)
    privacy_jobs.purge(report)
    report.audit_entries = audit.scrub(
        {
            "student": report.student_ids,
            "enrolment": report.enrolment_ids,
            "family": report.family_ids,
            "application": report.application_ids,
            "user": report.user_ids,
            "concern_report": report.report_ids,
        },
        report.user_ids,
    )
    db.session.flush()


def purge(now: datetime, dry_run: bool = False) -> PurgeReport:
    """Delete (or, in a dry run, list) what is past its retention; see the module's text."""
    report = PurgeReport(now=now, dry_run=dry_run)
    cohort_ids = _plan_cohorts(report)
    privacy_care.plan_purge(report, cohort_ids)
    _plan_families(report, cohort_ids)
    _plan_leftovers(report, cohort_ids)
    privacy_jobs.plan_purge(report)
    if not dry_run:
        privacy_guardians.end_expired(now)  # sessions, old invitations: nothing to report
        db.session.execute(  # notes of reminders sent over 90 days ago: nothing to report
            sa.delete(SentReminder).where(SentReminder.sent_at < now - timedelta(days=EMAIL_DAYS))
        )
        privacy_care.delete_messages(cohort_ids, now)  # with the cohort, or after a year
    if dry_run or report.empty:
        return report
    with audit.quiet():
        _carry_out(report)
    audit.record("privacy.purged", details=report.counts())
    return report
