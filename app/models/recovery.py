"""Single-use links sent by email (a new password, confirming the address), and the record
of attempts that the limits on guessing passwords and on asking for links count."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow


class LinkPurpose(LabelledEnum):
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a password)
    CONFIRM_EMAIL = "confirm_email"


class AccountLink(db.Model):
    """A link sent to an account's email address. Only the SHA-256 of its token is kept, so
    that a copy of the database opens no account; used once, then dead; dead too when it
    expires or the password changes (the account's links of that purpose are deleted)."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "link_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class AttemptKind(LabelledEnum):
    # At login or when changing the password.
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (a kind, not a password)
    LINK_REQUESTED = "link_requested"  # "forgot your password", "send the link again"


class Attempt(db.Model):
    """One failed login or password change, or one request for a link: what the limits count.
    The account is named by a keyed hash of the email typed (the same for an unknown address,
    so that the limits tell nobody whether an account exists); kept for a day."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttemptKind] = mapped_column(enum_column(AttemptKind, "attempt_kind"))
    account_key: Mapped[str] = mapped_column(sa.String(64))
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (
        sa.Index("ix_attempts_kind_account_key_at", "kind", "account_key", "at"),
        sa.Index("ix_attempts_kind_ip_address_at", "kind", "ip_address", "at"),
    )
