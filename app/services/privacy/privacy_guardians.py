"""The personal data of guardians' and adult students' accounts (issue 20): the links of an
account to students and the invitations. Deleted with the student (an account left without a
student is closed: deleted with its logins), exported with the student, and invitations that
never worked out are deleted by the purge some time after they expired."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import ApplicationDraft, Invitation, Role, StudentAccount, User
from app.services.enrolment import applications_online
from app.services.identity import accounts
from app.services.privacy.rows import delete_rows, ids_of, plain

# Invitations not accepted are kept this long after they expired (the student's page shows
# that one was sent), then the purge deletes them.
INVITATION_DAYS = 90


def delete_links(student_ids: Iterable[int]) -> list[int]:
    """Delete the students' invitations and their accounts' links to them; the ids of the
    guardians' accounts left without any student, for the caller to delete."""
    student_ids = list(student_ids)
    users = set(
        ids_of(
            lambda chunk: sa.select(StudentAccount.user_id).where(
                StudentAccount.student_id.in_(chunk)
            ),
            student_ids,
        )
    )
    delete_rows(Invitation, Invitation.student_id, student_ids)
    delete_rows(StudentAccount, StudentAccount.student_id, student_ids)
    if not users:
        return []
    still_linked = sa.select(StudentAccount.id).where(StudentAccount.user_id == User.id)
    return list(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(users), User.role == Role.GUARDIAN, ~still_linked.exists()
            )
        )
    )


def own_addresses(student_id: int) -> list[str]:
    """The addresses of the student's own accounts (an adult's, switched off or not): emails
    and reminder notes to them are the student's data."""
    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(StudentAccount, StudentAccount.user_id == User.id)
            .where(StudentAccount.student_id == student_id, StudentAccount.guardian_id.is_(None))
            .order_by(User.id)
        )
    )


def end_expired(now: datetime) -> None:
    """What ends by time and leaves nothing to report: login sessions past their limits, and
    invitations not accepted that expired over INVITATION_DAYS ago, drafts of applications
    untouched for applications_online.DRAFT_DAYS."""
    accounts.end_expired_sessions(now)
    applications_online.purge_drafts(now)  # drafts untouched for DRAFT_DAYS
    db.session.execute(
        sa.delete(Invitation).where(
            Invitation.accepted_at.is_(None),
            Invitation.expires_at < now - timedelta(days=INVITATION_DAYS),
        )
    )


def student_accounts(student_id: int) -> dict[str, list[dict]]:
    """For the student's export: the accounts that see the student, and the invitations."""
    links = db.session.execute(
        sa.select(StudentAccount, User.email)
        .join(User, User.id == StudentAccount.user_id)
        .where(StudentAccount.student_id == student_id)
        .order_by(StudentAccount.id)
    ).all()
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.student_id == student_id).order_by(Invitation.id)
    )
    return {
        "accounts": [
            {
                "email": email,
                "as": "guardian" if link.guardian_id else "student",
                "guardian_id": link.guardian_id,
                "linked_at": plain(link.created_at),
            }
            for link, email in links
        ],
        "invitations": [
            {
                "email": i.email,
                "guardian_id": i.guardian_id,
                "sent_at": plain(i.created_at),
                "expires_at": plain(i.expires_at),
                "replaced_at": plain(i.replaced_at),
                "accepted_at": plain(i.accepted_at),
            }
            for i in invitations
        ],
    }


def drafts_of(user_id: int) -> list[dict]:
    """For the account's export: its applications made online (a draft's answers)."""
    drafts = db.session.scalars(
        sa.select(ApplicationDraft)
        .where(ApplicationDraft.user_id == user_id)
        .order_by(ApplicationDraft.id)
    )
    return [
        {
            "cohort_id": d.cohort_id,
            "started_at": plain(d.created_at),
            "saved_at": plain(d.updated_at),
            "submitted_at": plain(d.submitted_at),
            "student_id": d.student_id,
            "answers": d.answers,
        }
        for d in drafts
    ]
