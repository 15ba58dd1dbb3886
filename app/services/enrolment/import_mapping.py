"""Which column of an uploaded student list is which field of ours.

Guessed from the names schools use, in English and German (our own names such as
`date_of_birth` also match "Date of birth"; SYNONYMS, PERSONS, PARTS: adding a name is one
line), chosen or ignored by the person where no name fits, and remembered per school and
header for the school's next file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ImportMapping
from app.models.base import utcnow
from app.services.enrolment.student_csv import COLUMNS

IGNORED = ""  # a column ignored on purpose, in a stored mapping
FIELDS = tuple(column.name for column in COLUMNS)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
LABELS = {column.name: column.label for column in COLUMNS}

# Names of a single field, besides our own name and its English label.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("Given name", "Forename", "Vorname", "Rufname"),
    "last_name": ("Surname", "Family name", "Nachname", "Familienname", "Name"),
    "date_of_birth": ("Birth date", "Birthday", "DOB", "Geburtsdatum", "Geburtstag", "Geb.-Datum"),
    "gender": ("Sex", "Geschlecht"),
    "school": ("School name", "Schule", "Schulname"),
    "grade": ("Class", "Form", "Klasse", "Jahrgang", "Jahrgangsstufe", "Stufe"),
    "email": ("E-mail", "Email address", "E-Mail-Adresse", "Mail"),
    "phone": ("Mobile", "Telephone", "Cell", "Telefon", "Handy", "Mobil", "Telefonnummer"),
    "guardian_language": ("Guardians' language", "Sprache", "Briefsprache", "Sprache der Eltern"),
    "diet": ("Ernährung", "Ernaehrung", "Essen"),
    "allergies": ("Allergy", "Allergien", "Allergie"),
    "pet_allergy": ("Tierhaarallergie", "Tierallergie", "Allergie gegen Tiere"),
    "medical_notes": ("Medical", "Health", "Medizinische Hinweise", "Gesundheit", "Krankheiten"),
    "no_pets": ("Keine Haustiere", "Ohne Haustiere"),
    "no_smokers": ("Non-smokers", "Nichtraucher", "Nichtraucherhaushalt"),
    "interests": ("Hobbies", "Interessen", "Hobbys"),
    "languages": ("Sprachen", "Fremdsprachen"),
    "passport_number": ("Passport", "Reisepassnummer", "Passnummer", "Reisepass"),
    "passport_expiry": ("Passport valid until", "Pass gültig bis", "Gültig bis", "Pass Ablauf"),
    "visa_status": ("Visa", "Visum", "Visastatus", "ESTA"),
}
# A person's fields are named by the person and the part, in either order.
PERSONS: dict[str, tuple[str, ...]] = {
    "guardian1": (
        "Guardian",
        "Guardian 1",
        "Parent",
        "Parent 1",
        "Erziehungsberechtigte(r)",
        "Erziehungsberechtigte(r) 1",
        "Erziehungsberechtigter 1",
        "Eltern",
        "Elternteil 1",
        "Sorgeberechtigte(r)",
    ),
    "guardian2": (
        "Guardian 2",
        "Second guardian",
        "Parent 2",
        "Erziehungsberechtigte(r) 2",
        "Erziehungsberechtigter 2",
        "Elternteil 2",
    ),
    "emergency1": (
        "Emergency contact",
        "Emergency contact 1",
        "Emergency",
        "Notfallkontakt",
        "Notfallkontakt 1",
        "Notfall",
        "Im Notfall",
    ),
}
PARTS: dict[str, tuple[str, ...]] = {
    "name": ("", "Name"),
    "relation": ("Relation", "Relationship", "Beziehung", "Verhältnis", "Verwandtschaft"),
    "phone": ("Phone", "Telephone", "Mobile", "Telefon", "Handy", "Tel."),
    "email": ("Email", "E-Mail"),
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(name: str) -> str:
    """A column name without case, spaces, hyphens, punctuation and accents; ä = ae."""
    text = unicodedata.normalize("NFKD", str(name).casefold().translate(_UMLAUTS))
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode())


def _known_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for field in FIELDS:
        for name in (field, *SYNONYMS.get(field, ())):
            names.setdefault(normalise(name), field)
    for person, person_names in PERSONS.items():
        for part, part_names in PARTS.items():
            for person_name in person_names:
                for part_name in part_names:
                    names.setdefault(normalise(person_name + part_name), f"{person}_{part}")
                    names.setdefault(normalise(part_name + person_name), f"{person}_{part}")
    return names


KNOWN = _known_names()


def guess(header: Sequence[str]) -> list[str | None]:
    """The field each column's name is known for; None where no name fits or the field was
    taken by an earlier column."""
    taken: set[str] = set()
    fields: list[str | None] = []
    for name in header:
        field = KNOWN.get(normalise(name))
        if field in taken:
            field = None
        if field:
            taken.add(field)
        fields.append(field)
    return fields


def problems(header: Sequence[str], chosen: Sequence[str | None]) -> list[tuple[int | None, str]]:
    """What stops a mapping: columns neither chosen nor ignored, a field chosen twice, required
    fields not chosen. (column index or None, message)."""
    found: list[tuple[int | None, str]] = []
    for index, field in enumerate(chosen):
        if field is None:
            found.append((index, _("Choose the field of this column, or ignore it.")))
    columns: dict[str, list[int]] = {}
    for index, field in enumerate(chosen):
        if field:
            columns.setdefault(field, []).append(index)
    for field, indexes in columns.items():
        for index in indexes[1:]:
            found.append(
                (
                    index,
                    _(
                        "%(field)s is already chosen for the column “%(column)s”. Choose "
                        "each field for one column only.",
                        field=LABELS[field],
                        column=header[indexes[0]],
                    ),
                )
            )
    missing = [str(LABELS[field]) for field in REQUIRED if field not in columns]
    if missing:
        found.append((None, _("Still missing: %(fields)s.", fields=", ".join(missing))))
    return found


def complete(header: Sequence[str], chosen: Sequence[str | None]) -> bool:
    return not problems(header, chosen)


# Remembered per school -------------------------------------------------------------------


def _header_key(header: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(normalise(name) for name in header).encode()).hexdigest()


def _school_key(name: str) -> str:
    return " ".join(name.casefold().split())[:200]


def school_of(records: Sequence[tuple[int, int, list[str]]], index: int) -> str:
    """The school named in most rows of the column (as first written); "" if none is."""
    cells = [cells[index].strip() for _f, _l, cells in records if index < len(cells)]
    counted = Counter(_school_key(cell) for cell in cells if cell)
    if not counted:
        return ""
    key = counted.most_common(1)[0][0]
    return next(cell for cell in cells if _school_key(cell) == key)


def remembered(
    header: Sequence[str], records: Sequence[tuple[int, int, list[str]]]
) -> list[str] | None:
    """The mapping confirmed last for this header by the school the file is from, if any."""
    candidates = db.session.scalars(
        sa.select(ImportMapping).where(ImportMapping.header_key == _header_key(header))
    )
    for mapping in candidates:
        fields = list(mapping.fields)
        if len(fields) != len(header) or "school" not in fields:
            continue
        if _school_key(school_of(records, fields.index("school"))) == mapping.school_key:
            return [field if field in FIELDS else IGNORED for field in fields]
    return None


def proposal(
    header: Sequence[str], records: Sequence[tuple[int, int, list[str]]]
) -> list[str | None]:
    """What the mapping page starts from: the school's remembered mapping, else the guess."""
    return remembered(header, records) or guess(header)


def remember(
    header: Sequence[str],
    records: Sequence[tuple[int, int, list[str]]],
    fields: Sequence[str],
    by_id: int | None,
) -> str:
    """Keep a confirmed mapping for the school of the file and this header; the school."""
    school = school_of(records, list(fields).index("school"))
    if not school:
        return ""
    key = _header_key(header)
    mapping = db.session.scalar(
        sa.select(ImportMapping).where(
            ImportMapping.school_key == _school_key(school), ImportMapping.header_key == key
        )
    )
    if mapping is None:
        mapping = ImportMapping(school_key=_school_key(school), header_key=key)
    mapping.school = school[:200]
    mapping.columns = [normalise(name) for name in header]
    mapping.fields = list(fields)
    mapping.updated_at = utcnow()
    mapping.updated_by_id = by_id
    try:
        with db.session.begin_nested():  # a colleague saving the same school's at once
            db.session.add(mapping)
    except IntegrityError:
        pass
    return school
