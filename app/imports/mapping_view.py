"""The mapping page's view-model: each column of the file with sample values and its select."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import Field

from app.imports.forms import IGNORE, ColumnsForm
from app.services.enrolment import import_mapping

SAMPLES = 3


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
