"""A guardian's (or adult student's) own part in the documents: which enrolment and which file
an account may reach (its own students only, through the student_accounts link), uploading a
file for a document still missing or rejected, and the state of each file in plain words.

    enrolment = guardian_documents.enrolment_of(user, enrolment_id)  # None: a 404
    guardian_documents.upload(user, enrolment, kind, stream, filename)
    file = guardian_documents.file_of(user, enrolment, file_id)       # their own upload only

Uploading and downloading go through document_files, so the checks, the review and the audit
of every download are the same as for staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa

from app.extensions import db
from app.models import DocumentFile, DocumentKind, Enrolment, ReviewState, StudentAccount, User
from app.services.enrolment import document_files, documents


@dataclass(frozen=True)
class KindState:
    """One paper document of an enrolment as the guardian sees it."""

    kind: DocumentKind
    received: bool  # ticked as received on paper, or a file of it was accepted
    latest: DocumentFile | None  # the newest file of it, if any
    uploadable: bool  # still missing and nothing waiting: the guardian may upload


def enrolment_of(user: User, enrolment_id: int) -> Enrolment | None:
    """The enrolment if it belongs to one of the account's students; else None (a 404)."""
    return db.session.scalar(
        sa.select(Enrolment)
        .join(StudentAccount, StudentAccount.student_id == Enrolment.student_id)
        .where(Enrolment.id == enrolment_id, StudentAccount.user_id == user.id)
    )


def kind_or_none(kind: str) -> DocumentKind | None:
    return next((k for k in document_files.KINDS if k.value == kind), None)


def states(enrolment: Enrolment) -> list[KindState]:
    """Each paper document: received or not, its newest file, and whether to offer an upload
    (missing, and no file waits for review)."""
    missing = set(documents.missing_kinds(enrolment))
    files = document_files.by_kind(enrolment)
    found = []
    for kind in document_files.KINDS:
        latest = files[kind][0] if files[kind] else None
        waiting = latest is not None and latest.state == ReviewState.WAITING
        found.append(KindState(kind, kind not in missing, latest, kind in missing and not waiting))
    return found


def upload(
    user: User, enrolment: Enrolment, kind: DocumentKind, stream: bytes | BinaryIO, filename: str
) -> DocumentFile:
    """The guardian's upload: the same checks and review as staff's, uploaded by the account."""
    return document_files.upload(enrolment, kind, stream, filename, user)


def file_of(user: User, enrolment: Enrolment, file_id: int) -> DocumentFile | None:
    """A file of the enrolment that this account uploaded; None for any other (a 404)."""
    return db.session.scalar(
        sa.select(DocumentFile).where(
            DocumentFile.id == file_id,
            DocumentFile.enrolment_id == enrolment.id,
            DocumentFile.uploaded_by_id == user.id,
        )
    )
