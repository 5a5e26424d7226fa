"""An attacker's view of a published two-way table, written apart from stats.suppression.

Given what a table publishes (inner cells, row and column totals, grand total; None where
suppressed; zeros exact), linear programming finds the range each suppressed figure can take.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def intervals(
    cells: list[list[int | None]],
    row_totals: list[int | None],
    col_totals: list[int | None],
    total: int | None,
    *,
    exact_rows: bool = True,
    exact_cols: bool = True,
) -> dict[tuple[str, int, int], tuple[float, float]]:
    """(kind, i, j) → (min, max) of every suppressed figure; kind is cell, row, col or total."""
    unknown: list[tuple[str, int, int]] = []
    rows, cols = len(cells), len(cells[0])
    unknown += [("cell", i, j) for i in range(rows) for j in range(cols) if cells[i][j] is None]
    unknown += [("row", i, 0) for i in range(rows) if row_totals[i] is None]
    unknown += [("col", 0, j) for j in range(cols) if col_totals[j] is None]
    unknown += [("total", 0, 0)] if total is None else []
    where = {key: n for n, key in enumerate(unknown)}

    def term(kind: str, i: int, j: int) -> tuple[int | None, float]:
        key = (kind, i, j)
        if key in where:
            return where[key], 0.0
        value = {
            "cell": lambda: cells[i][j],
            "row": lambda: row_totals[i],
            "col": lambda: col_totals[j],
            "total": lambda: total,
        }[kind]()
        return None, float(value)

    eq, ub = [], []

    def constraint(whole: tuple[str, int, int], parts: list[tuple[str, int, int]], exact: bool):
        vector, constant = np.zeros(len(unknown)), 0.0
        for sign, item in [(1.0, whole)] + [(-1.0, p) for p in parts]:
            index, value = term(*item)
            if index is None:
                constant -= sign * value
            else:
                vector[index] += sign
        if exact:
            eq.append((vector, constant))
            return
        ub.append((vector, constant))  # whole <= sum(parts)
        for part in parts:  # part <= whole
            vector, constant = np.zeros(len(unknown)), 0.0
            for sign, item in ((1.0, part), (-1.0, whole)):
                index, value = term(*item)
                if index is None:
                    constant -= sign * value
                else:
                    vector[index] += sign
            ub.append((vector, constant))

    for i in range(rows):
        constraint(("row", i, 0), [("cell", i, j) for j in range(cols)], exact_rows)
    for j in range(cols):
        constraint(("col", 0, j), [("cell", i, j) for i in range(rows)], exact_cols)
    constraint(("total", 0, 0), [("row", i, 0) for i in range(rows)], exact_cols)
    constraint(("total", 0, 0), [("col", 0, j) for j in range(cols)], exact_rows)

    def stack(found):
        if not found:
            return None, None
        return np.array([v for v, _ in found]), np.array([c for _, c in found])

    a_eq, b_eq = stack(eq)
    a_ub, b_ub = stack(ub)
    result = {}
    for key, index in where.items():
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(unknown))
            objective[index] = sign
            found = linprog(
                objective,
                A_eq=a_eq,
                b_eq=b_eq,
                A_ub=a_ub,
                b_ub=b_ub,
                bounds=[(1, None)] * len(unknown),
                method="highs",
            )
            assert found.status in (0, 3), found.message  # 3: unbounded
            ends.append(sign * found.fun if found.status == 0 else float("inf"))
        result[key] = (ends[0], ends[1])
    return result
