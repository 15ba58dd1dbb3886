"""Uploaded document files in the purge, the export and the erasure: the rows with their
enrolments, the stored files (everything under the enrolment's prefix) once the deletion is
committed, and a list of them in a student's export."""

from __future__ import annotations

from collections.abc import Iterable

from app.models import DocumentFile, Enrolment
from app.services.enrolment.document_files import prefix
from app.services.privacy.rows import delete_rows, row
from app.storage import transactional

EXPORTED = (
    "kind",
    "filename",
    "content_type",
    "size",
    "state",
    "uploaded_at",
    "rejection_reason",
    "reviewed_at",
)


def delete_files(enrolment_ids: Iterable[int]) -> int:
    """Delete the files of these enrolments: the rows now, the stored files (every key under
    each enrolment's prefix, including any no row names) when the transaction commits."""
    ids = sorted(set(enrolment_ids))
    for enrolment_id in ids:
        transactional.delete_all(prefix(enrolment_id))
    return delete_rows(DocumentFile, DocumentFile.enrolment_id, ids)


def exported(enrolment: Enrolment) -> list[dict]:
    """The enrolment's files as a student's export lists them (name, kind, state, dates)."""
    return [row(file, EXPORTED) for file in enrolment.files]
