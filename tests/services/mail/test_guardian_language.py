"""A guardian gets every email Austausch sends guardians in their language, whoever acts: the
language staff set for them on the student's page, although the coordinator works in the
other one; German when none is known. Today those emails are the messages to a group (sent by
a coordinator on the /messages pages) and the documents-missing reminder of
`flask reminders send`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.models import Enrolment, Guardian, OutboxEmail, Role
from app.services.enrolment import documents
from app.services.mail import notifications, shipped_notices
from app.services.mail import reminder_settings as rs
from tests.conftest import post
from tests.factories import enrol, make_cohort
from tests.services.mail.test_recipient_language import (
    OTHER,
    emails_to,
    staff_client,
    translated,
)
from tests.students.test_student_pages import student_form

MESSAGE = {
    "audience": "guardians",
    "subject_en": "Meeting before the flight",
    "body_en": "Dear {name}, we meet on Friday at the school.",
    "subject_de": "Treffen vor dem Flug",
    "body_de": "Liebe(r) {name}, wir treffen uns am Freitag in der Schule.",
}
FOOTER = "Stop receiving messages like this one: %(url)s"
SUBJECT = "Documents still missing for the exchange"
BODY = (
    "Dear %(name)s,\n\nfor %(student)s's exchange (%(cohort)s) these documents are still "
    "missing: %(missing)s.\n\nPlease hand them in by %(day)s."
)
LANGUAGE_NAME = {"en": "English", "de": "German"}


def _student_with_guardian(app, coordinator, cohort_id, first, guardian, email, locale) -> int:
    """The coordinator enters the student on the page, with the guardian's language (""
    for not known), and enrols them; the student's id."""
    data = student_form(
        **{
            "first_name": first,
            "last_name": guardian.split()[-1],
            "email": f"{first.lower()}@example.org",
            "guardian1-name": guardian,
            "guardian1-email": email,
            "guardian1-locale": locale,
        }
    )
    response = post(coordinator, "/students/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    student_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    enrol(app, student_id, cohort_id)
    return student_id


def _language_shown(app, coordinator, student_id: int, staff_language: str, expected: str):
    """The student's page says the guardian's language, in the coordinator's language."""
    page = coordinator.get(f"/students/{student_id}").get_data(as_text=True)
    line = f"{translated(app, staff_language, 'Language')}: "
    assert line + translated(app, staff_language, LANGUAGE_NAME[expected]) in page


def _footer_start(app, language: str) -> str:
    return translated(app, language, FOOTER, url="@").split("@")[0]


def _assert_group_message(app, email: OutboxEmail, language: str, name: str):
    german = language == "de"
    assert email.subject == MESSAGE["subject_de" if german else "subject_en"]
    assert email.body.startswith(MESSAGE["body_de" if german else "body_en"].format(name=name))
    assert _footer_start(app, language) in email.body
    assert _footer_start(app, OTHER[language]) not in email.body


def _assert_reminder(app, email: OutboxEmail, language: str, student_id: int, name: str):
    with app.test_request_context(), force_locale(language):
        enrolment = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.student_id == student_id)
        ).one()
        missing = ", ".join(str(kind.label) for kind in documents.missing_kinds(enrolment))
        values = {
            "name": name,
            "student": enrolment.student.first_name,
            "cohort": enrolment.cohort.name,
            "missing": missing,
        }
        with notifications.in_language_for(language):  # the day as the guardian reads it
            values["day"] = shipped_notices.day(enrolment.cohort.enrolment_deadline)
    expected, other = (translated(app, lang, SUBJECT) for lang in (language, OTHER[language]))
    assert expected != other
    assert email.subject == expected, (email.recipient, email.subject)
    assert email.body == translated(app, language, BODY, **values)
    first_line = translated(app, OTHER[language], BODY, **values).split("\n")[0]
    assert first_line not in email.body


@pytest.mark.parametrize(("guardian_language", "staff_language"), [("en", "de"), ("de", "en")])
def test_a_guardian_gets_every_email_in_their_language_whoever_acts(
    app, guardian_language, staff_language
):
    today = date.today()
    cohort_id = make_cohort(
        app,
        departure_date=today + timedelta(days=40),
        return_date=today + timedelta(days=61),
        enrolment_deadline=today + timedelta(days=5),
    )
    coordinator = staff_client(app, "coordinator@example.org", Role.COORDINATOR, staff_language)

    # The coordinator, working in the other language, sets each guardian's language on the
    # student's page: one the guardian's, one left "not known".
    chosen = _student_with_guardian(
        app, coordinator, cohort_id, "Mia", "Anna Kowalski", "anna@example.org", guardian_language
    )
    unknown = _student_with_guardian(
        app, coordinator, cohort_id, "Emre", "Ayşe Demir", "ayse@example.org", ""
    )
    with app.app_context():
        assert db.session.scalars(
            sa.select(Guardian.locale).where(Guardian.student_id.in_([chosen, unknown]))
        ).all() == [guardian_language, None]
    _language_shown(app, coordinator, chosen, staff_language, guardian_language)
    _language_shown(app, coordinator, unknown, staff_language, "de")

    # The coordinator writes to the cohort's guardians in both languages and sends it.
    response = post(coordinator, "/messages/new", {**MESSAGE, "cohort_id": cohort_id})
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = response.headers["Location"]
    assert "Anna Kowalski" in coordinator.get(preview).get_data(as_text=True)
    assert post(coordinator, f"{preview.rstrip('/')}/send").status_code == 302
    [message] = emails_to(app, "anna@example.org")
    _assert_group_message(app, message, guardian_language, "Anna Kowalski")
    [message] = emails_to(app, "ayse@example.org")
    _assert_group_message(app, message, "de", "Ayşe Demir")

    # The reminders run by themselves (cron): documents are still missing five days before
    # the enrolment deadline.
    with app.app_context():
        rs.save({kind.name: (kind.name == "documents", None) for kind in rs.KINDS}, None)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "documents: 2 email(s) queued" in result.output
    _message, reminder = emails_to(app, "anna@example.org")
    _assert_reminder(app, reminder, guardian_language, chosen, "Anna Kowalski")
    _message, reminder = emails_to(app, "ayse@example.org")
    _assert_reminder(app, reminder, "de", unknown, "Ayşe Demir")
