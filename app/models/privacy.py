"""What survives of a cohort after its personal data is deleted: anonymous statistics."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


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
