"""Counts kept between requests while the rows they are computed from do not change.

Every transaction that writes one of the WATCHED tables through a session (a flush of
objects, or a bulk ``sa.insert``/``sa.update``/``sa.delete`` run by ``session.execute``)
sets a new random version token (the setting ``kept_version``) as its last statement before
it commits. A kept value is held in the memory of each process together with the token it
was computed under, and is used only while the database still holds that token: reading the
token is one small statement, so several worker processes stay right. A value that depends
on the day says so (``fresh``); a transaction that has written a watched table reads fresh
values until it ends. A bulk COPY (app.bulk) says so itself (``note_write``). Writes that go
around the session otherwise (a raw connection, psql) are not seen: restart the processes
after such a change.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import TypeVar
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app.extensions import db
from app.models import Setting
from app.models.base import utcnow

KEY = "kept_version"
# The tables the kept values are computed from (the dashboard's contacts due, waitlists,
# missing documents, families by status, background checks expiring, the unplaced list): a
# write to any of them gives a new version.
WATCHED = frozenset(
    {
        "cohorts",
        "programmes",
        "enrolments",
        "placements",
        "contacts",
        "enrolment_documents",
        "document_files",
        "guardian_consents",
        "guardians",
        "students",
        "host_applications",
        "application_cohorts",
        "host_families",  # deleting one deletes its applications in the database
    }
)
WRITTEN, TOKEN = "kept_written", "kept_token"
T = TypeVar("T")
_kept: dict[tuple[str, str], tuple[str, object]] = {}


def _written(session: Session) -> None:
    session.info[WRITTEN] = True
    session.info.pop(TOKEN, None)


def note_write(session: Session, table_name: str) -> None:
    """A write the session's events do not see (app.bulk's COPY on PostgreSQL), in the
    session's transaction: a new version at its commit when the table is watched."""
    if table_name in WATCHED:
        _written(session)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    if WRITTEN in session.info:
        return
    for target in chain(session.new, session.dirty, session.deleted):
        if any(table.name in WATCHED for table in sa.inspect(target).mapper.tables):
            _written(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        if getattr(table, "name", None) in WATCHED:
            _written(state.session)
    elif isinstance(statement, sa.TextClause):
        words = statement.text.lstrip().split(None, 1)
        if words and words[0].lower() in ("insert", "update", "delete"):
            _written(state.session)


@event.listens_for(Session, "before_commit")
def _new_version(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the transaction's own commit gives the version (no lock till then)
    session.flush()  # what is still pending counts too
    if session.info.pop(WRITTEN, False):
        session.connection().execute(_upsert(session.connection().dialect.name))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITTEN, None)
        session.info.pop(TOKEN, None)


def _upsert(dialect: str) -> sa.Insert:
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Setting.__table__)
    values = {"key": KEY, "value": uuid4().hex, "updated_at": utcnow()}
    return insert.values(values).on_conflict_do_update(
        index_elements=["key"],
        set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
    )


def _token(session: Session) -> str | None:
    if session.info.get(WRITTEN):
        return None
    if TOKEN not in session.info:
        found = session.execute(sa.select(Setting.value).where(Setting.key == KEY)).scalar()
        session.info[TOKEN] = found
    return session.info[TOKEN]


def value(
    name: str, compute: Callable[[], T], fresh: Callable[[T], bool] = lambda _found: True
) -> T:
    """compute()'s result, kept while no watched table is written and fresh(result) holds.
    A kept result must not hold ORM objects (they belong to one session): plain values."""
    session = db.session()
    token = _token(session)
    if token is None:
        return compute()
    slot = (str(session.get_bind().engine.url), name)
    found = _kept.get(slot)
    if found is not None and found[0] == token and fresh(found[1]):
        return found[1]
    result = compute()
    _kept[slot] = (token, result)
    return result
