"""Guardians with an account in `flask demo`: the mother of a student abroad (placed, so her
page shows the host family and the teacher) and a parent of the cohort taking enrolments
whose documents are still coming in (her page lists what is missing). Linked as an
accepted invitation would link them."""

from __future__ import annotations

from app.cli import demo_data as data
from app.models import Enrolment, Role
from app.services.enrolment import documents
from app.services.identity import accounts, invitations


def _link(enrolment: Enrolment) -> str:
    guardian = enrolment.student.guardians[0]
    user = accounts.create_user(guardian.email, data.PASSWORD, Role.GUARDIAN, language="de")
    invitations.link_account(user, enrolment.student_id, guardian.id)
    return guardian.email


def fill(enrolments: dict[tuple[str, str], Enrolment]) -> list[tuple[str, str, str]]:
    """Accounts for two guardians; the demo's logins (role, email, what it shows) with them."""
    abroad = next(e for e in enrolments.values() if e.cohort.status.value == "travelling")
    missing = next(
        e
        for e in enrolments.values()
        if e.cohort.status.value == "open"
        and e.status.value == "accepted"
        and documents.missing_kinds(e)
    )
    return [
        *data.LOGINS,
        ("guardian", _link(abroad), "a mother: the host family, the teacher"),
        ("guardian", _link(missing), "a parent: the documents still missing"),
    ]
