"""Database connection settings that the ORM does not set by itself."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
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


def init_app(app: Flask) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout and secure deletion on every new connection;
    the database file readable by its owner only."""
    from app.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 10000)
            event.listen(engine, "connect", _sqlite_pragmas(timeout))
            # On every connect: the first one creates the file, with the umask's permissions.
            database, instance = engine.url.database, Path(app.instance_path)
            event.listen(engine, "connect", lambda *_: _owner_only(database, instance))


class rare(ColumnElement[bool]):
    """A condition few rows meet, said so to SQLite's planner (`unlikely(...)`).

    SQLite keeps no statistics of how values are spread: told nothing, it thinks a status
    holds a fifth of the rows, and orders a short list by walking a whole index. PostgreSQL
    measures the spread itself and gets the condition as it is."""

    inherit_cache = True
    type = NullType()  # as Boolean, SQLite would get `unlikely(...) = 1`, and no hint

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition


@compiles(rare)
def _rare_default(element: rare, compiler, **kw) -> str:
    return compiler.process(element.condition, **kw)


@compiles(rare, "sqlite")
def _rare_sqlite(element: rare, compiler, **kw) -> str:
    return f"unlikely({compiler.process(element.condition, **kw)})"


class days_before(ColumnElement):
    """The date a number of days (an integer expression) before a date column: for a
    condition such as "leaves within its programme's alert weeks" in SQL, on both
    databases (SQLite keeps dates as ISO text)."""

    inherit_cache = True
    type = NullType()

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
