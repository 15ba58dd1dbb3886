"""The last search of each list, kept per login session on the server: search words are
often a student's name, and Flask's session cookie is signed, not encrypted. A saved search
goes with its login session (logout, expiry, the account's deletion: the foreign key
cascades, and the privacy service deletes them with the user's sessions)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import LoginSession, SavedSearch

INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _this(token: str, list_name: str) -> sa.ColumnElement[bool]:
    return (SavedSearch.session_token == token) & (SavedSearch.list_name == list_name)


def remembered(token: str | None, list_name: str) -> str:
    """The words last searched for in the list during this login session, or ""."""
    if not token:
        return ""
    return db.session.scalar(sa.select(SavedSearch.words).where(_this(token, list_name))) or ""


def remember(token: str | None, list_name: str, words: str) -> None:
    """Keep the words as the list's search for this login session; no words forget it.
    Two searches at once (a double click) both end well: the later words win."""
    if not token:
        return
    if not words:
        forget(token, list_name)
        return
    insert = INSERTS[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(SavedSearch)
        .values(session_token=token, list_name=list_name, words=words)
        .on_conflict_do_update(
            index_elements=[SavedSearch.session_token, SavedSearch.list_name],
            set_={"words": words},
        )
    )


def forget(token: str | None, list_name: str) -> None:
    """Forget the list's search for this login session."""
    if token:
        db.session.execute(sa.delete(SavedSearch).where(_this(token, list_name)))


def forget_sessions_of(user_ids: list[int]) -> int:
    """Delete the saved searches of these users' login sessions; how many."""
    if not user_ids:
        return 0
    tokens = sa.select(LoginSession.token).where(LoginSession.user_id.in_(user_ids))
    return db.session.execute(
        sa.delete(SavedSearch).where(SavedSearch.session_token.in_(tokens))
    ).rowcount
