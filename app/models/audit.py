"""The audit trail: who did or saw what, to which record, when and from where.

Entries hold ids, actions and field or column names, never the values themselves, so that the
trail can be kept longer than the data it describes. The application only ever adds rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.users import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # UTC
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(50), index=True)  # e.g. "roster.pdf"
    record_type: Mapped[str] = mapped_column(sa.String(30), default="")  # e.g. "cohort"
    record_id: Mapped[int | None]
    # Names, not values: e.g. {"columns": ["name", "allergies"], "group": "family"}.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")

    user: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_entries_record", "record_type", "record_id"),)
