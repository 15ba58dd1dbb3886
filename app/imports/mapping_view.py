"""The mapping page's view-model: each column of the file with sample values and its select."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Field

from app.imports.forms import IGNORE, ColumnsForm
from app.services.enrolment import import_mapping

SAMPLES = 3
HOST_FAMILY = frozenset(
    {"diet", "allergies", "pet_allergy", "medical_notes", "no_pets", "no_smokers"}
)
# The groups of the fields in the select, in this order; a field's group by its name.
GROUPS = (
    (_l("Student"), lambda name: True),
    (_l("Guardians"), lambda name: name.startswith("guardian")),
    (_l("Emergency contact"), lambda name: name.startswith("emergency")),
    (_l("Health and host family"), lambda name: name in HOST_FAMILY),
    (_l("Passport and visa"), lambda name: name.startswith(("passport", "visa"))),
)


def grouped_fields(fields: list[tuple[str, object]]) -> list[tuple[str, object, str]]:
    """(name, label, group) of every field, group by group: the select's optgroups."""

    def group(name: str) -> int:
        return max(i for i, (_label, belongs) in enumerate(GROUPS) if belongs(name))

    ordered = sorted(fields, key=lambda field: group(field[0]))
    return [(name, label, str(GROUPS[group(name)][0])) for name, label in ordered]


@dataclass(frozen=True)
class ColumnRow:
    name: str
    samples: list[str]
    select: Field
    known: bool  # the application recognised the column's name


def samples(records: list[tuple[int, int, list[str]]], index: int) -> list[str]:
    """The first few different values of a column, shortened."""
    found: list[str] = []
    for _first, _last, cells in records:
        value = cells[index].strip() if index < len(cells) else ""
        if value and value not in found:
            found.append(value if len(value) <= 40 else value[:39] + "…")
            if len(found) == SAMPLES:
                break
    return found


def preselect(form: ColumnsForm, chosen: list[str | None]) -> None:
    """Show a mapping in the selects (a GET: the batch's, or the proposal)."""
    for index, field in enumerate(chosen):
        form[f"column_{index}"].data = IGNORE if field == import_mapping.IGNORED else field or ""


def rows(
    form: ColumnsForm, header: list[str], records: list, guessed: list[str | None]
) -> list[ColumnRow]:
    return [
        ColumnRow(name, samples(records, index), form[f"column_{index}"], bool(guessed[index]))
        for index, name in enumerate(header)
    ]


def summary(header: list[str], mapping: list[str]) -> list[tuple[str, object | None]]:
    """(column of the file, our field's label or None when ignored) for the preview."""
    return [
        (name, import_mapping.LABELS.get(field) if field else None)
        for name, field in zip(header, mapping, strict=False)
    ]
