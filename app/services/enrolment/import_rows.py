"""The rows of an uploaded student list, checked: each by the student form's rules
(students.check_student), and for duplicates within the file and with stored students."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Student
from app.services.enrolment import students
from app.services.enrolment.student_csv import row_values

Record = tuple[int, int, list[str]]  # first line, last line, cells


@dataclass
class Row:
    """One student's line of the file: the values for create_student and their problems."""

    line: int
    values: dict
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column or "", message)
    readable: bool = True  # False when the fields do not line up with the header

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


@dataclass
class Checked:
    """Every row of a file, checked."""

    rows: list[Row]

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    def shown(self, valid_limit: int = 200) -> list[Row]:
        """The rows a preview lists: every row with problems and the first valid ones."""
        valid_seen = 0
        shown = []
        for row in self.rows:
            if row.ok:
                valid_seen += 1
                if valid_seen > valid_limit:
                    continue
            shown.append(row)
        return shown


# Checking rows ---------------------------------------------------------------------------


def _field_count_problem(first: int, last: int, cells: list[str], expected: int) -> str | None:
    extra = cells[expected:]
    if len(cells) >= expected and not any(cell.strip() for cell in extra):
        return None  # Excel's trailing empty cells
    if first == last:
        return _(
            "This line has %(found)d fields but the header has %(expected)d. Check for a "
            "missing or extra separator.",
            found=len(cells),
            expected=expected,
        )
    return _(
        "This row runs over lines %(first)d to %(last)d and has %(found)d fields but the header "
        "has %(expected)d. Check for a missing closing quote.",
        first=first,
        last=last,
        found=len(cells),
        expected=expected,
    )


def _check_row(
    first: int, last: int, cells: list[str], names: Sequence[str], today: date | None
) -> Row:
    by_name = {name: cells[i].strip() for i, name in enumerate(names) if name and i < len(cells)}
    values, problems = row_values(by_name)
    row = Row(first, values)
    count_problem = _field_count_problem(first, last, cells, len(names))
    if count_problem:
        row.problems.append(("", count_problem))
        row.readable = False
        return row
    unreadable = {key for key, _message in problems}
    row.problems.extend(problems)
    for key, message in students.check_student(values, today):
        column = key.replace(".", "_")
        if column not in unreadable:
            row.problems.append((column, message))
    return row


def _key(first_name: str, last_name: str, born: date | None) -> tuple | None:
    """Who a student is for duplicates: name without case or extra spaces, and birth date."""
    if born is None or not first_name.strip() or not last_name.strip():
        return None
    return (" ".join(first_name.casefold().split()), " ".join(last_name.casefold().split()), born)


DATES_PER_QUERY = 500  # SQLite takes at most 999 parameters before version 3.32


def _existing_keys(born: set[date]) -> set[tuple]:
    """The duplicate keys of the stored students born on one of these days (a file's students
    are mostly born in a few years, so this reads a small part of a large database)."""
    days = sorted(born)
    keys: set[tuple] = set()
    for start in range(0, len(days), DATES_PER_QUERY):
        rows = db.session.execute(
            sa.select(Student.first_name, Student.last_name, Student.date_of_birth).where(
                Student.date_of_birth.in_(days[start : start + DATES_PER_QUERY])
            )
        )
        keys.update(_key(*row) for row in rows)
    return keys


def check_rows(
    names: Sequence[str], records: Sequence[Record], today: date | None = None
) -> Checked:
    """Every record checked, its cells named by names (the field of each column, "" for a
    column ignored): the student rules, duplicates in the file and stored."""
    checked = [_check_row(first, last, cells, names, today) for first, last, cells in records]
    existing = _existing_keys(
        {born for row in checked if isinstance(born := row.values["date_of_birth"], date)}
    )
    first_seen: dict[tuple, int] = {}
    rows = []
    for row in checked:
        key = _key(row.values["first_name"], row.values["last_name"], row.values["date_of_birth"])
        if key is not None and row.readable:
            if key in first_seen:
                row.problems.append(
                    ("", _("Same name and date of birth as line %(line)d.", line=first_seen[key]))
                )
            else:
                first_seen[key] = row.line
            if key in existing:
                row.problems.append(
                    ("", _("A student with this name and date of birth already exists."))
                )
        rows.append(row)
    return Checked(rows)
