"""Column widths that keep a PDF table's rows short. The automatic table layout shares the
width out in proportion to how long the columns' lines are, without looking at how many lines
a cell then takes: a contact column ("Name (relation) phone", twice) took four to six lines
while a column of short words kept room to spare. Here the width goes where it saves lines:
fewer lines for the renderer to lay out, fewer pages, and rows that read as one."""

from __future__ import annotations

import bisect
import functools
import itertools
from dataclasses import dataclass, field

import numpy as np

GRID_PX = 96 / 25.4  # widths move in steps of a millimetre
STEPS = (1, 2, 4, 8, 16)  # how many steps one move gives from one column to another
ROW_WEIGHT = 2  # a line of row height counts twice a line in a cell (the page, the reader)


@functools.lru_cache(maxsize=8192)
def line_breaks(pieces: tuple[tuple[float, float], ...]) -> tuple[float, ...]:
    """For a line of unbreakable pieces, each (its start, its end) in em from the line's
    start: the width the line needs to take at most 1, 2, ... lines, down to the number it
    takes at its widest piece's width. Lines are filled greedily, as the renderer does."""
    widest = max(end - start for start, end in pieces)
    runs = sorted(
        {
            end - start
            for (start, _), (_, end) in itertools.combinations_with_replacement(pieces, 2)
            if end - start >= widest
        }
    )

    def lines(width: float) -> int:
        count, start = 1, pieces[0][0]
        for begin, end in pieces[1:]:
            if end - start > width:
                count, start = count + 1, begin
        return count

    most = lines(widest)
    needs = []
    for k in range(1, most):
        low = bisect.bisect_left(runs, True, key=lambda width, k=k: lines(width) <= k)
        needs.append(runs[low])
    return tuple(needs)


@dataclass
class ColumnCells:
    """A column's distinct cells, each as the breaks of its lines (see line_breaks), and which
    of them each row holds."""

    cells: list[tuple[tuple[float, ...], ...]] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)

    def add(self, breaks: tuple[tuple[float, ...], ...]) -> None:
        found = self.index.get(breaks)
        if found is None:
            found = self.index[breaks] = len(self.cells)
            self.cells.append(breaks)
        self.rows.append(found)

    def lines(self, widths: np.ndarray) -> np.ndarray:
        """How many lines each row's cell takes at each width (in em of the table's font):
        an array of len(widths) × rows."""
        needs, owners, counts = [], [], np.zeros(len(self.cells), dtype=np.int16)
        for cell, breaks in enumerate(self.cells):
            counts[cell] = len(breaks)
            for line in breaks:
                needs.extend(line)
                owners.extend([cell] * len(line))
        needs_array, owners_array = np.array(needs), np.array(owners, dtype=np.intp)
        table = np.empty((len(widths), len(self.cells)), dtype=np.int16)
        for row, width in enumerate(widths):
            more = np.bincount(owners_array[needs_array > width], minlength=len(self.cells))
            table[row] = counts + more
        return table[:, np.array(self.rows, dtype=np.intp)]


def shorten_rows(
    columns: list[ColumnCells], least: list[float], start: list[float], size: float, pad: float
) -> list[float]:
    """Move width between columns, a millimetre or more at a time, for as long as that saves
    lines (row heights first, then all the cells' lines), starting from the automatic
    layout's widths. least: the columns' narrowest widths; widths in px, size: px per em, pad:
    a cell's side paddings in px."""
    budget = int((sum(start) - sum(least)) // GRID_PX)
    if budget <= 0 or not columns[0].rows:
        return start
    tables = []
    for column, narrowest in zip(columns, least, strict=True):
        widths = narrowest + GRID_PX * np.arange(budget + 1)
        tables.append(column.lines((widths - pad) / size))
    totals = [table.sum(axis=1) for table in tables]
    automatic = [min(budget, int((s - n) // GRID_PX)) for s, n in zip(start, least, strict=True)]
    tries = [_polish(tables, totals, automatic), _polish(tables, totals, _grow(tables, budget))]
    steps = min(tries, key=lambda steps: _score(tables, steps))
    spare = sum(start) - sum(n + GRID_PX * s for n, s in zip(least, steps, strict=True))
    widths = [n + GRID_PX * s for n, s in zip(least, steps, strict=True)]
    return [w + spare * w / sum(widths) for w in widths]


def _score(tables, steps) -> int:
    now = np.stack([table[step] for table, step in zip(tables, steps, strict=True)])
    return ROW_WEIGHT * int(now.max(axis=0).sum()) + int(now.sum())


def _grow(tables, budget: int) -> list[int]:
    """From the narrowest widths, give the width away where it saves the most lines per
    millimetre, looking as far ahead as the width left allows."""
    steps = [0] * len(tables)
    while budget > 0:
        now = np.stack([table[step] for table, step in zip(tables, steps, strict=True)])
        score = ROW_WEIGHT * int(now.max(axis=0).sum()) + int(now.sum())
        best_rate, best = 0.0, None
        for column, table in enumerate(tables):
            ahead = table[steps[column] + 1 : steps[column] + budget + 1]
            if not len(ahead):
                continue
            others = np.delete(now, column, axis=0).max(axis=0, initial=0)
            scores = ROW_WEIGHT * np.maximum(ahead, others).sum(axis=1) + (
                int(now.sum()) - int(now[column].sum()) + ahead.sum(axis=1)
            )
            rates = (score - scores) / np.arange(1, len(ahead) + 1)
            pick = int(rates.argmax())
            if rates[pick] > best_rate:
                best_rate, best = float(rates[pick]), (column, pick + 1)
        if best is None:
            break
        steps[best[0]] += best[1]
        budget -= best[1]
    return steps


def _polish(tables, totals, steps: list[int]) -> list[int]:
    steps = list(steps)
    while True:
        move = _best_move(tables, totals, steps)
        if move is None:
            return steps
        giver, taker, step = move
        steps[giver] -= step
        steps[taker] += step


def _best_move(tables, totals, steps) -> tuple[int, int, int] | None:
    """The move of width from one column to another that saves the most, if any saves."""
    now = np.stack([table[step] for table, step in zip(tables, steps, strict=True)])
    if len(now) < 3:  # the three highest cells of each row, whichever two columns move
        now = np.vstack([now, np.zeros((3 - len(now), now.shape[1]), dtype=now.dtype)])
    order = np.argsort(-now, axis=0, kind="stable")[:3]
    top = np.take_along_axis(now, order, axis=0)
    cells_now = sum(total[step] for total, step in zip(totals, steps, strict=True))
    best_score = ROW_WEIGHT * int(now.max(axis=0).sum()) + int(cells_now)
    best = None
    count = len(tables)
    for giver, taker in itertools.permutations(range(count), 2):
        moves = [
            step
            for step in STEPS
            if steps[giver] >= step and steps[taker] + step < len(tables[taker])
        ]
        if not moves:
            continue
        others = np.where(
            (order[0] != giver) & (order[0] != taker),
            top[0],
            np.where((order[1] != giver) & (order[1] != taker), top[1], top[2]),
        )
        lose = np.array([steps[giver] - step for step in moves])
        gain = np.array([steps[taker] + step for step in moves])
        heights = np.maximum(np.maximum(tables[giver][lose], tables[taker][gain]), others).sum(
            axis=1
        )
        cells = (
            cells_now
            - totals[giver][steps[giver]]
            - totals[taker][steps[taker]]
            + totals[giver][lose]
            + totals[taker][gain]
        )
        scores = ROW_WEIGHT * heights + cells
        pick = int(scores.argmin())
        if scores[pick] < best_score:
            best_score, best = int(scores[pick]), (giver, taker, moves[pick])
    return best
