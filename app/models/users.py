"""Accounts, roles and login sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow


class Role(LabelledEnum):
    ADMIN = "admin", _l("Admin")
    COORDINATOR = "coordinator", _l("Coordinator")
    TEACHER = "teacher", _l("Supervising teacher")
    HOST_FAMILY = "host_family", _l("Host family")
    # A parent or legal guardian, or a student of 18 or more: their own student(s) only.
    GUARDIAN = "guardian", _l("Parent or student")


class User(UserMixin, db.Model):
    """A person who can log in. The role decides what they may do (see app.access)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the person followed a link sent to the address. Families who sign up cannot log in
    # before; accounts that staff or commands create count as confirmed when created.
    email_confirmed_at: Mapped[datetime | None]

    sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        # The admin's list of accounts: by role, then email, page by page.
        sa.Index("ix_users_role_email", "role", "email"),
    )

    # The login session this request runs under; set by the user loader.
    session_token = None  # str | None; not a column

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login stores the login session's token, never the user id, so that a
        logout (which deletes the token) also invalidates copies of the cookies."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSession(db.Model):
    """One login on one device. Logging out deletes it; a replayed cookie then finds nothing.
    The server also ends it after a time without use and after a longest lifetime."""

    __tablename__ = "login_sessions"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the session was last used (to the SEEN_EVERY of app.services.identity.accounts):
    # a session idle longer than SESSION_IDLE_LIMIT, or older than SESSION_MAX_AGE, has ended.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")
