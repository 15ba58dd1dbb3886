"""The partnership's history, shown as a timeline."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class HistoryEvent(db.Model):
    """An event of the partnership. No year means it describes the present."""

    __tablename__ = "history_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int | None] = mapped_column(index=True)
    month: Mapped[int | None]
    day: Mapped[int | None]
    ongoing: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    title_en: Mapped[str] = mapped_column(sa.String(200))
    title_de: Mapped[str] = mapped_column(sa.String(200))
    text_en: Mapped[str] = mapped_column(sa.Text)
    text_de: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("year IS NULL OR year BETWEEN 1800 AND 2200", name="year_range"),
        sa.CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_range"),
        sa.CheckConstraint("day IS NULL OR day BETWEEN 1 AND 31", name="day_range"),
        sa.CheckConstraint("day IS NULL OR month IS NOT NULL", name="day_needs_month"),
        sa.CheckConstraint("month IS NULL OR year IS NOT NULL", name="month_needs_year"),
    )

    def title(self, locale: str) -> str:
        return self.title_de if locale == "de" else self.title_en

    def text(self, locale: str) -> str:
        return self.text_de if locale == "de" else self.text_en
