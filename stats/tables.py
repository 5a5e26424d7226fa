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
    return oneways({"": (counts, rows, exact)}, total=total, k=k)[""]


def oneways(tables: dict[str, tuple[Counter[str], list[str], bool]], *, total: int,
            k: int) -> dict[str, Payload]:  # fmt: skip
    """One-way tables of one population (name -> counts, categories, whether cells add up to
    the total), suppressed together: they share the total, so a figure hidden in one is bounded
    by the total the others publish. Where only hiding the total protects a table, every figure
    of every one of them is withheld, zeros too (docs/statistics.md)."""
    values = {"total": total}
    relations = []
    for name, (counts, rows, exact) in tables.items():
        values |= {f"c:{name}:{code}": counts.get(code, 0) for code in rows}
        relations.append(Relation("total", tuple(f"c:{name}:{code}" for code in rows), exact))
    protected = _protect(Table(values, relations), k)
    if protected is not None and "total" in protected.suppressed:
        protected = None  # the population's size hidden: no breakdown of it either
    shown = _published(values, protected)
    return {
        name: {
            "rows": rows,
            "cells": {code: shown[f"c:{name}:{code}"] for code in rows},
            "total": shown["total"],
            "exact": exact,
        }
        for name, (_counts, rows, exact) in tables.items()
    }


def received_base(records: list[list[Any]], start: date, end: date, k: int) -> dict[str, Payload]:
    """The received population's one-way table of every dimension, suppressed together."""
    tables = {
        name: (dim.count(records), categories(name, start, end), not dim.multiple)
        for name, dim in DIMENSIONS.items()
    }
    return oneways(tables, total=len(records), k=k)


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
