"""Guardians' accounts in the privacy services: erasing a student removes the accounts' links
and the invitations, and closes an account left without a student; the student's export
holds them; the purge deletes invitations never accepted, some time after they expired."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Enrolment,
    GuardianConsent,
    Invitation,
    LoginSession,
    Student,
    StudentAccount,
    User,
)
from app.models.base import utcnow
from app.services.enrolment import documents, online_consent
from app.services.identity import accounts, invitations
from app.services.privacy.privacy_purge import purge
from app.services.privacy.privacy_requests import erase_student, student_data
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import guardian, invitation_paths, linked_account


def link(token: str) -> str:
    return f"http://localhost/invitation/{token}"


def test_erasing_the_only_student_closes_the_guardians_account(app):
    lena = make_student(app, guardians=[guardian()])
    user_id = linked_account(app, lena)
    with app.app_context():
        accounts.start_session(db.session.get(User, user_id))
        erase_student(db.session.get(Student, lena), None)
        db.session.commit()
        assert db.session.get(User, user_id) is None
        assert db.session.scalars(sa.select(StudentAccount)).all() == []
        assert db.session.scalars(sa.select(Invitation)).all() == []
        assert db.session.scalars(sa.select(LoginSession)).all() == []


def test_a_guardian_with_another_student_keeps_the_account(app):
    lena = make_student(app, first_name="Lena", guardians=[guardian()])
    jonas = make_student(app, first_name="Jonas", guardians=[guardian()])
    user_id = linked_account(app, lena)
    with app.app_context():
        student = db.session.get(Student, jonas)
        invitations.invite(student, str(student.guardians[0].id), None, link)
        db.session.commit()
    token = invitation_paths(app, "maria@example.org")[-1].rsplit("/", 1)[1]
    with app.app_context():
        invitations.accept_with_account(token, db.session.get(User, user_id))
        erase_student(db.session.get(Student, lena), None)
        db.session.commit()
        assert db.session.get(User, user_id) is not None
        linked = db.session.scalars(sa.select(StudentAccount.student_id)).all()
        assert linked == [jonas]
        assert {i.student_id for i in db.session.scalars(sa.select(Invitation))} == {jonas}


def test_the_students_export_holds_the_accounts_and_invitations(app):
    lena = make_student(app, guardians=[guardian()])
    linked_account(app, lena)
    with app.app_context():
        data = student_data(db.session.get(Student, lena))
        assert [a["email"] for a in data["accounts"]] == ["maria@example.org"]
        assert data["accounts"][0]["as"] == "guardian"
        [sent] = data["invitations"]
        assert sent["email"] == "maria@example.org" and sent["accepted_at"]


def test_the_purge_deletes_invitations_never_accepted_long_after_they_expired(app):
    lena = make_student(app, guardians=[guardian()])
    with app.app_context():
        student = db.session.get(Student, lena)
        key = str(student.guardians[0].id)
        old = invitations.invite(student, key, None, lambda t: t)
        old.expires_at = utcnow() - timedelta(days=91)
        recent = invitations.invite(student, key, None, lambda t: t)
        recent.expires_at = utcnow() - timedelta(days=30)
        db.session.commit()
        old_id, recent_id = old.id, recent.id
        purge(utcnow())
        db.session.commit()
        left = set(db.session.scalars(sa.select(Invitation.id)))
        assert old_id not in left and recent_id in left


def test_a_consent_given_online_is_exported_and_erased_with_the_student(app):
    lena = make_student(app, guardians=[guardian()])
    cohort = make_cohort(app)
    enrolment_id = enrol(app, lena, cohort)
    user_id = linked_account(app, lena)
    with app.app_context():
        user = db.session.get(User, user_id)
        link_row = db.session.scalars(sa.select(StudentAccount)).one()
        online_consent.give(
            link_row, db.session.get(Enrolment, enrolment_id), "Maria Schmidt", True, user
        )
        db.session.commit()
        [exported] = student_data(db.session.get(Student, lena))["enrolments"][0]["consents"]
        assert exported["given_by"] == "Maria Schmidt"
        assert exported["recorded_by_id"] == user_id
        assert exported["wording_version"] == documents.current_wording_version()

        erase_student(db.session.get(Student, lena), None)
        db.session.commit()
        assert db.session.scalars(sa.select(GuardianConsent)).all() == []
        assert db.session.get(User, user_id) is None  # the account had no other student
