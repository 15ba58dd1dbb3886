"""Database connection settings that the ORM does not set by itself."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
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
        cursor.close()

    return set_pragmas


def init_app(app: Flask) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout, on every new connection."""
    from app.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 10000)
            event.listen(engine, "connect", _sqlite_pragmas(timeout))


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
