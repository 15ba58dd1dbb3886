"""Uploaded files of an enrolment's documents and staff's review of them.

    file = document_files.upload(enrolment, kind, stream, filename, by_user)  # waiting
    document_files.accept(file, by_user)           # the document counts as received
    document_files.reject(file, reason, by_user)   # guardians (and an adult student) emailed
    with document_files.download(file) as stream:  # audited; serve as an attachment

Staff and, later, guardians upload through the same function. Files are never changed: a new
upload of the same kind is a new file, the next one to review (a rejected one stays on record
with its reason). An accepted file counts as the document received, as the paper tick does
(documents.missing_kinds, documents.lacks_documents). The stored file follows the database's
transaction (storage.transactional): a rolled-back request leaves no file behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from flask_babel import gettext as _

from app import storage
from app.extensions import db
from app.models import DocumentFile, DocumentKind, Enrolment, Guardian, ReviewState, User
from app.models.base import utcnow
from app.services.enrolment import documents, own_accounts, students, uploads
from app.services.errors import DomainError
from app.services.mail import notifications, templates
from app.services.privacy import audit
from app.storage import transactional

KINDS = documents.PAPER_KINDS  # guardian consent is recorded as a consent, not a file
REASON_LENGTH = 500
REJECTED_EMAIL = "document.rejected"
REJECTED_TO_STUDENT = "document.rejected.student"


def prefix(enrolment_id: int) -> str:
    """Where an enrolment's files are stored: erasure removes everything under it."""
    return f"enrolments/{enrolment_id}"


def _kind(kind: DocumentKind | str) -> DocumentKind:
    try:
        found = DocumentKind(kind)
    except ValueError:
        found = None
    if found not in KINDS:
        raise DomainError(_("Unknown document."), "kind")
    return found


def upload_refusal(enrolment: Enrolment) -> str | None:
    """Why no file can be uploaded for the enrolment now (it is withdrawn), or None."""
    try:
        documents.still_open(enrolment)
    except DomainError as refused:
        return refused.message
    return None


def upload(
    enrolment: Enrolment,
    kind: DocumentKind | str,
    stream: bytes | BinaryIO,
    filename: str,
    by_user: User | None,
) -> DocumentFile:
    """Check and store an uploaded file for one of the enrolment's documents; it waits for
    staff's review. Raises DomainError (field "file") for a file the checks refuse."""
    kind = _kind(kind)
    documents.still_open(enrolment)
    checked = uploads.check(stream, filename)
    key = transactional.add(checked.content, prefix=prefix(enrolment.id))
    file = DocumentFile(
        kind=kind,
        storage_key=key,
        content_type=checked.content_type,
        size=checked.size,
        filename=checked.filename,
        uploaded_by_id=by_user.id if by_user is not None else None,
        state=ReviewState.WAITING,
    )
    enrolment.files.append(file)
    db.session.flush()
    return file


def review_refusal(file: DocumentFile) -> str | None:
    """Why the file cannot be accepted or rejected now, or None."""
    if file.state != ReviewState.WAITING:
        return _("This file was already reviewed: it is %(state)s.", state=file.state.label)
    return upload_refusal(file.enrolment)


def _locked_for_review(file: DocumentFile) -> None:
    """Read the file again under a row lock, so that two reviews cannot both pass."""
    db.session.refresh(file, with_for_update=True)
    refusal = review_refusal(file)
    if refusal:
        raise DomainError(refusal, "state")


def accept(file: DocumentFile, by_user: User | None) -> None:
    """Accept a waiting file: its document counts as received."""
    _locked_for_review(file)
    file.state = ReviewState.ACCEPTED
    file.reviewed_by_id = by_user.id if by_user is not None else None
    file.reviewed_at = utcnow()
    db.session.flush()


def clean_reason(reason: str | None) -> str:
    """The reason as stored, or DomainError (field "reason") when it is missing or too long."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say why the file is rejected; the guardians will read it."), "reason")
    if len(reason) > REASON_LENGTH:
        raise DomainError(_("The reason is too long: at most 500 characters."), "reason")
    return reason


def recipients(file: DocumentFile) -> list[Guardian]:
    """The guardians a rejection is emailed to: the student's guardians with an email, once
    per address (two guardians may share one)."""
    return students.guardians_with_email(file.enrolment.student)


def students_told(file: DocumentFile, guardians: list[Guardian] | None = None) -> list[User]:
    """The student's own accounts a rejection is emailed to too (an adult who uploads for
    themself), except an address a guardian already gets it at."""
    if guardians is None:
        guardians = recipients(file)
    return own_accounts.adult_accounts(file.enrolment.student_id, guardians)


def reject(
    file: DocumentFile,
    reason: str | None,
    by_user: User | None,
    page_url: Callable[[int], str] | None = None,
) -> tuple[list[Guardian], list[User]]:
    """Reject a waiting file with a reason, and email the reason to the student's guardians,
    each in their language, and to the student's own account if they have one (an adult),
    with page_url(student id), the link to their page. Returns (guardians, accounts) emailed."""
    reason = clean_reason(reason)
    _locked_for_review(file)
    file.state = ReviewState.REJECTED
    file.rejection_reason = reason
    file.reviewed_by_id = by_user.id if by_user is not None else None
    file.reviewed_at = utcnow()
    db.session.flush()
    guardians = recipients(file)
    accounts = students_told(file, guardians)
    link = page_url(file.enrolment.student_id) if page_url is not None else ""
    for guardian in guardians:
        with notifications.in_language_of_guardian(guardian):
            _email_rejection(file, guardian.email, REJECTED_EMAIL, guardian.name, link)
    for account in accounts:
        with own_accounts.in_language_of_student(account):
            name = file.enrolment.student.full_name
            _email_rejection(file, account.email, REJECTED_TO_STUDENT, name, link)
    return guardians, accounts


def _email_rejection(file: DocumentFile, address: str, key: str, name: str, link: str) -> None:
    """Queue the email, written in the language being written in now."""
    enrolment = file.enrolment
    values = {
        "name": name,
        "student": enrolment.student.first_name,
        "cohort": enrolment.cohort.name,
        "document": str(file.kind.label),
        "reason": file.rejection_reason,
        "link": link,
    }
    subject, body = templates.render(key, templates.language(), values)
    notifications.queue(address, subject, body)


def by_kind(enrolment: Enrolment) -> dict[DocumentKind, list[DocumentFile]]:
    """The enrolment's files for each kind, newest first (every kind, maybe no files)."""
    found: dict[DocumentKind, list[DocumentFile]] = {kind: [] for kind in KINDS}
    for file in sorted(enrolment.files, key=lambda f: f.id, reverse=True):
        found.setdefault(file.kind, []).append(file)
    return found


def waiting(enrolment: Enrolment) -> list[DocumentFile]:
    """The enrolment's files still waiting for review, oldest first."""
    return [f for f in enrolment.files if f.state == ReviewState.WAITING]


def download(file: DocumentFile) -> BinaryIO:
    """The stored file as a binary stream (use `with`), after the download is written to the
    audit trail. Serve it only as an attachment with file.content_type and file.filename."""
    audit.record(
        "download",
        "enrolment",
        file.enrolment_id,
        {"document_file": file.id, "kind": file.kind.value},
    )
    return storage.current().open(file.storage_key)
