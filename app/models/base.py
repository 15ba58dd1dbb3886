"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None)


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry their name for people: `Diet.HALAL.label` is "halal" in
    English and "halal" in German. Declared as `HALAL = "halal", _l("halal")`; a member declared
    without a name shows its value."""

    def __new__(cls, value: str, label: object = None) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label  # a lazy string: translated when it is shown
        return member

    @property
    def label(self) -> object:
        """The translated name (a lazy string; str() of it is in the current language)."""
        return self._label if self._label is not None else self._value_


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
