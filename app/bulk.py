"""Inserting thousands of rows in one go (the CSV import, bulk enrolment), in the session's
transaction.

On PostgreSQL an INSERT … RETURNING of many rows went as statements of a thousand rows of
values, whose text psycopg reads placeholder by placeholder without caching it, and an
executemany runs its INSERT once per row (60,000 times for 5,000 students with their
guardians, search words, enrolments and audit entries): most of the import's time. There the
new rows' ids are taken from the table's sequence in one statement, and the rows are sent
with COPY, in one stream: their values converted as SQLAlchemy converts them for an INSERT
(each column type's bind processor: enums, JSON), the columns left out given their defaults
as SQLAlchemy gives them, and a refusal raised as SQLAlchemy raises it (IntegrityError).
COPY goes past the engine's statement events: counts of statements do not see it, and the
kept counts are told of the write (app.kept.note_write).

SQLite has no sequences, and its driver reads a statement once: there the rows go in with
INSERT as before, the ids returned by it.
"""

from __future__ import annotations

import sqlalchemy as sa

from app import kept
from app.extensions import db

_NEW_IDS = sa.text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)


def insert(table: sa.Table, rows: list[dict]) -> None:
    """Insert the rows, all with the same keys."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and _copy(connection, table, rows):
        kept.note_write(db.session, table.name)  # COPY goes past the session's events
        return
    db.session.execute(sa.insert(table), rows)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> bool:
    """The rows sent with COPY; False (nothing sent) when a default of a column left out is
    not a plain value or function, for an INSERT to work out."""
    dialect = connection.dialect
    given = [table.c[key] for key in rows[0]]
    defaulted = [c for c in table.c if c.key not in rows[0] and c.default is not None]
    if any(not (c.default.is_scalar or c.default.is_callable) for c in defaulted):
        return False
    processors = [c.type._cached_bind_processor(dialect) for c in (*given, *defaulted)]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in (*given, *defaulted))
    keys = [c.key for c in given]
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                values = [row[key] for key in keys]
                values.extend(_default(c) for c in defaulted)
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for process, value in zip(processors, values, strict=True)
                    ]
                )
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy raises it for an INSERT (IntegrityError for a constraint), so that the
        # caller's handling is the same on both databases.
        raise sa.exc.DBAPIError.instance(
            statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    finally:
        cursor.close()
    return True


def _default(column: sa.Column):
    default = column.default
    return default.arg if default.is_scalar else default.arg(None)


def insert_returning_ids(table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert the rows (all with the same keys, none with an id) and return their new ids, in
    the order of the rows and rising as the database would give them."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        return list(
            db.session.scalars(
                sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            )
        )
    ids = sorted(db.session.scalars(_NEW_IDS, {"table": table.name, "count": len(rows)}))
    insert(table, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids
