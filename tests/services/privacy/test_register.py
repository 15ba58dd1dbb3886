"""The register of personal data: every column of every model is either a personal field
(purpose, who may see it, category, when it is deleted) or explicitly not personal, and
docs/PRIVACY.md is the register as rendered from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app import models  # noqa: F401  (registers every table in db.metadata)
from app.extensions import db
from app.services.privacy import data_register
from app.services.privacy.data_register import HEALTH_COLUMNS, Category, PersonalField

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "PRIVACY.md"
ENTRIES = "app/data/register.toml"
REGENERATE = (
    "Regenerate it with `.venv/bin/flask privacy register > docs/PRIVACY.md`, or with "
    '`.venv/bin/python -c "from pathlib import Path; '
    "from app.services.privacy.data_register import markdown; "
    "Path('docs/PRIVACY.md').write_text(markdown(), encoding='utf-8')\"`."
)


def test_every_column_of_every_model_is_classified():
    unlisted = data_register.unlisted_columns(db.metadata)
    assert unlisted == [], (
        f"Columns missing from the register of personal data: {', '.join(unlisted)}. "
        f"Add each under `personal` in {ENTRIES} (what it holds and why, who may see it, its "
        "category, when it is deleted) or, if it holds nothing about a person (an id, a "
        f"status, a count, a timestamp), to its `not_personal`. Then regenerate docs/PRIVACY.md. "
        f"{REGENERATE}"
    )


def test_no_entry_names_a_column_that_no_longer_exists():
    stale = data_register.stale_entries(db.metadata)
    assert stale == [], (
        f"The register names columns the models no longer have: {', '.join(stale)}. "
        f"Remove them from {ENTRIES}, then regenerate docs/PRIVACY.md. {REGENERATE}"
    )


def test_no_column_is_both_personal_and_not_personal():
    assert data_register.double_entries() == []


def test_every_table_is_described_in_the_document():
    assert set(data_register.TABLES) == set(db.metadata.tables), (
        f"Every table needs a one-line description (`about`) in {ENTRIES}."
    )


def test_the_document_is_the_rendered_register():
    expected = data_register.markdown()
    actual = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
    assert actual == expected, f"docs/PRIVACY.md is out of date. {REGENERATE}"


def test_a_personal_column_added_without_an_entry_fails_then_passes_with_one(monkeypatch):
    real = db.metadata.tables["students"]
    md = sa.MetaData()
    students = real.to_metadata(md)
    students.append_column(sa.Column("nickname", sa.String(100)))

    # Fails: the new column is in neither list.
    assert data_register.unlisted_columns(md) == ["students.nickname"]
    assert data_register.unlisted_columns(db.metadata) == []

    # Passes once the register has an entry for it.
    monkeypatch.setitem(
        data_register.REGISTER["students"],
        "nickname",
        PersonalField(
            "What friends call the student",
            "admin, coordinators",
            Category.IDENTITY,
            "with the cohort's personal data",
        ),
    )
    assert data_register.unlisted_columns(md) == []


def test_a_column_removed_from_a_model_leaves_a_stale_entry():
    real = db.metadata.tables["students"]
    md = sa.MetaData()
    sa.Table(
        "students", md, *[sa.Column(c.name, c.type) for c in real.columns if c.name != "phone"]
    )
    assert "students.phone" in data_register.stale_entries(md)


def test_every_entry_says_why_who_and_when():
    for name, entry in data_register.personal_columns().items():
        assert isinstance(entry.category, Category), name
        for attribute in ("purpose", "seen_by", "deleted"):
            assert getattr(entry, attribute).strip(), f"{name}: {attribute} is empty"


def test_the_students_care_columns_are_health_data():
    entries = data_register.personal_columns()
    for name in sorted(HEALTH_COLUMNS):
        assert entries[name].category == Category.HEALTH, name


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, entry in data_register.personal_columns().items()
        if entry.category == Category.HEALTH and name not in HEALTH_COLUMNS
    ),
)
def test_health_data_elsewhere_is_justified(name):
    entry = data_register.personal_columns()[name]
    assert entry.note.strip(), (
        f"{name} is marked as health data outside the students' care columns: "
        "say in its note why (e.g. it copies allergies or medical notes)."
    )


def _section(document: str, table: str) -> str:
    return document.split(f"### `{table}`\n", 1)[1].split("\n### ", 1)[0]


def test_health_rows_are_marked_in_the_document():
    document = data_register.markdown()
    for name, entry in data_register.personal_columns().items():
        table, column = name.split(".", 1)
        marked = f"| `{column}` ⚕ | " in _section(document, table)
        assert marked == (entry.category == Category.HEALTH), name
    assert "⚕ **health**" in document
