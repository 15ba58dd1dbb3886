"""Settings an admin changes in the application, stored as text in the settings table and read
back as typed values: the retention periods of the privacy purge, and until what age of the
student a safeguarding report is kept."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Setting
from app.services.validation import Checker, whole_number


@dataclass(frozen=True)
class IntSetting:
    """A whole-number setting with its default and the range an admin may choose from."""

    key: str
    default: int
    low: int
    high: int


RETENTION_MONTHS = IntSetting("retention_months", 12, 1, 120)
FAMILY_INACTIVE_MONTHS = IntSetting("family_inactive_months", 24, 6, 120)
# Records of concerns about a child's safety are commonly kept until the person is 25 (e.g. the
# IRMS toolkit for schools in England), so that a later allegation can be checked.
SAFEGUARDING_KEEP_UNTIL_AGE = IntSetting("safeguarding_keep_until_age", 25, 18, 100)
SETTINGS = {
    s.key: s for s in (RETENTION_MONTHS, FAMILY_INACTIVE_MONTHS, SAFEGUARDING_KEEP_UNTIL_AGE)
}


def _parse(value: object) -> int | None:
    """The value as a whole number (the one parser: ASCII digits, what the column holds), or
    None when it is none."""
    try:
        return whole_number(value)
    except ValueError:
        return None


def get_int(setting: IntSetting) -> int:
    """The setting's stored value; its default when unset or no longer allowed."""
    row = db.session.get(Setting, setting.key)
    value = _parse(row.value) if row is not None else None
    if value is None or not setting.low <= value <= setting.high:
        return setting.default
    return value


def retention_months() -> int:
    """Months after a cohort's completion until its personal data is deleted."""
    return get_int(RETENTION_MONTHS)


def family_inactive_months() -> int:
    """Months without activity after which a host family's data is deleted."""
    return get_int(FAMILY_INACTIVE_MONTHS)


def safeguarding_keep_until_age() -> int:
    """The student's age until which a safeguarding report is kept after the cohort's purge."""
    return get_int(SAFEGUARDING_KEEP_UNTIL_AGE)


def _check(checker: Checker, setting: IntSetting, value: object) -> int | None:
    number = _parse(value)
    if number is None or not setting.low <= number <= setting.high:
        checker.add(
            setting.key,
            _l(
                "Enter a whole number from %(low)d to %(high)d.", low=setting.low, high=setting.high
            ),
        )
        return None
    return number


def save(values: dict, by_id: int | None) -> None:
    """Store the settings given (key → value); refuses all of them when one is out of range."""
    checker = Checker()
    unknown = sorted(set(values) - set(SETTINGS))
    for key in unknown:
        checker.add(key, _l("There is no such setting."))
    numbers = {
        key: _check(checker, SETTINGS[key], v) for key, v in values.items() if key in SETTINGS
    }
    checker.raise_if_any()
    for key, number in numbers.items():
        _store(key, str(number), by_id)
    db.session.flush()


def _store(key: str, value: str, by_id: int | None) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value, updated_by_id=by_id))
    elif row.value != value:
        row.value = value
        row.updated_by_id = by_id
