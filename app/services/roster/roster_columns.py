"""The columns a roster can carry, each a function of one student's row, and the presets that
keep a printout to what its purpose needs. Health columns are special-category data.

A student whose guardians withdrew their consent stays on the roster for their safety, but
only the columns whose facts the consent rule (app/services/enrolment/disclosure.py) shows
carry data (who they are, where they live, whom to call, what keeps them well); every other
column reads "—". The row's first cell ends with the line CONSENT_NOTE, so that the print
view, the PDF, CSV and XLSX all say so (in CSV and XLSX it is joined to the name, e.g.
"Jonas Becker; consent withdrawn — safety data only")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.printing.sheet import DATE, NUMBER, nobreak
from app.services.enrolment import disclosure
from app.services.enrolment.disclosure import CONSENT_NOTE, WITHHELD, Fact
from app.services.supervision.student_cards import Card
from app.services.supervision.teacher_roster import Colleague


@dataclass(frozen=True)
class Row:
    """One student of the roster with the family they live with and their teacher."""

    entry: Card  # the student as columns, with guardians and emergency contacts
    teacher: Colleague | None
    today: date
    consent_withdrawn: bool = False  # the guardians' consent: recorded, none active

    @property
    def student(self):
        return self.entry.student

    @property
    def home(self):
        return self.entry.home


def _age(row: Row) -> list[str]:
    born, today = row.student.date_of_birth, row.today
    return [str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))]


def family_label(row: Row) -> list[str]:
    if row.home is None:
        return [_("not placed yet")]
    name = row.entry.family_name
    return [_("The %(name)s family", name=name) if name else _("Host family")]


def address_lines(row: Row) -> list[str]:
    home = row.home
    if home is None:
        return []
    return [home.address_line, f"{home.city}, {home.state} {home.postal_code}".strip()]


def family_phones(row: Row) -> list[str]:
    home = row.home
    if home is None:
        return []
    phones = [nobreak(home.phone)] if home.phone.strip() else []
    if home.mobile_phone.strip():
        phones.append(_("%(phone)s (mobile)", phone=nobreak(home.mobile_phone)))
    return phones


def _teacher(row: Row) -> list[str]:
    return [] if row.teacher is None else [row.teacher.name, nobreak(row.teacher.phone)]


def _contacts(people) -> list[str]:
    return [f"{p.name} ({p.relation}) {nobreak(p.phone)}".strip() for p in people]


def _born(row: Row) -> list[str]:
    return [row.student.date_of_birth.isoformat()]


def _school(row: Row) -> list[str]:
    return [row.student.school, _("grade %(g)s", g=row.student.grade)]


def _emergency(row: Row) -> list[str]:
    return _contacts(row.student.emergency_contacts)


def _allergies(row: Row) -> list[str]:
    """One line, the allergies separated: "Peanuts; allergic to pets"."""
    found = [row.student.allergies.strip()] if row.student.allergies.strip() else []
    if row.student.pet_allergy:
        found.append(_("allergic to pets"))
    return ["; ".join(found)] if found else []


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string
    lines: Callable[[Row], list[str]]
    facts: tuple[Fact, ...]  # what the column shows of the student, for the consent rule
    health: bool = False  # special-category data (GDPR art. 9)
    kind: str = "text"  # in a spreadsheet: text, a NUMBER or a DATE (app.printing.sheet)

    @property
    def safety(self) -> bool:
        """Printed even when the guardians withdrew their consent (the consent rule's)."""
        return disclosure.shows(self.facts, withdrawn=True)


F = Fact
COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("name", _l("Name"), lambda r: [r.student.full_name], (F.NAME,)),
        Column("age", _l("Age"), _age, (F.AGE,), kind=NUMBER),
        Column("date_of_birth", _l("Date of birth"), _born, (F.AGE,), kind=DATE),
        Column("gender", _l("Gender"), lambda r: [str(r.student.gender.label)], (F.GENDER,)),
        Column("school", _l("School"), _school, (F.SCHOOL,)),
        Column(
            "student_phone",
            _l("Student's phone"),
            lambda r: [nobreak(r.student.phone or "")],
            (F.STUDENT_CONTACT,),
        ),
        Column("family", _l("Host family"), family_label, (F.HOME,)),
        Column("address", _l("Address"), address_lines, (F.HOME,)),
        Column("town", _l("Town"), lambda r: [r.home.city] if r.home else [], (F.HOME,)),
        Column("family_phone", _l("Family phones"), family_phones, (F.FAMILY_PHONES,)),
        Column("teacher", _l("Supervising teacher"), _teacher, (F.TEACHER,)),
        Column(
            "guardians", _l("Guardians"), lambda r: _contacts(r.student.guardians), (F.GUARDIANS,)
        ),
        Column("emergency", _l("Emergency contacts"), _emergency, (F.EMERGENCY_CONTACTS,)),
        Column("allergies", _l("Allergies"), _allergies, (F.ALLERGIES, F.PET_ALLERGY), True),
        Column("diet", _l("Diet"), lambda r: [str(r.student.diet.label)], (F.DIET,), True),
        Column(
            "medical",
            _l("Medical notes"),
            lambda r: [r.student.medical_notes],
            (F.MEDICAL_NOTES,),
            health=True,
        ),
    )
}


def cells(columns: list[Column], row: Row) -> list[list[str]]:
    """The row's cells for the columns chosen: all of them, or when the guardians withdrew
    their consent the columns the consent rule shows, with CONSENT_NOTE as the first cell's
    last line."""
    if not row.consent_withdrawn:
        return [column.lines(row) for column in columns]
    found = [
        column.lines(row) if disclosure.shows(column.facts, withdrawn=True) else [WITHHELD]
        for column in columns
    ]
    if found:
        found[0] = [*found[0], str(CONSENT_NOTE)]
    return found


def _preset(*keys: str) -> tuple[str, ...]:
    """The columns in the table's own order, whatever order they are named in."""
    unknown = set(keys) - COLUMNS.keys()
    assert not unknown, unknown
    return tuple(key for key in COLUMNS if key in keys)


# What a printout is for decides what it carries.
PRESETS: dict[str, tuple[str, ...]] = {
    "full": _preset(
        *["name", "age", "school", "family", "address", "family_phone", "teacher", "guardians"],
        *["emergency", "allergies", "diet", "medical"],
    ),
    "transport": _preset("name", "family", "town", "family_phone"),
    "medical": _preset("name", "emergency", "allergies", "diet", "medical"),
}
PRESET_LABELS = {
    "full": _l("Full roster"),
    "transport": _l("Transport"),
    "medical": _l("Medical"),
}
GROUP_LABELS = {"none": _l("No grouping"), "family": _l("Host family"), "teacher": _l("Teacher")}
SORT_LABELS = {"name": _l("Name"), "town": _l("Town")}
