"""The partnership's history: listing, editing and the initial facts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import HistoryEvent
from app.services.errors import DomainError

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "history.json"
FIELDS = ("year", "month", "day", "ongoing", "title_en", "title_de", "text_en", "text_de")


def timeline() -> list[HistoryEvent]:
    """All events, oldest first; events about the present come last."""
    return list(
        db.session.scalars(
            sa.select(HistoryEvent).order_by(
                sa.nulls_last(HistoryEvent.year),
                sa.nulls_first(HistoryEvent.month),
                sa.nulls_first(HistoryEvent.day),
                HistoryEvent.id,
            )
        )
    )


def latest(limit: int = 3) -> list[HistoryEvent]:
    """The most recent dated events, newest first."""
    return list(
        db.session.scalars(
            sa.select(HistoryEvent)
            .where(HistoryEvent.year.is_not(None))
            .order_by(
                HistoryEvent.year.desc(),
                sa.nulls_last(HistoryEvent.month.desc()),
                HistoryEvent.id.desc(),
            )
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class PartnershipAge:
    since: int
    years: int


def partnership_age(today: date | None = None) -> PartnershipAge | None:
    """Years since the first dated event, or None when there is none."""
    first = db.session.scalar(sa.select(sa.func.min(HistoryEvent.year)))
    if first is None:
        return None
    today = today or date.today()
    return PartnershipAge(since=first, years=today.year - first)


def validate(values: dict) -> None:
    """Raise DomainError when the date parts do not form a real date."""
    year, month, day = values.get("year"), values.get("month"), values.get("day")
    if month is not None and year is None:
        raise DomainError(str(_l("A month needs a year.")), "month")
    if day is not None and month is None:
        raise DomainError(str(_l("A day needs a month.")), "day")
    if day is not None:
        try:
            date(year, month, day)
        except ValueError as exc:
            raise DomainError(str(_l("This day does not exist in that month.")), "day") from exc
    if year is None and values.get("ongoing"):
        raise DomainError(str(_l("An ongoing event needs the year it started.")), "ongoing")


def create_event(values: dict) -> HistoryEvent:
    validate(values)
    event = HistoryEvent(**{k: values[k] for k in FIELDS})
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: HistoryEvent, values: dict) -> None:
    validate(values)
    for key in FIELDS:
        setattr(event, key, values[key])
    db.session.flush()


def delete_event(event: HistoryEvent) -> None:
    db.session.delete(event)
    db.session.flush()


def seed_if_empty() -> int:
    """Load the partnership's facts when no event exists yet; returns how many were added."""
    if db.session.scalar(sa.select(sa.func.count(HistoryEvent.id))):
        return 0
    rows = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for row in rows:
        create_event(row)
    return len(rows)
