"""Uploaded files of an enrolment's documents (a scan of the passport, a photo of the medical
form) and staff's review of each: waiting, accepted, or rejected with a reason. The file itself
is in the storage layer (app/storage) under the enrolment's prefix; the row keeps its key."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.enrolments import DocumentKind, Enrolment


class ReviewState(LabelledEnum):
    WAITING = "waiting", _l("waiting for review")
    ACCEPTED = "accepted", _l("accepted")
    REJECTED = "rejected", _l("rejected")


class DocumentFile(db.Model):
    """One uploaded file for a document of an enrolment. Files are never changed: a new
    upload of the same kind is a new row, the one to review next."""

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_file_kind"))
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, "document_file_state"), default=ReviewState.WAITING
    )
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reviewed_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship(back_populates="files")

    __table_args__ = (
        sa.CheckConstraint("kind <> 'guardian_consent'", name="file_consent_elsewhere"),
        sa.CheckConstraint("size > 0", name="file_size_positive"),
        sa.CheckConstraint(
            "(state = 'rejected') = (rejection_reason <> '')", name="file_reason_if_rejected"
        ),
        sa.CheckConstraint(
            "(state = 'waiting') = (reviewed_at IS NULL)", name="file_reviewed_unless_waiting"
        ),
        sa.Index("ix_document_files_enrolment_kind", "enrolment_id", "kind"),
    )

    @property
    def accepted(self) -> bool:
        return self.state == ReviewState.ACCEPTED
