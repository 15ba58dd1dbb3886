"""Uploaded student lists waiting for confirmation (the CSV import)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.cohorts import Cohort


class ImportStatus(StrEnum):
    PENDING = "pending"
    IMPORTED = "imported"
    DISCARDED = "discarded"


class ImportBatch(db.Model):
    """An uploaded CSV file, kept as text until it is imported or discarded.

    The text holds students' personal data; it is emptied once the batch is finished and
    only the counts and the skipped rows' messages stay in result."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[str] = mapped_column(sa.Text)
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "import_status"), default=ImportStatus.PENDING, index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    finished_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    cohort: Mapped[Cohort | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'pending') = (finished_at IS NULL)", name="finished_unless_pending"
        ),
    )
