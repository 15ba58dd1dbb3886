"""The placement email: a host family learns from the hourly `flask reminders send` that a
student has been placed with it (moved to it, or placed for a while), once, in its language,
without the student's name; a placement cancelled before the run sends nothing, and admins can
switch the email off or reword it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.models import Enrolment, HostApplication, Placement, Student, User
from app.models.base import utcnow
from app.services.mail import templates
from app.services.placement import placements
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place
from tests.services.mail.test_reminders import _clear, _emails, _only, _run

FAMILY = "host@example.org"
OTHER = "other-host@example.org"
ENDS = date.today() + timedelta(days=20)


def _family(app, cohort: int, email: str = FAMILY, locale: str | None = "en") -> int:
    application = make_approved_family(app, [cohort], email=email, beds_offered=2)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.locale = locale
        db.session.commit()
    return application


def _student(app, cohort: int) -> int:
    return enrol(app, make_student(app, first_name="Lena", last_name="Brandt"), cohort)


def _cohort(app) -> int:
    today = date.today()
    return make_cohort(
        app,
        name="Dortmund → Buffalo 2027",
        places=10,
        departure_date=today + timedelta(days=10),
        return_date=today + timedelta(days=40),
    )


def _later(minutes: int = 31):
    return utcnow() + timedelta(minutes=minutes)


def _cancel(app, placement_id: int) -> None:
    with app.app_context():
        placements.cancel(db.session.get(Placement, placement_id), None, "Another family fits")
        db.session.commit()


def _move(app, placement_id: int, application_id: int, ends_on: date | None = None) -> int:
    with app.app_context():
        moved = placements.move(
            db.session.get(Placement, placement_id),
            db.session.get(HostApplication, application_id),
            None,
            "Closer to the school",
            ends_on=ends_on,
        )
        db.session.commit()
        return moved.id


@pytest.fixture
def cohort(app) -> int:
    _only(app, "placements")
    return _cohort(app)


def test_the_family_is_told_once_after_a_run_not_when_placed(app, cohort):
    application = _family(app, cohort)
    enrolment = _student(app, cohort)
    _clear(app)
    place(app, enrolment, application)
    assert _emails(app) == []  # not at the moment of placing
    assert _run(app, _later(20)).sent["placements"] == 0  # placed 20 minutes ago: may change
    assert _run(app, _later()).sent["placements"] == 1
    assert _run(app, _later(65)).sent["placements"] == 0
    [(recipient, subject, body)] = _emails(app)
    assert recipient == FAMILY
    assert subject == "A student has been placed with you"
    assert "a student of the group Dortmund → Buffalo 2027 has been placed with your family" in body
    assert "https://austausch.example.org/family/" in body
    with app.app_context():
        student = db.session.scalar(
            sa.select(Student).join(Enrolment).where(Enrolment.id == enrolment)
        )
        assert student.first_name not in body and student.last_name not in body


def test_a_german_family_reads_german(app, cohort):
    application = _family(app, cohort, locale="de")
    place(app, _student(app, cohort), application)
    _clear(app)
    _run(app, _later())
    [(_recipient, subject, body)] = _emails(app)
    assert subject == "Eine Schülerin oder ein Schüler wohnt bei Ihnen"
    assert "der Gruppe Dortmund → Buffalo 2027 wurde Ihrer Familie zugeteilt" in body
    assert "Familienseite" in body


def test_a_placement_cancelled_before_the_run_sends_nothing(app, cohort):
    application = _family(app, cohort)
    placement = place(app, _student(app, cohort), application)
    _cancel(app, placement)
    _clear(app)
    assert _run(app, _later()).sent["placements"] == 0
    assert _run(app, _later(65)).sent["placements"] == 0
    assert _emails(app) == []


def test_switched_off_nothing_is_sent(app, cohort):
    _only(app)
    place(app, _student(app, cohort), _family(app, cohort))
    _clear(app)
    assert _run(app, _later()).total == 0
    assert _emails(app) == []


def test_a_move_on_the_board_before_the_run_tells_only_the_last_family(app, cohort):
    first, second = _family(app, cohort), _family(app, cohort, OTHER)
    placement = place(app, _student(app, cohort), first)
    _move(app, placement, second)  # a change of mind within minutes
    _clear(app)
    assert _run(app, _later()).sent["placements"] == 1
    [(recipient, subject, _body)] = _emails(app)
    assert (recipient, subject) == (OTHER, "A student has been placed with you")


def test_a_family_the_student_moves_to_after_the_first_was_told(app, cohort):
    first, second = _family(app, cohort), _family(app, cohort, OTHER)
    placement = place(app, _student(app, cohort), first)
    _clear(app)
    _run(app, _later())
    _move(app, placement, second)
    assert _run(app, _later(65)).sent["placements"] == 1
    told, moved = _emails(app)
    assert told[0] == FAMILY and moved[0] == OTHER
    assert moved[1] == "A student is moving to your family"
    assert "who was living with another host family is now placed with yours" in moved[2]


@pytest.mark.parametrize(
    ("locale", "subject", "until"),
    [
        ("de", "Eine Schülerin oder ein Schüler wohnt eine Zeit lang bei Ihnen", "bis zum {}."),
        ("en", "A student is placed with you for a while", "for a while, until {}."),
    ],
)
def test_a_temporary_placement_names_its_end_as_the_family_writes_days(
    app, cohort, locale, subject, until
):
    first, second = _family(app, cohort), _family(app, cohort, OTHER, locale=locale)
    placement = place(app, _student(app, cohort), first)
    _clear(app)
    _run(app, _later())
    _move(app, placement, second, ends_on=ENDS)
    _run(app, _later(65))
    [_told, (recipient, sent_subject, body)] = _emails(app)
    assert (recipient, sent_subject) == (OTHER, subject)
    written = format_date(ENDS, "long", locale="de_DE" if locale == "de" else "en_US")
    assert until.format(written) in body  # "April 10, 2027": US English for host families


def test_the_admins_wording_is_sent_in_the_familys_language(app, cohort):
    with app.test_request_context():
        edited = {
            "de": ("Willkommen, Gast aus {cohort}", "Bitte melden Sie sich an: {link}"),
            "en": ("Your guest from {cohort}", "Please log in: {link}"),
        }
        templates.save("placement.placed", edited, None)
        db.session.commit()
    place(app, _student(app, cohort), _family(app, cohort, locale="de"))
    place(app, _student(app, cohort), _family(app, cohort, OTHER, locale="en"))
    _clear(app)
    _run(app, _later())
    emails = sorted(_emails(app))
    link = "https://austausch.example.org/family/"
    assert emails == [
        (
            FAMILY,
            "Willkommen, Gast aus Dortmund → Buffalo 2027",
            f"Bitte melden Sie sich an: {link}",
        ),
        (OTHER, "Your guest from Dortmund → Buffalo 2027", f"Please log in: {link}"),
    ]


def test_a_placement_older_than_three_days_is_not_told_on_a_first_run(app, cohort):
    """Switched on (or updated to this version) long after placing: no email out of the blue."""
    application = _family(app, cohort)
    place(app, _student(app, cohort), application)
    _clear(app)
    assert _run(app, utcnow() + timedelta(days=3, minutes=1)).sent["placements"] == 0
    assert _emails(app) == []
