"""The register of personal data: loads it from app/data/register.toml, checks that every
column of the models is classified, and renders the register as docs/PRIVACY.md."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa

REGISTER_FILE = Path(__file__).resolve().parents[2] / "data" / "register.toml"


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    HEALTH = "health"  # special category, GDPR art. 9
    SCHOOL = "school"
    PROFILE = "profile"
    TRAVEL_DOCUMENT = "travel document"
    HOUSEHOLD = "household"
    BACKGROUND_CHECK = "background check"
    ACCOUNT = "account"
    FREE_TEXT = "free text"
    NETWORK = "network"


@dataclass(frozen=True)
class PersonalField:
    purpose: str  # what it holds and why it is kept
    seen_by: str
    category: Category
    deleted: str
    note: str = ""  # e.g. why a column outside the students' care columns is health data


def _expand(text: str, names: dict[str, str]) -> str:
    """ "{staff}; the teacher" → "admin, coordinators; the teacher"."""
    return text.format_map(names)


def _load(path: Path = REGISTER_FILE) -> tuple[dict, dict, dict, dict]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    who: dict[str, str] = {}
    for name, text in data["who"].items():  # an entry may name one defined before it
        who[name] = _expand(text, who)
    when = data["when"]
    categories = {Category(key): text for key, text in data["categories"].items()}
    register: dict[str, dict[str, PersonalField]] = {}
    not_personal: dict[str, tuple[str, ...]] = {}
    tables: dict[str, str] = {}
    for table, spec in data["tables"].items():
        tables[table] = spec["about"]
        if spec.get("not_personal"):
            not_personal[table] = tuple(spec["not_personal"])
        fields = {
            column: PersonalField(
                purpose=entry["purpose"],
                seen_by=_expand(entry["seen_by"], who),
                category=Category(entry["category"]),
                deleted=_expand(entry["deleted"], when),
                note=entry.get("note", ""),
            )
            for column, entry in spec.get("personal", {}).items()
        }
        if fields:
            register[table] = fields
    return categories, register, not_personal, tables


# table → column → entry; table → columns; table → what it is (in the document's order).
CATEGORY_LABELS, REGISTER, NOT_PERSONAL, TABLES = _load()

# The students' care columns: the expected home of health data.
HEALTH_COLUMNS = frozenset(
    {"students.diet", "students.allergies", "students.pet_allergy", "students.medical_notes"}
)


def _listed() -> set[str]:
    names = {f"{table}.{column}" for table, fields in REGISTER.items() for column in fields}
    return names | {f"{table}.{column}" for table, cols in NOT_PERSONAL.items() for column in cols}


def _columns(metadata: sa.MetaData) -> list[str]:
    return [
        f"{table.name}.{column.name}"
        for table in sorted(metadata.tables.values(), key=lambda t: t.name)
        for column in table.columns
    ]


def unlisted_columns(metadata: sa.MetaData) -> list[str]:
    """'table.column' for every column that is neither in the register nor not personal."""
    listed = _listed()
    return [name for name in _columns(metadata) if name not in listed]


def stale_entries(metadata: sa.MetaData) -> list[str]:
    """'table.column' for every entry (personal or not) naming a column that does not exist."""
    existing = set(_columns(metadata))
    return sorted(_listed() - existing)


def double_entries() -> list[str]:
    """Columns listed both as personal and as not personal."""
    personal = {f"{table}.{column}" for table, fields in REGISTER.items() for column in fields}
    other = {f"{table}.{column}" for table, cols in NOT_PERSONAL.items() for column in cols}
    return sorted(personal & other)


def personal_columns() -> dict[str, PersonalField]:
    """Every register entry by 'table.column'."""
    return {
        f"{table}.{column}": entry
        for table, fields in REGISTER.items()
        for column, entry in fields.items()
    }


# --- The document -----------------------------------------------------------------------------

INTRO = """\
# Register of personal data

_Generated from `app/data/register.toml`; do not edit by hand. Regenerate with
`.venv/bin/flask privacy register > docs/PRIVACY.md`. A test
(`tests/services/privacy/test_register.py`) fails when a model has a column this register does
not list, or when this file is out of date._

## Who is responsible

The controller is the organisation that runs the exchange and operates this installation; for
the Dortmund–Buffalo high-school programme, the organisers in Dortmund. Local coordinators in
Buffalo, supervising teachers and host families use the application on its behalf and see only
what their role needs. The controller's name and contact, and those of its data protection
contact, belong in the privacy notice given to guardians, students and families.

Who may see what, by role (see `app/services/identity/permissions.py`):

- **admin**: everything, plus users, settings and the audit trail;
- **coordinators**: staff in Dortmund and local coordinators in Buffalo: students, families,
  vetting, placements, rosters;
- **supervising teachers**: the students of their own cohorts, with medical notes, guardians,
  emergency contacts and the host family's address and phones, only while the cohort is not
  completed;
- **host families**: their own application, and the student placed with them: name, age,
  gender, interests, languages and what care needs (diet, allergies, medical notes), and the
  concern reports they made themselves.

Concern reports about a student are seen by staff and the cohort's supervising teachers; a
safeguarding report only by admins and the report's owner. Every view of a report is recorded in
the audit trail.

When a student's guardians withdraw their consent, the student stays where their safety needs
them, but every page, printout, card and email shows only their safety data: name, host family
with its address and phones, supervising teacher, emergency contacts, allergies, pet allergy,
diet and medical notes (one rule for all of them: `app/services/enrolment/disclosure.py`).
Staff still see the whole record, to erase it or record a new consent.

## Where the data lives

Everything is stored in the application's database (a SQLite file, or a PostgreSQL database, on
the organisation's server) and in its backups; backups should be kept no longer than the
periods below. Emails go out through the organisation's mail server. Data leaves the database
only when somebody prints or downloads it (rosters, emergency cards, PDF, CSV and XLSX exports,
a person's data export) or receives an email: such copies are the holder's responsibility and
are destroyed when the exchange is over.

## When data is deleted

Deletion runs as a command (`app/services/privacy/privacy.py`); the periods are settings an admin
changes.

- **A cohort's personal data** (its students, their guardians, emergency contacts and medical
  notes, enrolments, documents, consents, placements and import batches) is deleted
  `retention_months` months (default 12) after the cohort is completed. Only anonymous
  statistics stay: the year, the number of students and families, and the schools with their
  number of students. A student recorded but never enrolled goes `retention_months` after
  being recorded. Contacts during the stay and concern reports (with their timeline) go with
  the cohort's personal data.
- **Safeguarding reports** (concerns of abuse or neglect) are kept longer: detached from the
  enrolment, with the student's name and birth date, until the student is
  `safeguarding_keep_until_age` (default 25), then deleted. Records of concerns about a child's
  safety are commonly kept until the person is 25 (e.g. the IRMS toolkit for schools in
  England), so that a later allegation can be checked; erasure on request does not apply to
  them while keeping them is a legal obligation or needed for legal claims (GDPR art. 17(3)(b)
  and (e)). A report without a birth date is kept until `safeguarding_keep_until_age` minus 18
  years after the cohort's completion.
- **Host families** (the family, its applications, household members, references, vetting steps
  and its user account) are deleted after `family_inactive_months` months (default 24) without
  activity, once every cohort they hosted has been deleted.
- **Uploaded student lists** (CSV) are emptied as soon as they are imported or discarded; a list
  still pending is deleted after 30 days.
- **Emails** in the outbox are deleted after 90 days, and so are the notes of reminders sent
  by `flask reminders send`.
- **Messages to a group** and their delivery logs go with the cohort's personal data; a message
  to no cohort (families in vetting) 12 months after it was written. An address that asked
  for no more group messages is kept for as long as it wants none.
- **Login sessions** end at logout, after `SESSION_IDLE_MINUTES` (default 720) without use and
  `SESSION_MAX_DAYS` (default 14) after the login at the latest, and with the account; the
  search words kept with a session (the last search of each list) go with it.
- **The audit trail** keeps ids, actions and field names, never values. When a person is
  deleted, the trail's links to them (user, IP address, record id) are cut.
- **Staff and teacher accounts** are kept while the person is active and erased by an admin
  (on the account's page: Data export and erasure; or `flask privacy erase-account`).
- **On request**, anybody's data is exported (machine-readable) or erased before these dates.
  The export holds the emails, group messages (as sent) and reminders the person received; the
  erasure removes every message to the person: their rows in the delivery logs, the emails to
  them, the notes of reminders sent to them and their opt-out from group messages.

## Health data

Special-category data (GDPR art. 9) is marked ⚕ **health**: a student's diet, allergies, pet
allergy and medical notes, the places that may copy them, and what the duty of care records
during the stay (a contact's wellbeing mark, a concern report's category). Only admin,
coordinators, the supervising teachers of the student's cohort and the host family the student
lives with see it, and their views are recorded in the audit trail.
"""

_HEADER = (
    "| Column | What it holds and why | Category | Who may see it | Deleted |\n"
    "| --- | --- | --- | --- | --- |"
)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(column: str, entry: PersonalField) -> str:
    health = entry.category == Category.HEALTH
    name = f"`{column}` ⚕" if health else f"`{column}`"
    purpose = f"{entry.purpose}; *{entry.note}*" if entry.note else entry.purpose
    cells = [name, purpose, CATEGORY_LABELS[entry.category], entry.seen_by, entry.deleted]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _table(name: str) -> str:
    lines = [f"### `{name}`", ""]
    if TABLES.get(name):
        lines += [TABLES[name], ""]
    fields = REGISTER.get(name, {})
    others = NOT_PERSONAL.get(name, ())
    if fields:
        lines += [_HEADER, *(_row(column, entry) for column, entry in fields.items()), ""]
        if others:
            listing = ", ".join(f"`{c}`" for c in others)
            lines += [f"Not personal on their own (deleted with the row): {listing}.", ""]
    else:
        lines += ["No personal data: " + ", ".join(f"`{c}`" for c in others) + ".", ""]
    return "\n".join(lines)


def _order() -> list[str]:
    names = set(REGISTER) | set(NOT_PERSONAL)
    return [n for n in TABLES if n in names] + sorted(names - set(TABLES))


def markdown() -> str:
    """The register as a readable document (docs/PRIVACY.md)."""
    entries = personal_columns()
    health = sum(1 for entry in entries.values() if entry.category == Category.HEALTH)
    others = sum(len(cols) for cols in NOT_PERSONAL.values())
    order = _order()
    with_personal = [n for n in order if REGISTER.get(n)]
    summary = (
        f"{len(entries)} columns in {len(with_personal)} tables hold personal data, "
        f"{health} of them marked as health data; {others} other columns hold nothing about "
        "a person on their own (ids, links, statuses, counts, timestamps, settings)."
    )
    parts = [INTRO, "## The register", "", summary, "", "## Tables with personal data", ""]
    parts += [_table(n) for n in with_personal]
    parts += ["## Tables without personal data", ""]
    parts += [_table(n) for n in order if not REGISTER.get(n)]
    return "\n".join(parts).rstrip("\n") + "\n"
