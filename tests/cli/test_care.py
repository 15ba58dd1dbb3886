"""`flask care send-alerts`, run as cron runs it: emails to a real SMTP server, each sent once,
in the reader's language, with counts and links and never a student's name."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.cli import care as care_cli
from app.extensions import db
from app.models import (
    ActionKind,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    ConcernStatus,
    Enrolment,
    Severity,
    User,
)
from app.models.base import utcnow
from app.services.mail import notifications
from tests.conftest import make_user
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place
from tests.services.mail.test_email_delivery import MailServer

NAMES = ["Unplatziert", "Ohnefamilie", "Gutversorgt", "Spaetabreise", "Gemeldet"]


class Clock:
    """The command's clock, moved by the test."""

    def __init__(self, monkeypatch) -> None:
        self.now = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
        monkeypatch.setattr(care_cli, "utcnow", lambda: self.now)

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app_factory, mail_server):
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def _outbox_emptied(app, mail_server) -> None:
    """Send what the setting up queued (a family's approval...) and forget it."""
    with app.app_context():
        notifications.deliver_pending(limit=500)
    mail_server.inbox.messages.clear()


def _staff(app) -> dict[str, int]:
    coordinator = make_user(app, "koordination@example.org", "coordinator")
    admin = make_user(app, "admin@example.org", "admin")
    teacher = make_user(app, "teacher@example.org", "teacher")
    with app.app_context():
        db.session.get(User, coordinator).locale = "de"
        db.session.get(User, admin).locale = "en"
        db.session.commit()
    return {"coordinator": coordinator, "admin": admin, "teacher": teacher}


def _unplaced_world(app) -> dict:
    """A cohort leaving in 20 days with two students unplaced and one placed; another leaving
    in 80 days (after the 6 weeks) with one unplaced."""
    soon = date.today() + timedelta(days=20)
    cohort = make_cohort(
        app, name="Buffalo soon", departure_date=soon, return_date=soon + timedelta(days=21)
    )
    later_day = date.today() + timedelta(days=80)
    later = make_cohort(
        app, name="Buffalo later", departure_date=later_day,
        return_date=later_day + timedelta(days=21),
    )  # fmt: skip
    for last in ("Unplatziert", "Ohnefamilie"):
        enrol(app, make_student(app, first_name="Ina", last_name=last), cohort)
    placed = enrol(app, make_student(app, first_name="Gert", last_name="Gutversorgt"), cohort)
    place(app, placed, make_approved_family(app, [cohort], family_name="Gastfreund"))
    enrol(app, make_student(app, first_name="Sepp", last_name="Spaetabreise"), later)
    return {"cohort": cohort, "later": later}


def _emails(mail_server) -> list:
    return list(mail_server.inbox.messages)


def _no_names(messages) -> None:
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert [name for name in NAMES if name in text] == [], text


def _run(runner):
    result = runner.invoke(args=["care", "send-alerts"])
    assert result.exit_code == 0, result.output
    return result


def test_the_unplaced_list_goes_weekly_to_each_coordinator_and_admin_in_their_language(
    smtp_app,
    mail_server,
    clock,
):
    _staff(smtp_app)
    world = _unplaced_world(smtp_app)
    _outbox_emptied(smtp_app, mail_server)
    runner = smtp_app.test_cli_runner()

    first = _run(runner)
    assert "Queued 2 email(s) about students without a host family" in first.output
    assert "Sent 2 email(s); 0 could not be sent" in first.output
    messages = _emails(mail_server)
    assert sorted(m.recipients[0] for m in messages) == [
        "admin@example.org",
        "koordination@example.org",
    ]  # the teacher gets none
    german = mail_server.inbox.to("koordination@example.org")[0]
    english = mail_server.inbox.to("admin@example.org")[0]
    assert german.subject == "Schülerinnen und Schüler ohne Gastfamilie vor der Abreise"
    assert english.subject == "Students without a host family before departure"
    assert "Buffalo soon" in english.body and ": 2 not placed yet." in english.body
    assert f"http://localhost:5000/cohorts/{world['cohort']}" in english.body
    assert "Buffalo later" not in english.body  # leaves after the 6 weeks
    assert ": 2 noch nicht untergebracht." in german.body
    _no_names(messages)

    second = _run(runner)  # an hour later, the same day
    assert "Queued 0 email(s)" in second.output
    assert len(_emails(mail_server)) == 2

    clock.days(6)
    _run(runner)
    assert len(_emails(mail_server)) == 2  # not a week yet
    clock.days(1)
    _run(runner)
    assert len(_emails(mail_server)) == 4  # a week later, again
    _no_names(_emails(mail_server))


def test_nothing_goes_when_every_student_leaving_soon_is_placed(smtp_app, mail_server, clock):
    _staff(smtp_app)
    soon = date.today() + timedelta(days=10)
    cohort = make_cohort(smtp_app, departure_date=soon, return_date=soon + timedelta(days=14))
    placed = enrol(smtp_app, make_student(smtp_app, last_name="Gutversorgt"), cohort)
    place(smtp_app, placed, make_approved_family(smtp_app, [cohort]))
    _outbox_emptied(smtp_app, mail_server)
    result = _run(smtp_app.test_cli_runner())
    assert "Queued 0 email(s)" in result.output and "Sent" not in result.output
    assert _emails(mail_server) == []


def _report(app, enrolment_id: int, owner_id: int, follow_up_on: date) -> int:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        report = ConcernReport(
            cohort_id=enrolment.cohort_id,
            enrolment_id=enrolment.id,
            student_name=enrolment.student.full_name,
            student_born=enrolment.student.date_of_birth,
            category=ConcernCategory.HOMESICKNESS,
            severity=Severity.ROUTINE,
            happened_on=date.today(),
            what_happened="Gemeldet misses home.",
            status=ConcernStatus.IN_PROGRESS,
            owner_id=owner_id,
            taken_at=datetime(2026, 1, 1),
            follow_up_on=follow_up_on,
        )
        report.actions.append(ConcernAction(kind=ActionKind.REPORTED))
        db.session.add(report)
        db.session.commit()
        return report.id


def test_the_follow_up_reminder_goes_to_the_owner_once(smtp_app, mail_server, clock):
    people = _staff(smtp_app)
    cohort = make_cohort(smtp_app, name="Buffalo now")
    enrolment = enrol(smtp_app, make_student(smtp_app, last_name="Gemeldet"), cohort)
    report = _report(smtp_app, enrolment, people["coordinator"], date.today() + timedelta(days=2))
    _outbox_emptied(smtp_app, mail_server)
    runner = smtp_app.test_cli_runner()

    assert "and 0 follow-up reminder(s)" in _run(runner).output  # not due yet
    clock.days(2)
    result = _run(runner)
    assert "and 1 follow-up reminder(s)" in result.output
    (reminder,) = _emails(mail_server)
    assert reminder.recipients == ["koordination@example.org"]
    assert reminder.subject == "Eine Meldung ist zur Wiedervorlage fällig"
    assert f"http://localhost:5000/care/concerns/{report}" in reminder.body
    assert "Buffalo now" in reminder.body
    _no_names([reminder])

    clock.days(1)
    assert "and 0 follow-up reminder(s)" in _run(runner).output
    assert len(_emails(mail_server)) == 1
    with smtp_app.app_context():
        found = db.session.get(ConcernReport, report)
        assert found.follow_up_reminded_on == found.follow_up_on
        found.follow_up_on = date.today() + timedelta(days=5)  # the owner sets a new day
        db.session.commit()
    clock.days(2)
    assert "and 1 follow-up reminder(s)" in _run(runner).output


def test_links_start_with_the_application_url(app_factory, monkeypatch):
    app = app_factory(APPLICATION_URL="https://austausch.example.org/")
    with app.app_context():
        links = care_cli.Links(app)
        cohort_id = make_cohort(app)
        cohort = db.session.get(care_cli.Cohort, cohort_id)
        assert links.cohort(cohort) == f"https://austausch.example.org/cohorts/{cohort_id}"
        assert links.report(7) == "https://austausch.example.org/care/concerns/7"
