"""The alerts before and during the stay, with a frozen clock: students still unplaced in the
programme's weeks before departure (listed, and emailed weekly), and a concern report's
follow-up day (its owner reminded once, on the day where the students live)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

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
    Enrolment,
    OutboxEmail,
    Programme,
    Severity,
    User,
)
from app.services.enrolment import cohorts, enrolments
from app.services.supervision import care_alerts
from tests.conftest import make_user
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place

NOW = datetime(2027, 3, 1, 12, 0)  # naive UTC, as the application keeps it
TODAY = NOW.date()


def _cohort(app, name: str, leaves: date, **extra) -> int:
    return make_cohort(
        app, name=name, departure_date=leaves, return_date=leaves + timedelta(days=21), **extra
    )


def _student(app, cohort: int, last: str) -> int:
    return enrol(app, make_student(app, first_name="Kim", last_name=last), cohort)


def _travelling(app, cohort_id: int) -> None:
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for status in (CohortStatus.CLOSED, CohortStatus.TRAVELLING):
            cohorts.set_status(cohort, status)
        db.session.commit()


def _names(found) -> list[tuple[str, int, list[str]]]:
    return [
        (i.cohort.name, i.weeks_left, [e.student.last_name for e in i.enrolments]) for i in found
    ]


def test_unplaced_soon_lists_who_still_needs_a_family_within_the_weeks(app):
    first = _cohort(app, "First", TODAY + timedelta(days=6 * 7))  # the last day of the 6 weeks
    _student(app, first, "Zeh")
    _student(app, first, "Abel")
    placed = _student(app, first, "Platz")
    place(app, placed, make_approved_family(app, [first]))
    waiting = _student(app, first, "Warte")
    soon = _cohort(app, "Soon", TODAY + timedelta(days=3))
    _student(app, soon, "Bald")
    _student(app, _cohort(app, "Too early", TODAY + timedelta(days=6 * 7 + 1)), "Frueh")
    gone = _cohort(app, "Gone", TODAY - timedelta(days=1))
    _student(app, gone, "Weg")
    _travelling(app, gone)
    with app.app_context():
        enrolment = db.session.get(Enrolment, waiting)
        enrolments.withdraw(enrolment)  # holds no place any more
        db.session.commit()
        assert _names(care_alerts.unplaced_soon(NOW)) == [
            ("Soon", 0, ["Bald"]),
            ("First", 6, ["Abel", "Zeh"]),
        ]


def test_the_weeks_are_the_programmes_setting(app):
    _student(app, _cohort(app, "Nine weeks", TODAY + timedelta(days=60)), "Neun")
    with app.app_context():
        assert care_alerts.unplaced_soon(NOW) == []
        db.session.scalar(sa.select(Programme)).unplaced_alert_weeks = 9
        db.session.commit()
        assert _names(care_alerts.unplaced_soon(NOW)) == [("Nine weeks", 8, ["Neun"])]


def _staff(app) -> None:
    make_user(app, "coordinator@example.org", "coordinator")
    make_user(app, "admin@example.org", "admin")
    make_user(app, "gone@example.org", "coordinator", active=False)
    make_user(app, "teacher@example.org", "teacher")


def _mail(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.subject.contains("host family"))
        ).all()
        db.session.expunge_all()
        return list(rows)


def _send_unplaced(app, now: datetime) -> int:
    with app.app_context():
        sent = care_alerts.send_unplaced(now, lambda cohort: f"https://x.test/c/{cohort.id}")
        db.session.commit()
        return sent


def test_the_unplaced_email_goes_to_active_staff_once_a_week(app):
    _staff(app)
    cohort = _cohort(app, "Soon", TODAY + timedelta(days=20))
    _student(app, cohort, "Ohnefamilie")
    assert _send_unplaced(app, NOW) == 2
    emails = _mail(app)
    assert sorted(e.recipient for e in emails) == ["admin@example.org", "coordinator@example.org"]
    assert f"Soon leaves on {TODAY + timedelta(days=20)}: 1 not placed yet." in emails[0].body
    assert f"https://x.test/c/{cohort}" in emails[0].body
    assert "Ohnefamilie" not in emails[0].body
    with app.app_context():
        assert db.session.scalar(sa.select(Programme)).unplaced_alerted_on == TODAY
    assert _send_unplaced(app, NOW + timedelta(hours=5)) == 0
    assert _send_unplaced(app, NOW + timedelta(days=6, hours=11)) == 0
    assert _send_unplaced(app, NOW + timedelta(days=7)) == 2
    assert len(_mail(app)) == 4


def test_no_unplaced_email_while_the_list_is_empty(app):
    _staff(app)
    _student(app, _cohort(app, "Later", TODAY + timedelta(days=80)), "Spaet")
    assert _send_unplaced(app, NOW) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(Programme)).unplaced_alerted_on is None


def _report(app, enrolment_id: int, owner: int | None, follow_up_on: date, **extra) -> int:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        report = ConcernReport(
            cohort_id=enrolment.cohort_id,
            enrolment_id=enrolment.id,
            student_name=enrolment.student.full_name,
            category=ConcernCategory.SCHOOL,
            severity=Severity.ROUTINE,
            happened_on=TODAY - timedelta(days=3),
            what_happened="Missed school twice.",
            owner_id=owner,
            taken_at=NOW if owner else None,
            status=ConcernStatus.IN_PROGRESS if owner else ConcernStatus.OPEN,
            follow_up_on=follow_up_on,
            **extra,
        )
        report.actions.append(ConcernAction(kind=ActionKind.REPORTED))
        db.session.add(report)
        db.session.commit()
        return report.id


def _send_follow_ups(app, now: datetime) -> int:
    with app.app_context():
        sent = care_alerts.send_follow_ups(now, lambda report_id: f"https://x.test/r/{report_id}")
        db.session.commit()
        return sent


def _reminders(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.subject.contains("follow-up"))
        ).all()
        db.session.expunge_all()
        return list(rows)


def test_the_follow_up_reminder_goes_on_the_day_where_the_students_live(app):
    owner = make_user(app, "owner@example.org", "coordinator")
    cohort = _cohort(app, "Travelling", TODAY - timedelta(days=10))
    enrolment = _student(app, cohort, "Gemeldet")
    _travelling(app, cohort)
    report = _report(app, enrolment, owner, TODAY)
    # 03:00 UTC is still yesterday evening in Buffalo: not yet.
    assert _send_follow_ups(app, datetime(2027, 3, 1, 3, 0)) == 0
    assert _send_follow_ups(app, datetime(2027, 3, 1, 6, 0)) == 1  # 01:00 in Buffalo
    (email,) = _reminders(app)
    assert email.recipient == "owner@example.org"
    assert f"https://x.test/r/{report}" in email.body and "Travelling" in email.body
    assert "Gemeldet" not in email.body
    assert _send_follow_ups(app, NOW) == 0  # once
    assert _send_follow_ups(app, NOW + timedelta(days=3)) == 0
    with app.app_context():
        found = db.session.get(ConcernReport, report)
        assert found.follow_up_reminded_on == TODAY
        found.follow_up_on = TODAY + timedelta(days=7)  # a new day: a new reminder
        db.session.commit()
    assert _send_follow_ups(app, NOW + timedelta(days=7)) == 1
    assert len(_reminders(app)) == 2


def test_no_reminder_for_a_closed_report_or_an_owner_who_left(app):
    owner = make_user(app, "owner@example.org", "coordinator")
    cohort = _cohort(app, "Travelling", TODAY - timedelta(days=10))
    enrolment = _student(app, cohort, "Gemeldet")
    _travelling(app, cohort)
    closed = _report(app, enrolment, owner, TODAY)
    with app.app_context():
        found = db.session.get(ConcernReport, closed)
        found.status, found.outcome, found.closed_at = ConcernStatus.CLOSED, "Solved.", NOW
        db.session.commit()
    left = make_user(app, "left@example.org", "coordinator")
    _report(app, enrolment, left, TODAY)
    with app.app_context():
        db.session.get(User, left).active = False
        db.session.commit()
        assert care_alerts.follow_ups_waiting(TODAY) == 1  # the one whose owner left
    assert _send_follow_ups(app, NOW) == 0
    assert _reminders(app) == []
