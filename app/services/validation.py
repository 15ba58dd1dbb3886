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
