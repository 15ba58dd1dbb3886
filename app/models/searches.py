"""The last search of a list, kept per login session on the server."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SavedSearch(db.Model):
    """The words last searched for in a list (often a student's name), for one login session.
    Kept here rather than in Flask's session cookie, which is signed but not encrypted; gone
    with the login session (logout, expiry, the account's deletion)."""

    __tablename__ = "saved_searches"

    session_token: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("login_sessions.token", ondelete="CASCADE"), primary_key=True
    )
    list_name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    words: Mapped[str] = mapped_column(sa.String(100))
