"""Database connection settings that the ORM does not set by itself."""

from __future__ import annotations

import os
import select
from pathlib import Path

from flask import Flask
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType


def _sqlite_pragmas(busy_timeout_ms: int):
    def set_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages of the file.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    return set_pragmas


def _owner_only(database: str | None, instance: Path) -> None:
    """The database holds minors' personal data: its file is the owner's alone (SQLite gives
    its -wal and -shm files the permissions of the database file), and so is the folder when
    it is the application's own instance folder. A folder elsewhere (/tmp, a shared volume)
    is the operator's and is left as it is."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).resolve()
    targets = [(path, 0o600)]
    if path.parent == instance.resolve():
        targets.append((path.parent, 0o700))
    for target, mode in targets:
        try:
            if target.exists() and target.stat().st_uid == os.getuid():
                target.chmod(mode)
        except OSError:  # a read-only or foreign file system: the operator's choice
            pass


def checkpoint_and_truncate() -> None:
    """After an erasure or a purge is committed: SQLite copies the write-ahead log into the
    database and truncates it, so that the deleted rows do not live on in the -wal file.
    Nothing to do on PostgreSQL."""
    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _sqlite_write_lock(state: ORMExecuteState) -> None:
    """`SELECT … FOR UPDATE` on SQLite: the driver starts a transaction only at the first write,
    so the rows read before it may change before the write. SQLite has no row locks; taking
    the database's write lock (BEGIN IMMEDIATE) before such a read makes it what the lock is
    on PostgreSQL: the row as it is now, and nobody else's write until this commits."""
    if not state.is_select or getattr(state.statement, "_for_update_arg", None) is None:
        return
    connection = state.session.connection(bind_arguments=state.bind_arguments)
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def _server_quiet(dbapi_connection) -> bool:
    """Whether a pooled connection to the server has said nothing since its last answer.
    Between requests nothing is asked, so nothing should arrive: a server that shuts down or
    restarts, or ends the session (idle timeout, pg_terminate_backend), sends its farewell
    and closes the socket, which makes it readable (or hung up). One poll of the socket, no
    round trip."""
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return False
    try:
        socket = dbapi_connection.pgconn.socket
    except Exception:  # no socket: the connection is gone
        return False
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


def _check_on_checkout(engine: Engine):
    """checkout: a connection taken from the pool for a request works, at the cost of one
    system call rather than a round trip per request (SQLAlchemy's `pool_pre_ping` asks the
    server `SELECT 1` each time). When the socket is not quiet the server is asked after
    all; a connection that does not answer invalidates the pool (as a failed pre-ping does:
    after a restart, all of them are gone), and the pool connects anew."""
    dialect = engine.dialect

    def check(dbapi_connection, _record, _proxy) -> None:
        if _server_quiet(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.InvalidatePoolError(f"the server did not answer: {error}") from error

    return check


def init_app(app: Flask) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout and secure deletion on every new connection;
    the database file readable by its owner only. PostgreSQL: a pooled connection is checked
    before a request uses it (`_check_on_checkout`)."""
    from app.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 10000)
            event.listen(engine, "connect", _sqlite_pragmas(timeout))
            # On every connect: the first one creates the file, with the umask's permissions.
            database, instance = engine.url.database, Path(app.instance_path)
            event.listen(engine, "connect", lambda *_: _owner_only(database, instance))
            if not event.contains(Session, "do_orm_execute", _sqlite_write_lock):
                event.listen(Session, "do_orm_execute", _sqlite_write_lock)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "checkout", _check_on_checkout(engine))


class days_before(ColumnElement):
    """The date a number of days (an integer expression) before a date column: for a
    condition such as "leaves within its programme's alert weeks" in SQL, on both
    databases (SQLite keeps dates as ISO text)."""

    inherit_cache = True
    type = NullType()
    # Both expressions are part of the statement's cache key: without them SQLAlchemy
    # compiled every statement using this anew (~2 ms each).
    _traverse_internals = [
        ("day", InternalTraversal.dp_clauseelement),
        ("days", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, day: ColumnElement, days: ColumnElement) -> None:
        self.day = day
        self.days = days


@compiles(days_before)
def _days_before_default(element: days_before, compiler, **kw) -> str:
    day, days = compiler.process(element.day, **kw), compiler.process(element.days, **kw)
    return f"({day} - ({days}))"


@compiles(days_before, "sqlite")
def _days_before_sqlite(element: days_before, compiler, **kw) -> str:
    day, days = compiler.process(element.day, **kw), compiler.process(element.days, **kw)
    return f"date({day}, '-' || ({days}) || ' days')"


def distinct_values(column, above: str | None = None):
    """SELECT DISTINCT column, ascending, as a walk of the column's index from one value to
    the next (a recursive query: as many index lookups as there are values). A plain
    DISTINCT reads every row: the audit trail's 300,000 for its ten actions, ~100 ms on
    PostgreSQL. Values greater than `above` only, if given."""
    import sqlalchemy as sa

    first = sa.select(sa.func.min(column).label("value"))
    if above is not None:
        first = first.where(column > above)
    found = first.cte("found", recursive=True)
    following = sa.select(sa.func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(sa.select(following).where(found.c.value.is_not(None)))
    return sa.select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)


class CappedPagination(SelectPagination):
    """A page of a select (as db.paginate gives) whose total is counted up to a cap only:
    counting every row of a long list costs more than showing a page of it (the audit
    trail's 300,000 rows, ~45 ms on PostgreSQL). The count reads at most `cap` rows, or as
    many as reach the end of the page asked for; `more` is True when there are more rows
    than `total` says (a page list then says "more than", and Next is offered)."""

    more: bool = False

    def _query_count(self) -> int:
        import sqlalchemy as sa
        from sqlalchemy.orm import lazyload

        cap = max(self._query_args["cap"], self._query_offset + self.per_page)
        select = self._query_args["select"].options(lazyload("*")).order_by(None)
        rows = select.limit(cap + 1).subquery()
        found = (
            self._query_args["session"]
            .execute(sa.select(sa.func.count()).select_from(rows))
            .scalar_one()
        )
        self.more = found > cap
        return min(found, cap)

    @property
    def has_next(self) -> bool:
        return self.more or super().has_next


def capped_page(select, page: int, per_page: int, cap: int) -> CappedPagination:
    """The page of the select, its total counted up to `cap` (see CappedPagination)."""
    from app.extensions import db

    return CappedPagination(
        select=select,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=per_page,
        cap=cap,
    )


class CountedPagination(SelectPagination):
    """A page of a select whose total comes with its rows (`count(*) OVER ()`), in one
    statement instead of two. For a select whose every match must be read to order the page
    anyway (students found by a word: the words' lookup is read whole and sorted by name),
    the count of a second statement would read them all again."""

    def _query_items(self) -> list:
        import sqlalchemy as sa

        select = self._query_args["select"].add_columns(sa.func.count().over().label("total"))
        rows = self._query_args["session"].execute(
            select.limit(self.per_page).offset(self._query_offset)
        )
        items, self._total = [], None
        for item, total in rows:
            items.append(item)
            self._total = total
        return items

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        # No row on this page: none at all on the first, else a page past the end.
        return 0 if self.page == 1 else super()._query_count()


def counted_page(select, page: int, per_page: int) -> CountedPagination:
    """The page of the select with its total read in the same statement (see
    CountedPagination)."""
    from app.extensions import db

    return CountedPagination(
        select=select, session=db.session(), page=page, per_page=per_page, max_per_page=per_page
    )
