"""Outgoing email, kept until it is sent so that a failed send loses nothing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class OutboxEmail(db.Model):
    """An email waiting to be sent, or sent. Failed sends are retried and shown to staff."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    # The Message-ID header, fixed when queued: a retry sends the same email, not a new one.
    message_id: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    # "transactional" (about the recipient's own account or application) or "group" (a
    # message to many, which the recipient can unsubscribe from: List-Unsubscribe).
    kind: Mapped[str] = mapped_column(
        sa.String(20), default="transactional", server_default="transactional"
    )
    unsubscribe_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The recipient's mail server refused it for good (a 5xx answer): not retried.
    bounced_at: Mapped[datetime | None] = mapped_column()
