"""What the compliance view shows: the subjects in the order a person wants them (a
teacher's own first), the teacher filter, and the counts per teacher."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.supervision.compliance import Compliance, State, Subject


@dataclass(frozen=True)
class TeacherCounts:
    teacher_id: int | None
    name: str  # "" for the students without a supervising teacher
    overdue: int
    due_this_week: int
    done: int


@dataclass(frozen=True)
class ComplianceView:
    found: Compliance
    rows: list[Subject]
    teachers: list[TeacherCounts]
    chosen: int | None  # the teacher whose students are shown, None for everybody
    mine: int | None  # the teacher looking, if a teacher looks

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.rows if s.standing.state is State.OVERDUE)

    @property
    def due_this_week(self) -> int:
        return sum(1 for s in self.rows if s.standing.soon and s.standing.state is State.DUE)

    @property
    def done(self) -> int:
        return sum(1 for s in self.rows if s.standing.state is State.DONE)


def compliance_view(found: Compliance, chosen: int | None, mine: int | None) -> ComplianceView:
    rows = found.subjects if chosen is None else found.of_teacher(chosen)
    if mine is not None:  # their own students and families first, in the same order
        rows = sorted(rows, key=lambda s: s.teacher_id != mine)
    ids = sorted(found.teachers, key=lambda i: (i != mine, found.teachers[i].casefold()))
    if any(s.teacher_id is None for s in found.subjects):
        ids.append(None)
    teachers = [
        TeacherCounts(
            teacher_id,
            found.teachers.get(teacher_id, "") if teacher_id is not None else "",
            found.count(State.OVERDUE, teacher_id),
            found.due_this_week(teacher_id),
            found.count(State.DONE, teacher_id),
        )
        for teacher_id in ids
    ]
    return ComplianceView(found, rows, teachers, chosen, mine)
