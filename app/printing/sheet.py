"""What the print engine prints: a sheet of groups of rows, each cell a list of lines. The
rosters, the host family list and the missing-documents list are built as sheets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Cohort


@dataclass
class Group:
    heading: str  # "" when the roster is not grouped
    details: list[str]
    rows: list[list[list[str]]] = field(default_factory=list)  # row → cell → lines
    # Which rows (their index in rows) are of a student whose guardians withdrew their consent:
    # those carry safety data only and end their first cell with CONSENT_NOTE.
    marked: set[int] = field(default_factory=set)
    total: int | None = None  # a part of a group (pdf_chunks): the whole group's rows

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total


@dataclass
class Sheet:
    """A printable table: the roster, the family list or the documents list."""

    title: str
    cohort: Cohort
    columns: list[tuple[str, object]]  # key, label
    groups: list[Group]
    produced_at: datetime
    paper: str = "a4"
    counts: str = "students"  # what a row is: "students" or "families"
    total: int | None = None  # a part of a sheet (pdf_chunks): the whole sheet's rows

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups) if self.total is None else self.total

    @property
    def orientation(self) -> str:
        return "landscape" if len(self.columns) > 6 else "portrait"

    def header(self) -> list[str]:
        return [str(label) for _key, label in self.columns]

    def flat_rows(self) -> Iterator[list[str]]:
        """Rows for CSV and XLSX: each cell's lines joined."""
        for group in self.groups:
            for row in group.rows:
                yield ["; ".join(line for line in cell if line) for cell in row]
