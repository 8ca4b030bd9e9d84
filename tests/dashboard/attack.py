"""An adversary of published tables: from the shown counts, "<10" (1–9), "*" (hidden, ≥ the threshold, the
rule says) and the row/column totals, try to work out each hidden cell — by linear algebra (is the cell
fixed by the equations?) and by interval reasoning along every row and column until nothing changes."""

from __future__ import annotations

import math

import numpy as np


def domain(shown, threshold: int) -> tuple[float, float] | None:
    if isinstance(shown, int):
        return None
    if shown == f"<{threshold}":
        return (1, threshold - 1)
    if shown == "*":
        return (threshold, math.inf)
    if shown == "×":
        return (0, math.inf)
    raise AssertionError(f"unexpected published cell {shown!r}")


def recovered(grid: list[list], threshold: int) -> list[tuple[int, int, float]]:
    """Hidden cells the adversary pins down: [(row, col, value)]. `grid` includes totals (last row/column)."""
    n_rows, n_cols = len(grid) - 1, len(grid[0]) - 1
    unknown = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if not isinstance(grid[i][j], int)]
    index = {c: k for k, c in enumerate(unknown)}
    lines = []  # (coefficient by unknown index, constant): Σ coef·x = constant
    for i in range(n_rows + 1):
        lines.append([((i, j), 1) for j in range(n_cols)] + [((i, n_cols), -1)])
    for j in range(n_cols + 1):
        lines.append([((i, j), 1) for i in range(n_rows)] + [((n_rows, j), -1)])
    equations = []
    for line in lines:
        coef, const = {}, 0
        for cell, a in line:
            if cell in index:
                coef[index[cell]] = a
            else:
                const -= a * grid[cell[0]][cell[1]]
        if coef:
            equations.append((coef, const))
    found = {}
    if equations and unknown:
        a = np.zeros((len(equations), len(unknown)))
        b = np.array([const for _coef, const in equations], dtype=float)
        for r, (coef, _const) in enumerate(equations):
            for k, v in coef.items():
                a[r, k] = v
        rank = np.linalg.matrix_rank(a)
        solution = np.linalg.lstsq(a, b, rcond=None)[0]
        for k, cell in enumerate(unknown):
            e = np.zeros(len(unknown))
            e[k] = 1
            if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
                found[cell] = round(float(solution[k]), 6)
    lo = {k: domain(grid[c[0]][c[1]], threshold)[0] for c, k in index.items()}
    hi = {k: domain(grid[c[0]][c[1]], threshold)[1] for c, k in index.items()}
    for _ in range(100):
        changed = False
        for coef, const in equations:
            for k, a in coef.items():
                rest_lo = sum(min(c * lo[m], c * hi[m]) for m, c in coef.items() if m != k)
                rest_hi = sum(max(c * lo[m], c * hi[m]) for m, c in coef.items() if m != k)
                # a·x_k = const − rest
                bounds = sorted([(const - rest_hi) / a, (const - rest_lo) / a])
                new_lo, new_hi = max(lo[k], bounds[0]), min(hi[k], bounds[1])
                if new_lo > lo[k] + 1e-9 or new_hi < hi[k] - 1e-9:
                    lo[k], hi[k], changed = new_lo, new_hi, True
        if not changed:
            break
    for cell, k in index.items():
        if hi[k] - lo[k] < 1 - 1e-9:  # integers: one value left
            found[cell] = lo[k]
    return [(i, j, v) for (i, j), v in found.items()]
