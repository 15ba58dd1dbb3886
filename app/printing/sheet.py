"""What the print engine prints: a sheet of groups of rows, each cell a list of lines. The
rosters, the host family list and the missing-documents list are built as sheets.

The same sheet is printed (the print view and the PDF: `printed()`, where the group headings
stand for the columns they show) and downloaded (CSV and XLSX: `table()`, where a group
column stands for the headings, so that a spreadsheet's filter and sort keep the grouping)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Cohort

# Phone numbers never break across lines on paper: their spaces and hyphens are the
# non-breaking kinds in a sheet's text (nobreak), and plain again in CSV and XLSX (plain).
NO_BREAK_SPACE, NO_BREAK_HYPHEN = "\u00a0", "\u2011"
_NO_BREAK = str.maketrans({" ": NO_BREAK_SPACE, "-": NO_BREAK_HYPHEN})
_PLAIN = str.maketrans({NO_BREAK_SPACE: " ", NO_BREAK_HYPHEN: "-"})

# What a column's cells are in a spreadsheet (Sheet.kinds); any other column is text.
NUMBER, DATE = "number", "date"


def nobreak(text: str) -> str:
    """A phone number (or any short run) that a line must not break inside."""
    return text.strip().translate(_NO_BREAK)


def plain(text: str) -> str:
    return text.translate(_PLAIN)


def loosen(text: str) -> str:
    """A line whose phone numbers may break at their spaces (never after a hyphen)."""
    return text.replace(NO_BREAK_SPACE, " ")


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
    kinds: dict[str, str] = field(default_factory=dict)  # column key → NUMBER or DATE
    # What the groups are of, as a column (key, label): the group column of a spreadsheet.
    grouped_by: tuple[str, object] | None = None
    # The columns the group headings show (the family, its address and phones): on paper
    # they would repeat the heading in every row, so printed() leaves them out.
    in_headings: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups) if self.total is None else self.total

    @property
    def orientation(self) -> str:
        return "landscape" if len(self.columns) > 6 else "portrait"

    def header(self) -> list[str]:
        return [str(label) for _key, label in self.columns]

    def printed(self) -> Sheet:
        """The sheet as printed: without the columns its group headings show (unless that
        would leave no column). A marked row's consent note stays in its first cell."""
        keep = [i for i, (key, _label) in enumerate(self.columns) if key not in self.in_headings]
        if not keep or len(keep) == len(self.columns):
            return self
        groups = []
        for group in self.groups:
            rows = []
            for index, row in enumerate(group.rows):
                cells = [row[i] for i in keep]
                if index in group.marked and keep[0] != 0 and row[0]:
                    cells[0] = [*cells[0], row[0][-1]]  # the consent note
                rows.append(cells)
            groups.append(replace(group, rows=rows, marked=set(group.marked)))
        columns = [self.columns[i] for i in keep]
        return replace(self, columns=columns, groups=groups, in_headings=())

    def loosened(self) -> Sheet:
        """The sheet with phone numbers that may break at their spaces (pdf.Fit.loose)."""
        groups = [
            replace(
                group,
                rows=[[[loosen(line) for line in cell] for cell in row] for row in group.rows],
                details=[loosen(line) for line in group.details],
            )
            for group in self.groups
        ]
        return replace(self, groups=groups)

    def flat_rows(self) -> Iterator[list[str]]:
        """Rows as text: each cell's lines joined, phone numbers plain."""
        for group in self.groups:
            for row in group.rows:
                yield [plain("; ".join(line for line in cell if line)) for cell in row]

    def table(self) -> tuple[list[str], list[str], list[list[object]]]:
        """The sheet for a spreadsheet: its header, each column's kind ("text", NUMBER or
        DATE) and its rows, numbers as int and dates as date where a cell holds one (a
        withheld cell stays text). A grouped sheet starts with a group column: the grouped-by
        column itself if it was chosen, else one that holds each row's group heading."""
        keys = [key for key, _label in self.columns]
        header = self.header()
        moved = None
        if self.grouped_by is not None:
            key, label = self.grouped_by
            moved = keys.index(key) if key in keys else -1
            if moved >= 0:
                header = [header[moved], *header[:moved], *header[moved + 1 :]]
                keys = [key, *keys[:moved], *keys[moved + 1 :]]
            else:
                header, keys = [str(label), *header], [key, *keys]
        kinds = [self.kinds.get(key, "text") for key in keys]
        rows: list[list[object]] = []
        for group in self.groups:
            for row in group.rows:
                texts = [plain("; ".join(line for line in cell if line)) for cell in row]
                if moved is not None and moved >= 0:
                    first = texts.pop(moved) or group.heading
                    texts = [first, *texts]
                elif moved is not None:
                    texts = [group.heading, *texts]
                rows.append([_typed(text, kind) for text, kind in zip(texts, kinds, strict=True)])
        return header, kinds, rows


def _typed(text: str, kind: str) -> object:
    if kind == NUMBER and text.isascii() and text.isdigit():
        return int(text)
    if kind == DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text
