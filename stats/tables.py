"""Tables of a release, suppressed: the one-way base and the tables of their own populations.

A payload (what `ReleaseTable` stores and pages show) holds codes and published counts only:
`rows` (and `cols` for two dimensions), `cells` keyed "row" or "row|col", `row_totals`,
`col_totals` and `total`; None marks a suppressed figure. The one-way tables of a release are
its base: cross-tabulations (stats.linked) take their counts as margins, published or
suppressed as they are, so that a figure never appears with different neighbours on two pages
(docs/statistics.md).
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
