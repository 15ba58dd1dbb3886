"""What admins set for `flask reminders send`: per kind whether it is sent and its timing in
days, stored in the settings table; and when the reminders last ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Setting
from app.models.base import utcnow
from app.services.privacy.settings import IntSetting, get_int

LAST_RUN = "reminders_last_run"
STALE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Kind:
    """A kind of reminder: its name, whether it is on, and its days (None: no timing)."""

    name: str
    label: object
    days_label: object
    on: IntSetting
    days: IntSetting | None


def _kind(name: str, label, days_label=None, default_days: int | None = None, low=1, high=90):
    days = IntSetting(f"reminders_{name}_days", default_days, low, high) if default_days else None
    return Kind(name, label, days_label, IntSetting(f"reminders_{name}_on", 1, 0, 1), days)


DOCUMENTS = _kind(
    "documents",
    _l("Documents still missing before the enrolment deadline"),
    _l("Days before the deadline"),
    14,
)
BACKGROUND = _kind(
    "background",
    _l("A background check expiring before the group returns"),
    _l("Days before the check expires"),
    60,
    high=365,
)
DRAFTS = _kind(
    "drafts",
    _l("A host family's application draft left untouched"),
    _l("Days untouched"),
    7,
    high=30,  # below the 60 days after which drafts are no longer reminded
)
CONTACTS = _kind("contacts", _l("Contacts due, to each teacher once a week"))
FOLLOW_UPS = _kind("follow_ups", _l("Follow-ups of concern reports, to their owner"))
PLACEMENTS = _kind("placements", _l("A student placed with a host family, to the family"))
KINDS = (DOCUMENTS, BACKGROUND, DRAFTS, CONTACTS, FOLLOW_UPS, PLACEMENTS)


def enabled(kind: Kind) -> bool:
    return get_int(kind.on) == 1


def days(kind: Kind) -> int:
    assert kind.days is not None
    return get_int(kind.days)


def _store(key: str, value: str, by_id: int | None) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value, updated_by_id=by_id))
    else:
        row.value = value
        row.updated_by_id = by_id


def save(values: dict[str, tuple[bool, int | None]], by_id: int | None) -> None:
    """Store each kind's switch and days (already checked by the form)."""
    for kind in KINDS:
        if kind.name not in values:
            continue
        on, number = values[kind.name]
        _store(kind.on.key, "1" if on else "0", by_id)
        if kind.days is not None and number is not None:
            _store(kind.days.key, str(number), by_id)
    db.session.flush()


def mark_run(now: datetime) -> None:
    _store(LAST_RUN, now.isoformat(timespec="seconds"), None)
    db.session.flush()


def last_run() -> datetime | None:
    """When `flask reminders send` last ran (naive UTC), or None if never."""
    row = db.session.get(Setting, LAST_RUN)
    if row is None:
        return None
    try:
        return datetime.fromisoformat(row.value)
    except ValueError:
        return None


def stale(now: datetime) -> bool:
    """Whether the reminders have not run for a day (or never)."""
    ran = last_run()
    return ran is None or now - ran > STALE_AFTER


@dataclass(frozen=True)
class Status:
    """What the dashboard says about the reminders: when they last ran, and whether that is
    more than a day ago."""

    last_run: datetime | None
    stale: bool


def status(now: datetime | None = None) -> Status:
    """The reminders' status for the dashboard. One statement."""
    ran = last_run()
    now = now or utcnow()
    return Status(ran, ran is None or now - ran > STALE_AFTER)
