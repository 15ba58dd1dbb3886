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
    """An uploaded student list (XLSX or CSV), kept as its table until it is imported or
    discarded.

    content: the table read from the file as JSON ({"header": [...], "records": [[first line,
    last line, cells], ...]}); it holds students' personal data and is emptied once the batch
    is finished: only the counts and the skipped rows' messages stay in result. source: how the
    file was read (kind, encoding, separator, sheet). mapping: the field of each column ("" for
    a column ignored), None until the columns are confirmed."""

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
    source: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    mapping: Mapped[list[str] | None] = mapped_column(sa.JSON)

    cohort: Mapped[Cohort | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'pending') = (finished_at IS NULL)", name="finished_unless_pending"
        ),
    )


class ImportMapping(db.Model):
    """A school's columns as confirmed on an import: the field of each column of a header
    ("" for a column ignored), used again for the school's next file with the same header.

    Holds column and field names, no personal data."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    school: Mapped[str] = mapped_column(sa.String(200))
    school_key: Mapped[str] = mapped_column(sa.String(200))
    header_key: Mapped[str] = mapped_column(sa.String(64))
    columns: Mapped[list[str]] = mapped_column(sa.JSON)
    fields: Mapped[list[str]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (sa.UniqueConstraint("header_key", "school_key"),)
