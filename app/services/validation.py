"""Field checks shared by the web forms, the CSV import and the commands."""

from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

PHONE_RE = re.compile(r"^\+?[0-9 ()/.\-]{6,30}$")


class ValidationFailed(DomainError):
    """Several fields are wrong. problems: (field, message) pairs; nested fields use dots."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


class Checker:
    """Collects problems field by field instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def add(self, field: str, message: object) -> None:
        self.problems.append((field, str(message)))

    def text(self, values: dict, field: str, *, required: bool, max_length: int) -> None:
        value = (values.get(field) or "").strip() if isinstance(values.get(field), str) else ""
        if values.get(field) is not None and not isinstance(values.get(field), str):
            self.add(field, _l("Enter text."))
        elif required and not value:
            self.add(field, _l("This field is required."))
        elif len(value) > max_length:
            self.add(field, _l("Use at most %(n)d characters.", n=max_length))

    def email(self, values: dict, field: str, *, required: bool = False) -> None:
        value = (values.get(field) or "").strip()
        if not value:
            if required:
                self.add(field, _l("This field is required."))
            return
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.add(field, _l("Enter a valid email address."))

    def phone(self, values: dict, field: str, *, required: bool) -> None:
        value = (values.get(field) or "").strip()
        if not value:
            if required:
                self.add(field, _l("This field is required."))
            return
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE_RE.match(value) or digits < 6:
            self.add(field, _l("Enter a phone number of digits, e.g. +49 231 123456."))

    def choice(self, values: dict, field: str, allowed: type) -> None:
        try:
            allowed(values.get(field))
        except ValueError:
            names = ", ".join(str(member.label) for member in allowed)
            self.add(field, _l("Choose one of: %(names)s", names=names))

    def date_between(self, values: dict, field: str, low: date, high: date, message) -> None:
        value = values.get(field)
        if value is None:
            return
        if not isinstance(value, date):
            self.add(field, _l("Enter a date."))
        elif not low <= value <= high:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)


# --- numbers ---------------------------------------------------------------------------------
# Every number read from a request, a stored setting or a file goes through whole_number.
# int() alone takes "١٢" (Arabic-Indic), "１２" (full-width), " 12 " and "1_000", and
# str.isdigit() also says yes to "²", which int() then refuses with a crash.

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # what an INTEGER column holds (PostgreSQL, SQLite)
ID_MAX = INT_MAX
_WHOLE = re.compile(r"-?[0-9]+")  # ASCII digits only: [0-9] is not \d
_LONGEST = 20  # digits; more cannot be in any range here, and int() is not asked


class NotANumber(ValueError):
    """Not a whole number written in ASCII digits."""


class OutOfRange(ValueError):
    """A whole number, but outside the range asked for."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__(f"not from {low} to {high}")
        self.low, self.high = low, high


def whole_number(value: object, low: int = INT_MIN, high: int = INT_MAX) -> int:
    """The value as a whole number from low to high: an int, or text of ASCII digits with a
    leading minus (a minus only gets through where low allows negative numbers) and nothing
    else but spaces around them. Raises NotANumber or OutOfRange (both ValueError)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise NotANumber(repr(value)[:40])
    if isinstance(value, str):
        text = value.strip(" ")
        if not _WHOLE.fullmatch(text):
            raise NotANumber(text[:40])
        if len(text.lstrip("-")) > _LONGEST:
            raise OutOfRange(low, high)
        value = int(text)
    if not low <= value <= high:
        raise OutOfRange(low, high)
    return value


def record_id(value: object) -> int:
    """An id of a row (1 to what the column holds), or ValueError."""
    return whole_number(value, 1, ID_MAX)


_DECIMAL = re.compile(r"-?[0-9]{1,9}(\.[0-9]{1,6})?")  # no "nan", "inf", "1e309", "١٢"


def decimal_number(value: object) -> float:
    """A number with an optional fraction (12, 2.5), in ASCII digits, or NotANumber; the
    caller checks its range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NotANumber(repr(value)[:40])
    if isinstance(value, str):
        text = value.strip(" ")
        if not _DECIMAL.fullmatch(text):
            raise NotANumber(text[:40])
        return float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise NotANumber(repr(value))
    return float(value)
