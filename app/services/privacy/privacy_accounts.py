"""Requests of staff (admins, coordinators, teachers) about their own account (GDPR art. 15,
17): export what is held about the account, the teacher's record with it, the messages it
received and its background jobs; erase the account with those messages. A host family's
account is exported and erased with the family (privacy_requests).

The erasure deletes the account (its sessions, links and counted wrong passwords, its
background jobs and their files), a teacher's record and cohort assignments, the person's
rows in the delivery logs of group messages, the outbox emails to the address or naming the
teacher, the notes of reminders sent to the address and the address's opt-out; the name and
address in staff notes and group messages become "[erased]"; the audit trail loses its links
to the account. What staff did stays, without the link to them (rows pointing to the account
are set to none). Only flushes: the command commits."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import CohortTeacher, Role, Teacher, User
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity import accounts
from app.services.privacy import (
    audit,
    privacy,
    privacy_guardians,
    privacy_jobs,
    privacy_messages,
    privacy_requests,
)
from app.services.privacy.rows import delete_rows, plain, row


def teacher_of(user: User) -> Teacher | None:
    return db.session.scalar(sa.select(Teacher).where(Teacher.user_id == user.id))


def _staff(user: User) -> Teacher | None:
    if user.role == Role.HOST_FAMILY:
        raise DomainError(_("A host family's account is erased with the family."))
    return teacher_of(user)


def account_data(user: User) -> dict:
    """Everything held about a staff account: the account, a teacher's record and cohorts,
    the group messages, reminders and emails it received, the audit entries about it."""
    teacher = _staff(user)
    addresses: list[str | None] = [user.email]
    assignments = []
    if teacher is not None:
        assignments = db.session.scalars(
            sa.select(CohortTeacher)
            .where(CohortTeacher.teacher_id == teacher.id)
            .order_by(CohortTeacher.cohort_id)
        ).all()
    return {
        "format": privacy_requests.FORMAT,
        "kind": "account",
        "exported_at": plain(utcnow()),
        "account": row(user, privacy_requests.ACCOUNT_FIELDS),
        "teacher": row(teacher) if teacher else None,
        "cohort_assignments": [row(a) for a in assignments],
        "application_drafts": privacy_guardians.drafts_of(user.id),
        "emails": privacy_requests.emails_to(addresses),
        "background_jobs": privacy_jobs.exported(user.id),
        **privacy_messages.exported("user", [user.id], addresses),
        "audit_trail": privacy_requests.trail(
            {"user": [user.id], "teacher": [teacher.id] if teacher else []}
        ),
    }


def export_account(user: User) -> bytes:
    """A ZIP with account-<id>.json; the export is recorded in the audit trail."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data = json.dumps(account_data(user), ensure_ascii=False, indent=2)
        archive.writestr(f"account-{user.id}.json", data)
    audit.record("privacy.exported", "user", user.id, {"format": "zip"})
    return buffer.getvalue()


def erase_account(user: User, by_id: int | None) -> None:
    """Erase a staff account and the messages to it (see the module's text). The last active
    admin cannot be erased (make another admin first), nor the admin's own account."""
    teacher = _staff(user)
    if by_id is not None and by_id == user.id:
        raise DomainError(_("You cannot erase your own account; ask another admin."))
    if user.active:
        accounts.deactivate(user)  # refuses the last active admin
    user_id, addresses = user.id, [user.email]
    names = [teacher.name] if teacher else []
    records = {"user": [user_id], "teacher": [teacher.id] if teacher else []}
    with audit.quiet():
        privacy_messages.erase("user", [user_id], addresses)
        privacy_jobs.erase(user_id)
        privacy.delete_emails_about(addresses, names)
        privacy.replace_in_notes([*names, *addresses])
        if teacher is not None:
            delete_rows(CohortTeacher, CohortTeacher.teacher_id, [teacher.id])
            delete_rows(Teacher, Teacher.id, [teacher.id])
        db.session.flush()
        privacy.delete_users([user_id])
        audit.scrub(records, [user_id])
    db.session.expire_all()
    audit.record("privacy.erased", "", None, {"kind": "account"}, user_id=by_id)
