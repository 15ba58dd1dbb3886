"""Whom the documents reminder goes to: each guardian's address once (two guardians may share
one), and a student of 18 or more with their own account, written to them in their account's
language; staff are told only of students nobody can be emailed about."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Guardian, Role, Student, StudentAccount, User
from tests.conftest import make_user
from tests.services.mail.test_reminders import (
    DEADLINE,
    _at,
    _documents_cohort,
    _emails,
    _only,
    _run,
)

THREE_DAYS_BEFORE = _at(DEADLINE - timedelta(days=3), 9)


def lena(app) -> Student:
    return db.session.scalar(sa.select(Student).where(Student.first_name == "Lena"))


def own_account(app, email: str, locale: str | None) -> None:
    """Lena's own account (she is 18), linked to her without a guardian."""
    user_id = make_user(app, email, Role.GUARDIAN)
    with app.app_context():
        db.session.get(User, user_id).locale = locale
        db.session.add(StudentAccount(user_id=user_id, student_id=lena(app).id, guardian_id=None))
        db.session.commit()


def test_two_guardians_sharing_an_address_get_one_documents_reminder(app):
    _only(app, "documents")
    _documents_cohort(app, guardian_email="maria@example.org")
    with app.app_context():
        # The second guardian's record has the same address, written as the school typed it.
        db.session.add(
            Guardian(
                student_id=lena(app).id,
                position=2,
                name="Jan Schmidt",
                relation="father",
                phone="+49 231 1234567",
                email="Maria@Example.org ",
            )
        )
        db.session.commit()
    assert _run(app, THREE_DAYS_BEFORE).sent["documents"] == 1
    assert [recipient for recipient, _, _ in _emails(app)] == ["maria@example.org"]


def test_an_adult_student_is_reminded_at_their_own_account_in_their_language(app):
    _only(app, "documents")
    _documents_cohort(app, guardian_email="maria@example.org")
    own_account(app, "lena@example.net", "en")
    assert _run(app, THREE_DAYS_BEFORE).sent["documents"] == 2
    assert _run(app, THREE_DAYS_BEFORE).sent["documents"] == 0  # once per deadline
    by_address = {recipient: (subject, body) for recipient, subject, body in _emails(app)}
    assert by_address["maria@example.org"][0] == "Unterlagen für den Austausch fehlen noch"
    subject, body = by_address["lena@example.net"]
    assert subject == "Documents still missing for the exchange"
    assert body.startswith("Dear Lena ")
    assert "for your exchange" in body and "by 1 May 2027" in body  # British English, the default


def test_staff_hear_only_of_students_nobody_can_be_emailed_about(app):
    _only(app, "documents", "documents_staff")
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    _documents_cohort(app, guardian_email=None)
    own_account(app, "lena@example.net", None)
    assert _run(app, THREE_DAYS_BEFORE).sent["documents"] == 1
    emails = _emails(app)
    assert [(recipient, subject) for recipient, subject, _ in emails] == [
        ("lena@example.net", "Unterlagen für den Austausch fehlen noch")  # no language: German
    ]


def test_a_switched_off_account_or_one_at_a_guardian_s_address_gets_no_reminder_of_its_own(app):
    _only(app, "documents")
    _documents_cohort(app, guardian_email="maria@example.org")
    own_account(app, "MARIA@example.org", "en")  # Lena signed up with her mother's address
    own_account(app, "old-lena@example.net", "en")
    with app.app_context():
        db.session.scalar(sa.select(User).filter_by(email="old-lena@example.net")).active = False
        db.session.commit()
    assert _run(app, THREE_DAYS_BEFORE).sent["documents"] == 1
    assert [(recipient, subject) for recipient, subject, _ in _emails(app)] == [
        ("maria@example.org", "Unterlagen für den Austausch fehlen noch")  # the guardian's
    ]
