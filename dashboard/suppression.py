"""Small-cell suppression for published tables (公开发布): primary cells below the threshold, plus secondary
cells so that no suppressed cell can be worked out from the totals and the other cells.

A table is its interior cells with a total column, a total row and the grand total. Primary: every count
with 0 < n < threshold, interior or total, is shown "<10" (so a reader knows it is 1–9). Secondary: a
suppressed cell is safe when it is a corner of a rectangle of suppressed cells along which the counts can be
moved (+1/−1, the sign flipping on totals) without changing a published number or leaving any corner's
known range (1…threshold−1 for "<10", ≥ threshold for "*"): then a second table, as consistent with
everything published as the true one, differs in that cell. Each unsafe cell gets the cheapest such
rectangle, adding as "*" cells of at least the threshold (never a zero, whose "*" would say "0 or ≥ 10");
a table where none exists is withheld whole ("×" everywhere, no number at all). Zeros are published as 0.
The property test (tests/dashboard/test_suppression.py) attacks the output with linear algebra and interval
reasoning and never recovers a cell.
"""

from __future__ import annotations

from itertools import product

PRIMARY = "primary"
SECONDARY = "secondary"
WITHHELD = "withheld"  # a table that cannot be protected is published without any number


def _sign(i: int, j: int, rows: int, cols: int) -> int:
    return -1 if (i == rows) != (j == cols) else 1


def full_table(cells: list[list[int]]) -> list[list[int]]:
    """The interior with its total column, total row and grand total."""
    rows = [list(r) + [sum(r)] for r in cells]
    cols = len(cells[0]) if cells else 0
    totals = [sum(r[j] for r in rows) for j in range(cols + 1)]
    return rows + [totals]


def _fits(value: int, state: str, threshold: int) -> bool:
    if state == PRIMARY:
        return 1 <= value < threshold
    return value >= threshold


def suppress(cells: list[list[int]], threshold: int) -> tuple[list[list[int]], list[list[str | None]]]:
    """(the full table with totals, a same-shaped grid of None / PRIMARY / SECONDARY)."""
    table = full_table(cells)
    n_rows, n_cols = len(table) - 1, len(table[0]) - 1  # index of the total row / column
    state: dict[tuple[int, int], str] = {
        (i, j): PRIMARY for i, row in enumerate(table) for j, v in enumerate(row) if 0 < v < threshold}

    def corner_ok(cell, shift, extra) -> bool:
        i, j = cell
        s = state.get(cell) or extra.get(cell)
        return s is not None and _fits(table[i][j] + shift, s, threshold)

    def rectangle_ok(corners, extra) -> bool:
        for direction in (1, -1):
            if all(corner_ok(c, direction * d * _sign(*c, n_rows, n_cols), extra) for c, d in corners):
                return True
        return False

    def rectangles(cell):
        i1, j1 = cell
        for i2, j2 in product(range(n_rows + 1), range(n_cols + 1)):
            if i2 != i1 and j2 != j1:
                yield [((i1, j1), 1), ((i1, j2), -1), ((i2, j1), -1), ((i2, j2), 1)]

    changed = True
    while changed:
        changed = False
        for cell in sorted(state):
            if any(rectangle_ok(r, {}) for r in rectangles(cell)):
                continue
            best = None
            for r in rectangles(cell):
                new = [c for c, _d in r if c not in state]
                if any(table[c[0]][c[1]] < threshold for c in new):
                    continue
                extra = dict.fromkeys(new, SECONDARY)
                if rectangle_ok(r, extra):
                    cost = (len(new), sum(table[c[0]][c[1]] for c in new), r[1][0], r[2][0])
                    if best is None or cost < best[0]:
                        best = (cost, new)
            if best is None:  # nothing can hide this cell: withhold the whole table
                return table, [[WITHHELD] * (n_cols + 1) for _ in range(n_rows + 1)]
            for c in best[1]:
                state[c] = SECONDARY
            changed = True
    return table, [[state.get((i, j)) for j in range(n_cols + 1)] for i in range(n_rows + 1)]


def display(mark: str | None, value: int, threshold: int) -> str:
    if mark is None:
        return str(value)
    return {PRIMARY: f"<{threshold}", SECONDARY: "*", WITHHELD: "×"}[mark]


def published(cells: list[list[int]], threshold: int) -> list[list[int | str]]:
    """The full table as published: counts, "<threshold", "*" or "×"."""
    table, marks = suppress(cells, threshold)
    return [[v if m is None else display(m, v, threshold) for v, m in zip(row, mrow, strict=True)]
            for row, mrow in zip(table, marks, strict=True)]
