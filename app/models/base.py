"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None)
