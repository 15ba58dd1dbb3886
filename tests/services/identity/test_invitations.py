"""Invitations of guardians and adult students: one link per person that works once, until
it expires, and stops working when it is sent again; accepting makes or links an account of
the role "Parent or student"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Invitation, OutboxEmail, Role, Student, StudentAccount
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity import accounts, invitations
from tests.factories import enrol, make_cohort, make_student

PASSWORD = "lantern-harbour-velvet"
TOKEN_RE = re.compile(r"https://example\.org/invitation/(\S+)")


def link(token: str) -> str:
    return f"https://example.org/invitation/{token}"


def guardian(name="Maria Schmidt", email="maria@example.org", locale=None, position=1) -> dict:
    return {
        "name": name,
        "relation": "mother",
        "phone": "+49 231 1",
        "email": email,
        "locale": locale,
        "position": position,
    }


@pytest.fixture
def student_id(app) -> int:
    cohort_id = make_cohort(app, name="Buffalo 2027")
    sid = make_student(app, first_name="Lena", last_name="Schmidt", guardians=[guardian()])
    enrol(app, sid, cohort_id)
    return sid


def token_sent_to(email: str) -> str:
    body = db.session.scalars(
        sa.select(OutboxEmail.body).where(OutboxEmail.recipient == email).order_by(OutboxEmail.id)
    ).all()[-1]
    return TOKEN_RE.search(body).group(1)


def invite_first_guardian(student_id: int) -> Invitation:
    student = db.session.get(Student, student_id)
    return invitations.invite(student, str(student.guardians[0].id), None, link)


def test_the_email_goes_in_the_guardians_language_and_only_the_tokens_hash_is_kept(app, student_id):
    with app.app_context():
        student = db.session.get(Student, student_id)
        student.guardians[0].locale = "en"
        invitation = invite_first_guardian(student_id)
        email = db.session.scalars(sa.select(OutboxEmail)).one()
        assert email.recipient == "maria@example.org"
        assert "Lena Schmidt" in email.subject and "check" in email.subject
        assert "Buffalo 2027" in email.body
        token = token_sent_to("maria@example.org")
        assert token not in invitation.token_hash and len(invitation.token_hash) == 64
        assert invitation.expires_at - invitation.created_at == timedelta(days=14)
        assert invitations.find(token) == invitation
        assert db.session.scalar(
            sa.select(AuditEntry.action)
            .where(AuditEntry.record_id == student_id)
            .where(AuditEntry.action == "invitation.sent")
        )


def test_a_guardian_without_a_language_is_written_to_in_german(app, student_id):
    with app.app_context():
        invite_first_guardian(student_id)
        email = db.session.scalars(sa.select(OutboxEmail)).one()
        assert "Austausch" in email.subject or "Bitte" in email.subject
        assert "Hallo Maria Schmidt" in email.body


def test_sending_again_kills_the_earlier_link(app, student_id):
    with app.app_context():
        invite_first_guardian(student_id)
        first = token_sent_to("maria@example.org")
        invite_first_guardian(student_id)
        second = token_sent_to("maria@example.org")
        assert invitations.state(invitations.find(first)) == invitations.REPLACED
        with pytest.raises(DomainError, match="newer invitation"):
            invitations.accept_with_new_account(first, PASSWORD)
        user = invitations.accept_with_new_account(second, PASSWORD)
        assert user.role == Role.GUARDIAN


def test_accepting_makes_a_confirmed_guardian_account_linked_to_the_student(app, student_id):
    with app.app_context():
        invite_first_guardian(student_id)
        token = token_sent_to("maria@example.org")
        user = invitations.accept_with_new_account(token, PASSWORD)
        assert user.email == "maria@example.org" and user.email_confirmed_at is not None
        link_row = db.session.scalars(sa.select(StudentAccount)).one()
        student = db.session.get(Student, student_id)
        assert (link_row.user_id, link_row.student_id) == (user.id, student_id)
        assert link_row.guardian_id == student.guardians[0].id
        assert accounts.authenticate("maria@example.org", PASSWORD) == user
        accepted = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "invitation.accepted")
        ).one()
        assert (accepted.user_id, accepted.record_id) == (user.id, student_id)
        with pytest.raises(DomainError, match="already accepted"):
            invitations.accept_with_new_account(token, PASSWORD)


def test_the_password_rules_hold(app, student_id):
    with app.app_context():
        invite_first_guardian(student_id)
        token = token_sent_to("maria@example.org")
        with pytest.raises(DomainError) as refused:
            invitations.accept_with_new_account(token, "short")
        assert refused.value.field == "new_password"
        assert invitations.state(invitations.find(token)) == invitations.OPEN


def test_an_expired_link_is_refused(app, student_id):
    with app.app_context():
        invitation = invite_first_guardian(student_id)
        token = token_sent_to("maria@example.org")
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.flush()
        with pytest.raises(DomainError, match="expired"):
            invitations.accept_with_new_account(token, PASSWORD)
        assert invitations.state(invitations.find("nothing-like-it")) == invitations.UNKNOWN


def test_an_existing_guardian_account_gets_the_second_student(app, student_id):
    with app.app_context():
        invite_first_guardian(student_id)
        user = invitations.accept_with_new_account(token_sent_to("maria@example.org"), PASSWORD)
        brother = make_student(app, first_name="Jonas", guardians=[guardian()])
        invitations.invite(
            db.session.get(Student, brother),
            str(db.session.get(Student, brother).guardians[0].id),
            None,
            link,
        )
        invitations.accept_with_account(token_sent_to("maria@example.org"), user)
        linked = set(
            db.session.scalars(
                sa.select(StudentAccount.student_id).where(StudentAccount.user_id == user.id)
            )
        )
        assert linked == {student_id, brother}


def test_an_account_of_another_role_cannot_take_students(app, student_id):
    with app.app_context():
        staff = accounts.create_user("maria@example.org", PASSWORD, Role.COORDINATOR)
        invite_first_guardian(student_id)
        token = token_sent_to("maria@example.org")
        with pytest.raises(DomainError, match="another kind"):
            invitations.accept_with_account(token, staff)
        assert db.session.scalars(sa.select(StudentAccount)).all() == []


def test_who_may_be_invited_guardians_with_an_email_and_the_adult_student(app):
    with app.app_context():
        today = date.today()
        minor = make_student(
            app, guardians=[guardian(), guardian("Paul", None, position=2)], email="k@example.org"
        )
        adult = make_student(
            app,
            date_of_birth=date(today.year - 19, 1, 1),
            email="adult@example.org",
            guardians=[guardian("Eva", "eva@example.org")],
        )
        names = [i.name for i in invitations.invitees(db.session.get(Student, minor), today)]
        assert names == ["Maria Schmidt"]
        grown = invitations.invitees(db.session.get(Student, adult), today)
        assert [(i.key == "student", i.email) for i in grown] == [
            (False, "eva@example.org"),
            (True, "adult@example.org"),
        ]
        with pytest.raises(DomainError):
            invitations.invite(db.session.get(Student, minor), "student", None, link)
        invitations.invite(db.session.get(Student, adult), "student", None, link)
        user = invitations.accept_with_new_account(token_sent_to("adult@example.org"), PASSWORD)
        row = db.session.scalars(sa.select(StudentAccount)).one()
        assert (row.user_id, row.student_id, row.guardian_id) == (user.id, adult, None)


def test_a_guardian_of_another_student_cannot_be_invited_through_this_one(app, student_id):
    with app.app_context():
        other = make_student(app, guardians=[guardian("Eva", "eva@example.org")])
        other_guardian = db.session.get(Student, other).guardians[0].id
        with pytest.raises(DomainError):
            invitations.invite(db.session.get(Student, student_id), str(other_guardian), None, link)
