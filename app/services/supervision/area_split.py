"""Sharing students among teachers as evenly as possible, keeping each area's students with
one teacher where the even shares allow it. Pure functions: no database."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@dataclass
class Shares(Generic[K]):
    """Even shares: every teacher takes `base` students, `extra` of them one more."""

    teachers: Sequence[K]
    base: int
    extra: int
    taken: dict[K, int] = field(default_factory=dict)
    with_extra: set[K] = field(default_factory=set)

    def room(self, teacher: K) -> int:
        gets_extra = teacher in self.with_extra or len(self.with_extra) < self.extra
        return self.base + (1 if gets_extra else 0) - self.taken.get(teacher, 0)

    def take(self, teacher: K, count: int) -> None:
        self.taken[teacher] = self.taken.get(teacher, 0) + count
        if self.taken[teacher] > self.base:
            self.with_extra.add(teacher)


def spread(groups: Sequence[Sequence[T]], teachers: Sequence[K]) -> tuple[dict[K, list[T]], int]:
    """Share the groups' members among the teachers; (members by teacher, groups split).

    Shares differ by one at most. Groups are taken in the order given (put the ones to keep
    whole first, larger before smaller); each goes whole to the teacher whose free room fits
    it most tightly, or, when it fits nowhere, is poured into the roomiest teachers."""
    total = sum(len(group) for group in groups)
    base, extra = divmod(total, len(teachers))
    shares = Shares(teachers, base, extra)
    result: dict[K, list[T]] = {teacher: [] for teacher in teachers}
    split = 0
    for group in groups:
        fitting = [t for t in teachers if shares.room(t) >= len(group)]
        if fitting:
            best = min(fitting, key=shares.room)
            result[best].extend(group)
            shares.take(best, len(group))
            continue
        split += 1
        rest = list(group)
        while rest:
            roomiest = max(teachers, key=shares.room)
            count = min(shares.room(roomiest), len(rest))
            result[roomiest].extend(rest[:count])
            shares.take(roomiest, count)
            rest = rest[count:]
    return result, split
