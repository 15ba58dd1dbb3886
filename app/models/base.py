"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum: type[StrEnum], name: str, length: int = 20) -> sa.Enum:
    """A portable enum: a string column with a CHECK constraint of the allowed values."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
