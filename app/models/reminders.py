"""Reminders sent by `flask reminders send`: one row per reminder and recipient, so that a
second run (or two at once) sends nothing twice."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class SentReminder(db.Model):
    """A reminder of one kind, about one record (its type and id) for one key (the day it is
    for), sent to one recipient. Inserted before the email is queued: the unique constraint
    lets only one of two runs at once send it."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    target_type: Mapped[str] = mapped_column(sa.String(30))
    target_id: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(30))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (
        sa.UniqueConstraint(
            "kind", "target_type", "target_id", "key", "recipient", name="uq_sent_reminders_once"
        ),
    )
