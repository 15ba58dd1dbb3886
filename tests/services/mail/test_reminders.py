"""`send_due` with a frozen clock: each due reminder is sent once, across the day boundaries
of its timing, in the recipient's language; a kind switched off sends nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    CohortStatus,
    Guardian,
    HostApplication,
    OutboxEmail,
    SentReminder,
    Student,
    Teacher,
    User,
)
from app.services.mail import reminder_settings as rs
from app.services.mail import reminders, templates
from tests.conftest import make_user
from tests.factories import (
    assign_teacher,
    enrol,
    make_application,
    make_cohort,
    make_student,
    make_teacher,
    make_vetted_family,
)
from tests.services.supervision.care_data import buffalo_cohort, family

DEADLINE = date(2027, 5, 1)
DEPARTURE = date(2027, 6, 1)


class FakeLinks:
    base = "https://austausch.example.org"

    def cohort(self, cohort):
        return f"{self.base}/cohorts/{cohort.id}"

    def report(self, report_id):
        return f"{self.base}/care/concerns/{report_id}"

    def family(self):
        return f"{self.base}/family/"

    def teacher(self):
        return f"{self.base}/teachers/me"


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def _run(app, now: datetime) -> reminders.Counts:
    with app.app_context():
        counts = reminders.send_due(now, FakeLinks())
        db.session.commit()
        return counts


def _emails(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.recipient, e.subject, e.body)
            for e in db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        ]


def _clear(app) -> None:
    """Forget the emails the set-up sent (welcome emails of sign-ups)."""
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()


def _only(app, *names: str) -> None:
    """Switch off every kind but these."""
    with app.app_context():
        rs.save({k.name: (k.name in names, None) for k in rs.KINDS}, None)
        db.session.commit()


def _documents_cohort(app, guardian_email: str | None = "maria@example.org", locale=None) -> int:
    cohort = make_cohort(
        app,
        departure_date=DEPARTURE,
        return_date=DEPARTURE + timedelta(days=21),
        enrolment_deadline=DEADLINE,
    )
    student = make_student(app, first_name="Lena")
    enrol(app, student, cohort)
    with app.app_context():
        guardian = db.session.scalars(
            sa.select(Guardian).where(Guardian.student_id == student)
        ).one()
        guardian.email = guardian_email
        if locale and hasattr(Guardian, "locale"):
            guardian.locale = locale
        db.session.commit()
    return cohort


def test_documents_reminder_from_the_days_before_the_deadline_once(app):
    _only(app, "documents")
    _documents_cohort(app)
    # 23:00 in Dortmund (summer time) on the 15th day before: not yet
    assert _run(app, _at(DEADLINE - timedelta(days=15), 21)).sent["documents"] == 0
    assert _emails(app) == []
    # 00:30 in Dortmund on the 14th day before (still the 15th in UTC): now
    day_before = _at(DEADLINE - timedelta(days=15), 22) + timedelta(minutes=30)
    assert _run(app, day_before).sent["documents"] == 1
    assert _run(app, day_before).sent["documents"] == 0
    assert _run(app, _at(DEADLINE - timedelta(days=14), 9)).sent["documents"] == 0
    assert _run(app, _at(DEADLINE - timedelta(days=13), 9)).sent["documents"] == 0
    emails = _emails(app)
    assert len(emails) == 1
    recipient, subject, body = emails[0]
    assert recipient == "maria@example.org"
    assert subject == "Unterlagen für den Austausch fehlen noch"  # German by default
    assert "Lena" in body and "bis zum 1. Mai 2027" in body  # the day as the reader writes it


def test_the_documents_timing_is_the_admins(app):
    _only(app, "documents")
    with app.app_context():
        rs.save({"documents": (True, 3)}, None)
        db.session.commit()
    _documents_cohort(app)
    assert _run(app, _at(DEADLINE - timedelta(days=4))).sent["documents"] == 0
    assert _run(app, _at(DEADLINE - timedelta(days=3))).sent["documents"] == 1


def test_a_guardian_with_english_gets_english(app):
    _only(app, "documents")
    _documents_cohort(app, locale="en")
    _run(app, _at(DEADLINE - timedelta(days=1)))
    assert _emails(app)[0][1] == "Documents still missing for the exchange"


def test_staff_learn_how_many_guardians_cannot_be_reached(app):
    _only(app, "documents")
    make_user(app, "coordinator@example.org")
    _documents_cohort(app, guardian_email=None)
    assert _run(app, _at(DEADLINE)).sent["documents"] == 1
    assert _run(app, _at(DEADLINE)).sent["documents"] == 0
    [(recipient, _subject, body)] = _emails(app)
    assert recipient == "coordinator@example.org"
    assert body.startswith("Nobody can be emailed about 1 student of")
    assert "Lena" not in body  # no student's name in the email to staff
    assert _run(app, _at(DEADLINE + timedelta(days=1))).sent["documents"] == 0


def test_draft_untouched_for_seven_days_once(app):
    _only(app, "drafts")
    application_id = make_application(app, "draft@example.org", submitted=False)
    with app.app_context():
        changed = db.session.get(HostApplication, application_id).updated_at
    _clear(app)
    assert _run(app, changed + timedelta(days=6, hours=23)).sent["drafts"] == 0
    assert _run(app, changed + timedelta(days=7)).sent["drafts"] == 1
    assert _run(app, changed + timedelta(days=7, hours=1)).sent["drafts"] == 0
    assert _run(app, changed + timedelta(days=9)).sent["drafts"] == 0
    [(recipient, _subject, body)] = _emails(app)
    assert recipient == "draft@example.org"
    assert "https://austausch.example.org/family/" in body


def test_background_check_expiring_before_the_return(app):
    _only(app, "background")
    make_user(app, "coordinator@example.org")
    today = date.today()
    cohort = make_cohort(
        app, departure_date=today + timedelta(days=30), return_date=today + timedelta(days=60)
    )
    make_vetted_family(
        app,
        [cohort],
        "approved",
        email="host@example.org",
        background_valid_until=today + timedelta(days=40),
    )
    _clear(app)
    now = _at(today)
    assert _run(app, now).sent["background"] == 2
    assert _run(app, now + timedelta(days=1)).sent["background"] == 0
    recipients = sorted(e[0] for e in _emails(app))
    assert recipients == ["coordinator@example.org", "host@example.org"]


def test_contacts_due_to_the_teacher_once_a_week(app):
    _only(app, "contacts")
    cohort = buffalo_cohort(app, date(2027, 3, 1), date(2027, 5, 1))
    first = enrol(app, make_student(app), cohort)
    family(app, cohort, first)
    teacher = make_teacher(app, email="teacher@example.org")
    assign_teacher(app, cohort, teacher, students=[first])
    with app.app_context():
        db.session.get(Cohort, cohort).status = CohortStatus.TRAVELLING
        db.session.commit()
    _clear(app)
    monday = datetime(2027, 3, 15, 14)  # a week into the stay: the first contact is overdue
    assert _run(app, monday).sent["contacts"] == 1
    assert _run(app, monday + timedelta(days=3)).sent["contacts"] == 0  # the same week
    assert _run(app, monday + timedelta(days=7)).sent["contacts"] == 1  # the next week
    emails = _emails(app)
    assert [e[0] for e in emails] == ["teacher@example.org"] * 2
    assert "2" in emails[0][2]  # the student and the family are overdue
    assert "https://austausch.example.org/teachers/me" in emails[0][2]
    with app.app_context():
        assert db.session.get(Teacher, teacher).name not in emails[0][2]
        assert db.session.scalar(sa.select(Student.last_name)) not in emails[0][2]


def test_a_kind_switched_off_sends_nothing(app):
    _only(app)
    _documents_cohort(app)
    make_application(app, submitted=False)
    _clear(app)
    assert _run(app, datetime.now() + timedelta(days=30)).total == 0
    counts = _run(app, _at(DEADLINE - timedelta(days=1)))
    assert counts.total == 0
    assert _emails(app) == []


def test_each_run_is_noted_and_a_day_without_one_is_stale(app):
    with app.app_context():
        assert rs.stale(datetime(2027, 3, 1))
    _run(app, datetime(2027, 3, 1, 10))
    with app.app_context():
        assert rs.last_run() == datetime(2027, 3, 1, 10)
        assert not rs.stale(datetime(2027, 3, 2, 9))
        assert rs.stale(datetime(2027, 3, 2, 11))


def test_follow_ups_of_concern_reports_go_with_the_reminders_once(app):
    from tests.services.supervision import test_care_alerts as care

    _only(app, "follow_ups")
    owner = make_user(app, "owner@example.org", "coordinator")
    cohort = care._cohort(app, "Travelling", care.TODAY - timedelta(days=10))
    enrolment = care._student(app, cohort, "Gemeldet")
    care._travelling(app, cohort)
    report = care._report(app, enrolment, owner, care.TODAY)
    _clear(app)
    assert _run(app, care.NOW).sent["follow_ups"] == 1
    assert _run(app, care.NOW + timedelta(hours=1)).sent["follow_ups"] == 0
    [(recipient, _subject, body)] = _emails(app)
    assert recipient == "owner@example.org"
    assert f"https://austausch.example.org/care/concerns/{report}" in body


def test_two_runs_at_once_cannot_both_claim_a_reminder(app):
    with app.app_context():
        assert reminders._claim("drafts", "application", 1, "2027-03-01", "a@example.org")
        assert not reminders._claim("drafts", "application", 1, "2027-03-01", "A@example.org")
        assert reminders._claim("drafts", "application", 1, "2027-03-08", "a@example.org")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 2


def test_the_purge_forgets_reminders_sent_over_90_days_ago(app):
    from app.services.privacy import privacy_purge

    with app.app_context():
        reminders._claim("drafts", "application", 1, "2027-01-01", "old@example.org")
        reminders._claim("drafts", "application", 2, "2027-03-01", "new@example.org")
        old, new = db.session.scalars(sa.select(SentReminder).order_by(SentReminder.target_id))
        old.sent_at, new.sent_at = datetime(2027, 1, 1), datetime(2027, 3, 1)
        db.session.commit()
        privacy_purge.purge(datetime(2027, 4, 15))
        db.session.commit()
        assert db.session.scalars(sa.select(SentReminder.recipient)).all() == ["new@example.org"]


@pytest.mark.parametrize(
    ("locale", "subject", "start"),
    [
        ("de", "Unterlagen für Lena", "Bitte bis 1. Mai 2027: "),
        ("en", "Papers for Lena", "By 1 May 2027, please: "),
    ],
)
def test_an_admins_wording_reaches_the_guardian_in_their_language(app, locale, subject, start):
    with app.test_request_context():
        edited = {
            "de": ("Unterlagen für {student}", "Bitte bis {day}: {missing}"),
            "en": ("Papers for {student}", "By {day}, please: {missing}"),
        }
        templates.save("reminder.documents", edited, None)
        db.session.commit()
    _only(app, "documents")
    _documents_cohort(app, locale=locale)
    _run(app, _at(DEADLINE - timedelta(days=1)))
    [(_recipient, sent_subject, sent_body)] = _emails(app)
    assert sent_subject == subject
    missing = "Einverständnis" if locale == "de" else "Guardian consent"
    assert sent_body.startswith(start)
    assert missing in sent_body


def _staff(app, email: str, locale: str) -> None:
    make_user(app, email)
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).locale = locale
        db.session.commit()


def test_staff_read_the_count_of_unreachable_students_in_their_language(app):
    _only(app, "documents")
    _staff(app, "coordinator@example.org", "en")
    _staff(app, "koordination@example.org", "de")
    cohort = _documents_cohort(app, guardian_email=None)
    student = make_student(app, first_name="Jonas")
    enrol(app, student, cohort)
    with app.app_context():
        for guardian in db.session.scalars(
            sa.select(Guardian).where(Guardian.student_id == student)
        ):
            guardian.email = None
        db.session.commit()
    assert _run(app, _at(DEADLINE)).sent["documents"] == 2
    bodies = {recipient: body for recipient, _subject, body in _emails(app)}
    assert "Nobody can be emailed about 2 students of" in bodies["coordinator@example.org"]
    assert "Über 2 Schülerinnen und Schüler aus" in bodies["koordination@example.org"]


def test_the_teacher_reads_the_counts_as_phrases(app):
    _only(app, "contacts")
    cohort = buffalo_cohort(app, date(2027, 3, 1), date(2027, 5, 1))
    first = enrol(app, make_student(app), cohort)
    family(app, cohort, first)
    teacher = make_teacher(app, email="teacher@example.org")
    assign_teacher(app, cohort, teacher, students=[first])
    with app.app_context():
        db.session.get(Cohort, cohort).status = CohortStatus.TRAVELLING
        db.session.get(Teacher, teacher).user.locale = "de"
        db.session.commit()
    _clear(app)
    _run(app, datetime(2027, 3, 15, 14))
    [(_recipient, subject, body)] = _emails(app)
    assert subject == "Diese Woche fällige Kontakte"
    assert "Kontakt überfällig: 2 Schülerinnen, Schüler oder Familien." in body
    assert "Innerhalb der Woche fällig: 0 Schülerinnen, Schüler oder Familien." in body
