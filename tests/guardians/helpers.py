"""Guardians' accounts for the tests: a student with a guardian who has an email address,
and an account linked to the student through a real invitation."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxEmail, Student
from app.services.identity import invitations
from tests.conftest import post

GUARDIAN_PASSWORD = "lantern-harbour-velvet"
INVITATION_RE = re.compile(r"https?://[^/\s]+(/invitation/\S+)")


def guardian(name="Maria Schmidt", email="maria@example.org", locale=None, position=1) -> dict:
    return {
        "name": name,
        "relation": "mother",
        "phone": "+49 231 1",
        "email": email,
        "locale": locale,
        "position": position,
    }


def invitation_paths(app, email: str) -> list[str]:
    """The paths of the invitation links emailed to the address, oldest first."""
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxEmail.body)
            .where(OutboxEmail.recipient == email)
            .order_by(OutboxEmail.id)
        ).all()
    return [path for body in bodies for path in INVITATION_RE.findall(body)]


def linked_account(app, student_id: int, email: str = "maria@example.org") -> int:
    """Invite the student's guardian of this address and accept with a new account; its id."""
    with app.app_context():
        student = db.session.get(Student, student_id)
        key = next(g.id for g in student.guardians if g.email == email)
        invitations.invite(student, str(key), None, lambda t: f"http://localhost/invitation/{t}")
        db.session.commit()
    token = invitation_paths(app, email)[-1].rsplit("/", 1)[1]
    with app.app_context():
        user = invitations.accept_with_new_account(token, GUARDIAN_PASSWORD)
        db.session.commit()
        return user.id


def log_in(client, email: str = "maria@example.org", password: str = GUARDIAN_PASSWORD):
    return post(client, "/login", {"email": email, "password": password})
