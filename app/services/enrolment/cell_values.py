"""Values as school offices write them in their lists: dates in German, ISO and Excel's own
forms, phone numbers as copied from other documents. Plain parsing for student_csv.row_values.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

# [0-9], not \d: a date is written in ASCII digits ("١٢" is no day).
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"  # Excel's "00:00:00"
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
GERMAN_DATE = re.compile(r"([0-9]{1,2})\. ?([0-9]{1,2})\. ?([0-9]{4}|[0-9]{2})" + _TIME)
EXCEL_SERIAL = re.compile(r"[0-9]{5}")
# Excel counts days from 1899-12-30 (for every date after February 1900). A bare number in a
# date column is read as such a date only from 1930 to 2099 (serials 10959 to 73050): a date of
# birth or a passport expiry, not an amount.
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_DATES = (date(1930, 1, 1), date(2099, 12, 31))
# Spaces and dashes that word processors and web pages put into phone numbers.
PHONE_SPACES = re.compile(r"[\u00a0\u2007\u2009\u202f]")
PHONE_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def parse_date(text: str, *, born: bool = False, today: date | None = None) -> date | None:
    """A date as lists write it; None when empty; ValueError otherwise.

    Accepted: 2010-03-14, 14.03.2010, 14.3.2010, 14.3.10, either with a time after it as
    Excel writes a date cell into a CSV file (2010-03-14 00:00:00, 14.03.2010 00:00), and
    Excel's serial numbers (40251 is 2010-03-14) for the years 1930 to 2099. A two-digit year
    is in this century; for a date of birth (born=True) in the last century when this
    century's would lie in the future (14.3.10 is 2010, 1.2.95 is 1995). Not accepted:
    14/03/2010 (US lists write the month first) and impossible dates (31.02.2010).
    """
    text = text.strip()
    if not text:
        return None
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
        return date(int(year), int(month), int(day))
    if match := GERMAN_DATE.fullmatch(text):
        day, month, year = match.groups()
        if len(year) == 4:
            return date(int(year), int(month), int(day))
        found = date(2000 + int(year), int(month), int(day))
        if born and found > (today or date.today()):
            found = found.replace(year=found.year - 100)
        return found
    if EXCEL_SERIAL.fullmatch(text):
        found = EXCEL_EPOCH + timedelta(days=int(text))
        if SERIAL_DATES[0] <= found <= SERIAL_DATES[1]:
            return found
    raise ValueError(text)


def tidy_phone(text: str) -> str:
    """A phone number with the no-break and thin spaces and the typographic dashes that come
    with copied text made plain; what is left is checked by the web form's rule."""
    return PHONE_DASHES.sub("-", PHONE_SPACES.sub(" ", text))
