"""Messages staff write to a group (a cohort's guardians, its families, its teachers, …), one
delivery row per recipient, and the addresses that asked to receive no more group messages."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class GroupMessage(db.Model):
    """A message to an audience, written in English and German; sent once (sent_at)."""

    __tablename__ = "group_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(sa.String(30))
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    subject_en: Mapped[str] = mapped_column(sa.String(200))
    body_en: Mapped[str] = mapped_column(sa.Text)
    subject_de: Mapped[str] = mapped_column(sa.String(200))
    body_de: Mapped[str] = mapped_column(sa.Text)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    deliveries: Mapped[list[MessageDelivery]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageDelivery.id"
    )


class MessageDelivery(db.Model):
    """One recipient of a message: queued (with its outbox email), unreachable (no email
    known) or skipped (the address unsubscribed from group messages)."""

    __tablename__ = "message_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("group_messages.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    recipient_kind: Mapped[str] = mapped_column(sa.String(20))  # "user" or "guardian"
    recipient_id: Mapped[int] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    outbox_email_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_emails.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(20))  # queued, unreachable, opted_out

    message: Mapped[GroupMessage] = relationship(back_populates="deliveries")


class MessageOptOut(db.Model):
    """An address that receives no more group messages (transactional emails still go)."""

    __tablename__ = "message_opt_outs"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
