"""What privacy needs to keep: settings an admin changes (retention periods), and the anonymous
statistics left of a cohort after its personal data is deleted."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Setting(db.Model):
    """One setting an admin can change in the application, e.g. retention_months."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class CohortStatistics(db.Model):
    """What survives of a purged cohort: how many students, which year, from which schools."""

    __tablename__ = "cohort_statistics"

    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int]
    students: Mapped[int]
    families: Mapped[int] = mapped_column(default=0)
    schools: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # school name → students
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
