"""A school's student list, row by row: our columns (COLUMNS) and lenient values.

German and US school offices write dates, yes/no and gender in many ways; everything here is
plain parsing, without the database. The file itself is read by tables.read_table, its columns
matched to ours by import_mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.models import Diet, VisaStatus
from app.services.enrolment import students
from app.services.enrolment.cell_values import parse_date, tidy_phone
from app.services.errors import DomainError

MAX_ROWS = 5000
BOOLEAN_COLUMNS = ("pet_allergy", "no_pets", "no_smokers")
DATE_COLUMNS = ("date_of_birth", "passport_expiry")
TRUE_WORDS = frozenset({"yes", "y", "ja", "j", "true", "wahr", "1", "x", "✓", "✔"})
FALSE_WORDS = frozenset({"", "no", "n", "nein", "false", "falsch", "0", "-"})
GENDER_WORDS = {
    "female": "female",
    "f": "female",
    "w": "female",
    "weiblich": "female",
    "mädchen": "female",
    "girl": "female",
    "male": "male",
    "m": "male",
    "männlich": "male",
    "maennlich": "male",
    "junge": "male",
    "boy": "male",
    "diverse": "diverse",
    "d": "diverse",
    "divers": "diverse",
    "non-binary": "diverse",
    "nonbinary": "diverse",
}
DATE_MESSAGE = _l(
    "Enter the date as DD.MM.YYYY or YYYY-MM-DD, e.g. 14.03.2010, 14.3.10 or 2010-03-14 "
    "(Excel's date numbers are read too)."
)
BOOLEAN_MESSAGE = _l(
    "Use yes or no (also ja/nein, j/n, y/n, true/false, 1/0, x, or leave it empty)."
)
GENDER_MESSAGE = _l("Use female, male or diverse (also f, m, d, w, weiblich, männlich, divers).")


@dataclass(frozen=True)
class Column:
    """One column of the import file, as documented on the upload page and in docs/IMPORT.md."""

    name: str
    required: bool
    format: object
    example: str
    label: object  # the field's name on the mapping page


def _text(n: int) -> object:
    return _l("Text, at most %(n)d characters", n=n)


def _one_of(enum: type[StrEnum], default: str) -> object:
    return _l(
        "One of: %(values)s; empty means %(default)s", values=", ".join(enum), default=default
    )


_PHONE = _l("Phone number: at least 6 digits; spaces and + ( ) / . - allowed")
_EMAIL = _l("Email address")
_DATE = _l("DD.MM.YYYY, D.M.YY or YYYY-MM-DD, or an Excel date")
_BIRTH = _l("DD.MM.YYYY, D.M.YY or YYYY-MM-DD, or an Excel date; the student is 12 to 21")
_YES_NO = _l("yes or no (also ja/nein, j/n, y/n, true/false, 1/0, x); empty means no")
_GENDER = _l("female, male or diverse (also f, m, d, w, weiblich, männlich, divers)")
_GUARDIAN2 = _l("Text; if guardian 2 is given, their name, relation and phone are needed")
COLUMNS = (
    Column("first_name", True, _text(100), "Lena", _l("First name")),
    Column("last_name", True, _text(100), "Müller", _l("Last name")),
    Column("date_of_birth", True, _BIRTH, "2010-03-14", _l("Date of birth")),
    Column("gender", True, _GENDER, "female", _l("Gender")),
    Column("school", True, _text(200), "Helmholtz-Gymnasium", _l("School")),
    Column("grade", True, _text(20), "10b", _l("Grade")),
    Column("email", False, _EMAIL, "lena.mueller@example.org", _l("Student’s email")),
    Column("phone", False, _PHONE, "+49 170 1234567", _l("Student’s phone")),
    Column("guardian1_name", True, _text(200), "Anna Müller", _l("Guardian 1: name")),
    Column("guardian1_relation", True, _text(50), "mother", _l("Guardian 1: relation")),
    Column("guardian1_phone", True, _PHONE, "+49 231 123456", _l("Guardian 1: phone")),
    Column("guardian1_email", False, _EMAIL, "anna.mueller@example.org", _l("Guardian 1: email")),
    Column("guardian2_name", False, _GUARDIAN2, "Jens Müller", _l("Guardian 2: name")),
    Column("guardian2_relation", False, _text(50), "father", _l("Guardian 2: relation")),
    Column("guardian2_phone", False, _PHONE, "+49 231 654321", _l("Guardian 2: phone")),
    Column("guardian2_email", False, _EMAIL, "", _l("Guardian 2: email")),
    Column(
        "guardian_language",
        False,
        _l(
            "en or de (also English, German, Deutsch, Englisch): the guardians' letters and "
            "emails; empty means German"
        ),
        "de",
        _l("Guardians’ language"),
    ),
    Column("emergency1_name", True, _text(200), "Eva Schmidt", _l("Emergency contact: name")),
    Column("emergency1_relation", True, _text(50), "aunt", _l("Emergency contact: relation")),
    Column("emergency1_phone", True, _PHONE, "+49 231 777888", _l("Emergency contact: phone")),
    Column("emergency1_email", False, _EMAIL, "", _l("Emergency contact: email")),
    Column("diet", False, _one_of(Diet, "none"), "vegetarian", _l("Diet")),
    Column("allergies", False, _text(2000), "hazelnuts", _l("Allergies")),
    Column("pet_allergy", False, _YES_NO, "no", _l("Allergic to pets")),
    Column("medical_notes", False, _text(2000), "", _l("Medical notes")),
    Column("no_pets", False, _YES_NO, "no", _l("No pets in the host family")),
    Column("no_smokers", False, _YES_NO, "yes", _l("No smokers in the host family")),
    Column("interests", False, _text(2000), "football, piano", _l("Interests")),
    Column("languages", False, _text(200), "German, English", _l("Languages")),
    Column(
        "passport_number",
        False,
        _l("5 to 20 letters and digits, no spaces"),
        "C01X00T47",
        _l("Passport number"),
    ),
    Column("passport_expiry", False, _DATE, "2031-05-31", _l("Passport valid until")),
    Column(
        "visa_status", False, _one_of(VisaStatus, "not_started"), "esta_applied", _l("Visa status")
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)


class ImportRefused(DomainError):
    """The file as a whole cannot be read as a student list. messages: one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages), "file")
        self.messages = messages


# Parsing single values -------------------------------------------------------------------

# The guardians' language as lists write it; "" (empty): not known, German.
LANGUAGE_WORDS = {
    "": "",
    "en": "en",
    "english": "en",
    "englisch": "en",
    "de": "de",
    "german": "de",
    "deutsch": "de",
}
LANGUAGE_MESSAGE = _l("Write en or de (English or German), or leave it empty.")


def parse_bool(text: str) -> bool:
    """yes/no, ja/nein, j/n, y/n, true/false, 1/0, x/✓ or -/empty (no); ValueError otherwise."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


def parse_gender(text: str) -> str | None:
    """female, male or diverse from the ways schools write it; None when empty."""
    word = text.strip().lower()
    if not word:
        return None
    if word not in GENDER_WORDS:
        raise ValueError(text)
    return GENDER_WORDS[word]


def _enum_word(text: str, default: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower()) or default


# A row's values ---------------------------------------------------------------------------


def row_values(cells: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """The values dict for check_student/create_student, and the cells that cannot be read."""
    problems: list[tuple[str, str]] = []
    cells = {
        key: tidy_phone(cell) if key.endswith("phone") else cell for key, cell in cells.items()
    }
    values: dict = {key: cells.get(key, "") for key in students.SCALAR_FIELDS}
    for key in DATE_COLUMNS:
        try:
            values[key] = parse_date(values[key], born=key == "date_of_birth")
        except ValueError:
            values[key] = None
            problems.append((key, str(DATE_MESSAGE)))
    for key in BOOLEAN_COLUMNS:
        try:
            values[key] = parse_bool(values[key])
        except ValueError:
            values[key] = False
            problems.append((key, str(BOOLEAN_MESSAGE)))
    try:
        values["gender"] = parse_gender(values["gender"])
    except ValueError:
        values["gender"] = None
        problems.append(("gender", str(GENDER_MESSAGE)))
    values["diet"] = _enum_word(values["diet"], "none")
    values["visa_status"] = _enum_word(values["visa_status"], "not_started")
    values["guardians"] = [_person(cells, f"guardian{n}") for n in (1, 2)]
    language = LANGUAGE_WORDS.get(cells.get("guardian_language", "").strip().lower())
    if language is None:
        problems.append(("guardian_language", str(LANGUAGE_MESSAGE)))
    for guardian in values["guardians"]:
        guardian["locale"] = language or ""
    values["emergency_contacts"] = [_person(cells, "emergency1")]
    return values, problems


def _person(cells: dict[str, str], prefix: str) -> dict:
    return {key: cells.get(f"{prefix}_{key}", "") for key in students.PERSON_FIELDS}
