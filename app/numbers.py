"""Numbers from requests: every id in a URL, every number in a query string and every number
field of a form is read by the one parser, app.services.validation.whole_number (ASCII digits,
a minus only where the range allows it, within what the database column holds). What it
refuses is a 4xx or a message next to the field, never a 500 and never another number:
"١٢", "１２" and "²" are not 12 or 2 here."""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import FieldList, FloatField, IntegerField
from wtforms.validators import NumberRange

from app.services.validation import (
    ID_MAX,
    INT_MAX,
    INT_MIN,
    NotANumber,
    OutOfRange,
    decimal_number,
    record_id,
    whole_number,
)

# WTForms's own messages, translated by its own catalogue (self.gettext): a number field says
# what IntegerField and FloatField said. Named here, so that they are not extracted into ours.
NOT_A_WHOLE_NUMBER = "Not a valid integer value."
NOT_A_NUMBER = "Not a valid float value."
OUT_OF_RANGE = "Number must be between %(min)s and %(max)s."

__all__ = [
    "DatabaseId", "DecimalNumberField", "NumberField", "RowList", "choice_id", "id_field", "page",
    "query_id", "record_id", "whole_number",
]  # fmt: skip


class DatabaseId(BaseConverter):
    """<int:...> in URLs: an id the database can hold, in ASCII digits; anything else is a
    404 (Werkzeug's own converter matches \\d, which takes "١٢" for 12)."""

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        try:
            return whole_number(value, 0, ID_MAX)
        except ValueError as error:
            raise ValidationError() from error

    def to_url(self, value: int) -> str:
        return str(int(value))


def choice_id(value: object) -> int:
    """A select's value that is an id, or 0 for "all" or "a new one"; else ValueError."""
    return whole_number(value, 0, ID_MAX)


def query_id(name: str, low: int = 1) -> int | None:
    """An id from the query string (0 too, with low=0: "all"); None when it is missing or
    empty; anything else that is not one answers 400."""
    value = request.args.get(name, "")
    if value == "":
        return None
    try:
        return whole_number(value, low, ID_MAX)
    except ValueError:
        abort(400)


def page() -> int:
    """The page of a paged list (?page=); a page that cannot exist is not found, as
    Flask-SQLAlchemy's own reading of it did (which also read "١٢" as page 12)."""
    try:
        return whole_number(request.args.get("page", "1"), 1, INT_MAX)
    except ValueError:
        abort(404)


class NumberField(IntegerField):
    """IntegerField through the one parser. Its range is its NumberRange validator's, else
    low and high (by default what an INTEGER column holds: the service checks the rest, in
    its own words). Out of the validator's range, the validator alone says so."""

    def __init__(self, label=None, validators=None, low: int = INT_MIN, high: int = INT_MAX, **kw):
        super().__init__(label, validators, **kw)
        self.low, self.high = low, high

    def _range(self) -> tuple[int, int, bool]:
        for validator in self.validators:
            if isinstance(validator, NumberRange):
                low = INT_MIN if validator.min is None else max(INT_MIN, validator.min)
                high = INT_MAX if validator.max is None else min(INT_MAX, validator.max)
                return low, high, True
        return self.low, self.high, False

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        low, high, checked = self._range()
        try:
            self.data = whole_number(valuelist[0], low, high)
        except OutOfRange as error:
            self.data = None
            if not checked:
                message = self.gettext(OUT_OF_RANGE)
                raise ValueError(message % {"min": error.low, "max": error.high}) from error
        except NotANumber as error:
            self.data = None
            raise ValueError(self.gettext(NOT_A_WHOLE_NUMBER)) from error


def id_field(label=None, validators=None, **kw) -> NumberField:
    """A number field for an id (hidden, or a select's value): 1 to what the column holds."""
    return NumberField(label, validators, low=1, high=ID_MAX, **kw)


class DecimalNumberField(FloatField):
    """FloatField through the one parser: ASCII digits with an optional fraction; float()
    alone also takes "١٢", "nan", "inf" and "1e309"."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = decimal_number(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(self.gettext(NOT_A_NUMBER)) from error


class RowList(FieldList):
    """FieldList whose row numbers (members-0-name) are read by the one parser: WTForms
    reads them with isdigit() and int(), so "members-²-name" was a 500."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                try:
                    yield whole_number(key[offset:].split(self._field_separator, 1)[0], 0, 999)
                except ValueError:
                    continue
