"""Row helpers shared by the privacy services: ids in chunks short enough for an IN clause,
deleting rows by a column, and rows as JSON values for exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from app.extensions import db

CHUNK = 500


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in lists short enough for an IN clause."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def delete_rows(model: Any, column: Any, ids: Iterable[int]) -> int:
    """Delete the rows whose column is one of ids; how many."""
    deleted = 0
    for chunk in chunks(ids):
        deleted += db.session.execute(sa.delete(model).where(column.in_(chunk))).rowcount
    return deleted


def ids_of(statement: Callable[[list[int]], sa.Select], ids: Iterable[int]) -> list[int]:
    """The ids a select finds for each chunk of the given ids."""
    found: list[int] = []
    for chunk in chunks(ids):
        found.extend(db.session.scalars(statement(chunk)))
    return found


def plain(value: Any) -> Any:
    """A column value as JSON: dates as ISO strings, enums as their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def row(obj: Any, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Every column of a row (or only those named), as JSON values."""
    keys = only or tuple(attr.key for attr in sa.inspect(obj).mapper.column_attrs)
    return {key: plain(getattr(obj, key)) for key in keys}
