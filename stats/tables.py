"""Tables of a release, suppressed: one-way tables first, then cross-tabulations on top of them.

A payload (what `ReleaseTable` stores and pages show) holds codes and published counts only:
`rows` (and `cols` for two dimensions), `cells` keyed "row" or "row|col", `row_totals`,
`col_totals` and `total`; None marks a suppressed figure. The one-way tables of a release are
its base: a cross-tabulation takes their counts as its margins, published or suppressed as
they are, and suppresses only its inner cells (stats.suppression `fixed`), so that a figure
never appears with different neighbours on two pages (docs/statistics.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from stats.dimensions import DIMENSIONS, NONE, categories
from stats.suppression import Protected, Relation, Table, Unprotectable, protect

Payload = dict[str, Any]
RESPONSES = ["accepted", "partially_accepted", "plan_received", "not_accepted", "implemented",
             NONE]  # fmt: skip


def _published(values: dict[str, int], shown: Protected | None) -> dict[str, int | None]:
    return shown.published(values) if shown else dict.fromkeys(values)


def _protect(table: Table, k: int) -> Protected | None:
    try:
        return protect(table, k)
    except Unprotectable:
        return None  # every free figure withheld


def oneway(counts: Counter[str], *, rows: list[str], total: int, exact: bool, k: int) -> Payload:
    """A one-way table: a count per category and the total (cells add up to it when exact)."""
    values = {f"c:{code}": counts.get(code, 0) for code in rows}
    values["total"] = total
    relation = Relation("total", tuple(f"c:{code}" for code in rows), exact=exact)
    shown = _published(values, _protect(Table(values, [relation]), k))
    return {
        "rows": rows,
        "cells": {code: shown[f"c:{code}"] for code in rows},
        "total": shown["total"],
        "exact": exact,
    }


def received_oneway(records: list[list[Any]], dimension: str, start: date, end: date,
                    k: int) -> Payload:  # fmt: skip
    dim = DIMENSIONS[dimension]
    counts = dim.count(records)
    rows = categories(dimension, start, end)
    return oneway(counts, rows=rows, total=len(records), exact=not dim.multiple, k=k)


def crosstab(records: list[list[Any]], dims: tuple[str, str], margins: tuple[Payload, Payload],
             k: int) -> Payload:  # fmt: skip
    """Rows by `dims[0]`, columns by `dims[1]`; margins are the base's one-way tables."""
    first, second = DIMENSIONS[dims[0]], DIMENSIONS[dims[1]]
    rows, cols = margins[0]["rows"], margins[1]["rows"]
    counts: Counter[tuple[str, str]] = Counter()
    by_row: Counter[str] = Counter()
    by_col: Counter[str] = Counter()
    for record in records:
        mine, theirs = first.values(record), second.values(record)
        by_row.update(mine)
        by_col.update(theirs)
        counts.update((a, b) for a in mine for b in theirs)
    inner = {f"x:{a}|{b}": counts.get((a, b), 0) for a in rows for b in cols}
    totals = {f"r:{a}": by_row.get(a, 0) for a in rows} | {f"k:{b}": by_col.get(b, 0) for b in cols}
    values = {**inner, **totals, "total": len(records)}
    fixed = {f"r:{a}": margins[0]["cells"][a] is None for a in rows}
    fixed |= {f"k:{b}": margins[1]["cells"][b] is None for b in cols}
    fixed["total"] = margins[0]["total"] is None
    relations = [
        *(Relation(f"r:{a}", tuple(f"x:{a}|{b}" for b in cols), not second.multiple)
          for a in rows),
        *(Relation(f"k:{b}", tuple(f"x:{a}|{b}" for a in rows), not first.multiple)
          for b in cols),
        Relation("total", tuple(f"r:{a}" for a in rows), not first.multiple),
        Relation("total", tuple(f"k:{b}" for b in cols), not second.multiple),
    ]  # fmt: skip
    shown = _protect(Table(values, relations, fixed), k)
    published = shown.published(values) if shown else {
        key: None if key in inner or fixed[key] else value for key, value in values.items()
    }  # fmt: skip
    return {
        "rows": rows, "cols": cols,
        "cells": {f"{a}|{b}": published[f"x:{a}|{b}"] for a in rows for b in cols},
        "row_totals": {a: published[f"r:{a}"] for a in rows},
        "col_totals": {b: published[f"k:{b}"] for b in cols},
        "total": published["total"],
        "exact_rows": not second.multiple, "exact_cols": not first.multiple,
    }  # fmt: skip


def twoway_free(counts: Counter[tuple[str, str]], rows: list[str], cols: list[str],
                k: int) -> Payload:  # fmt: skip
    """A two-way table of its own population, margins suppressed with it (recommendations)."""
    inner = {f"x:{a}|{b}": counts.get((a, b), 0) for a in rows for b in cols}
    values = dict(inner)
    values |= {f"r:{a}": sum(counts.get((a, b), 0) for b in cols) for a in rows}
    values |= {f"k:{b}": sum(counts.get((a, b), 0) for a in rows) for b in cols}
    values["total"] = sum(counts.values())
    relations = [
        *(Relation(f"r:{a}", tuple(f"x:{a}|{b}" for b in cols)) for a in rows),
        *(Relation(f"k:{b}", tuple(f"x:{a}|{b}" for a in rows)) for b in cols),
        Relation("total", tuple(f"r:{a}" for a in rows)),
        Relation("total", tuple(f"k:{b}" for b in cols)),
    ]
    published = _published(values, _protect(Table(values, relations), k))
    return {
        "rows": rows, "cols": cols,
        "cells": {f"{a}|{b}": published[f"x:{a}|{b}"] for a in rows for b in cols},
        "row_totals": {a: published[f"r:{a}"] for a in rows},
        "col_totals": {b: published[f"k:{b}"] for b in cols},
        "total": published["total"], "exact_rows": True, "exact_cols": True,
    }  # fmt: skip


def filtered(cross: Payload, code: str) -> Payload:
    """The one-way table of the column dimension for cases in row `code` of a cross-tab."""
    return {
        "rows": cross["cols"],
        "cells": {b: cross["cells"][f"{code}|{b}"] for b in cross["cols"]},
        "total": cross["row_totals"][code],
        "exact": cross["exact_rows"],
    }
