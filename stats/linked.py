"""Linked tables: a new table of a release is suppressed *together with* what is published.

Every figure of the received population is a count of the cases in some categories of some
dimensions: `right=housing|body=12` (its id names them in the dimensions' order; the total is
`total`). A table over dimensions S publishes its inner figures (a category of each dimension
in S); its margins are figures of the tables over S less one dimension, which are published
before it (the one-way base first, then the two-way tables a three-way table rests on). For each
dimension X of S, every figure of S less X is the sum of its parts along X (exactly when X is
single-valued; `part <= whole <= sum` when a case may be in several categories of X).

When a new table is built, the tables already published that share a *suppressed* figure with
it — directly or through one another — are audited with it: one linear programme over the union
of their relations, everything published fixed, only the new table's inner figures free to be
suppressed. So a suppressed figure cannot be narrowed below k by combining two tables (τ-ARGUS's
linked tables), and a figure already published keeps its value or `[c]` (docs/statistics.md).
Tables that share only published figures are independent: a published figure is a constant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations, product
from typing import Any

from stats.dimensions import DIMENSIONS
from stats.suppression import Protected, Relation, Table, Unprotectable, protect

ORDER = list(DIMENSIONS)
# Linked suppressed figures beyond which a new table is withheld whole rather than audited:
# the joint LP grows with them (sparse periods, where most figures are small). A table whose
# inner figures are all withheld, zeros too, tells nothing its published margins do not.
LINK_LIMIT = 250
Dims = tuple[str, ...]
Published = dict[str, int | None]  # figure id -> published count, None if suppressed


def ordered(dims: Iterable[str]) -> Dims:
    return tuple(sorted(dims, key=ORDER.index))


def figure_id(dims: Dims, codes: Iterable[str]) -> str:
    return "|".join(f"{d}={c}" for d, c in zip(dims, codes, strict=True)) or "total"


def inner(dims: Dims, rows: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """A table's inner figures: id -> the category of each of its dimensions."""
    return {figure_id(dims, codes): codes for codes in product(*(rows[d] for d in dims))}


def relations(dims: Dims, rows: dict[str, list[str]]) -> list[Relation]:
    """For each dimension X of the table, each figure of the table less X and its parts."""
    found = []
    for at, dim in enumerate(dims):
        rest = dims[:at] + dims[at + 1 :]
        exact = not DIMENSIONS[dim].multiple
        for codes in product(*(rows[d] for d in rest)):
            parts = tuple(figure_id(dims, (*codes[:at], code, *codes[at:])) for code in rows[dim])
            found.append(Relation(figure_id(rest, codes), parts, exact))
    return found


def count(records: list[list[Any]], dims: Dims) -> dict[str, int]:
    """The cases in each combination of categories of `dims` (by figure id)."""
    if not dims:
        return {"total": len(records)}
    values = [DIMENSIONS[d].values for d in dims]
    found: Counter[tuple[str, ...]] = Counter()
    for record in records:
        found.update(product(*(value(record) for value in values)))
    return {figure_id(dims, codes): n for codes, n in found.items()}


def protect_linked(records: list[list[Any]], new: Dims, rows: dict[str, list[str]],
                   published: dict[Dims, Published], k: int) -> Published:  # fmt: skip
    """The new table's inner figures, suppressed with every published table linked to it.

    `published` holds every table of the release already published (each over its dimensions,
    the base one-way tables among them), including each margin table of `new`."""
    cells = inner(new, rows)
    if any(published[(d,)]["total"] is None for d in new):  # the base withheld: this too
        return dict.fromkeys(cells)
    fixed = {key: value is None for table in published.values() for key, value in table.items()}
    # The new table, the published tables linked to it, and the tables under each of them.
    audited = {sub for dims in [new, *_linked(new, published)]
               for sub in _under(dims, with_itself=True)}  # fmt: skip
    values: dict[str, int] = {}
    for dims in audited | {()}:
        found = count(records, dims)
        values |= {key: found.get(key, 0) for key in inner(dims, rows)}
    fixed = {key: fixed[key] for key in values if key in fixed}
    # A table withheld whole (no suppression could protect it) hides zeros too.
    maybe_zero = frozenset(key for key, hidden in fixed.items() if hidden and not values[key])
    relations_ = [r for dims in audited for r in relations(dims, rows)]
    table = Table(values, relations_, fixed, maybe_zero)
    try:
        if sum(fixed.values()) > LINK_LIMIT:  # too many to audit now: withhold (see above)
            raise Unprotectable
        shown: Protected | None = protect(table, k)
    except Unprotectable:  # every inner figure withheld, zeros too
        shown = None
    return {key: None if shown is None or key in shown.suppressed else values[key]
            for key in cells}  # fmt: skip


def _linked(new: Dims, published: dict[Dims, Published]) -> list[Dims]:
    """The published tables of two or more dimensions tied to `new` by suppressed figures
    (their own or those of the tables under them), directly or through one another."""

    def hidden(dims: Dims, with_itself: bool) -> set[str]:
        return {key for sub in _under(dims, with_itself) if not withheld(sub, published)
                for key, value in published[sub].items() if value is None}  # fmt: skip

    reached = hidden(new, with_itself=False)
    linked: list[Dims] = []
    changed = True
    while changed:
        changed = False
        for dims in published:
            if len(dims) < 2 or dims in linked or dims == new or withheld(dims, published):
                continue
            theirs = hidden(dims, with_itself=True)
            if theirs & reached:
                linked.append(dims)
                reached |= theirs
                changed = True
    return linked


def withheld(dims: Dims, published: dict[Dims, Published]) -> bool:
    """A table of two dimensions or more none of whose figures is published. It is not shown
    (only a sentence saying so) and tells nothing its margins do not, so it links nothing: the
    cases' classification by its dimensions is public knowledge whether it is built or not."""
    table = published[dims]
    return len(dims) > 1 and bool(table) and all(value is None for value in table.values())


def _under(dims: Dims, with_itself: bool) -> set[Dims]:
    """The tables over some of `dims` (one dimension or more), and `dims` itself if asked."""
    top = len(dims) + 1 if with_itself else len(dims)
    return {sub for n in range(1, top) for sub in combinations(dims, n)}


def as_published(dims: Dims, payload: dict[str, Any]) -> Published:
    """A stored table's figures by id: a one-way table's cells and total, else inner cells."""
    if len(dims) == 1:
        cells = {figure_id(dims, (code,)): v for code, v in payload["cells"].items()}
        return cells | {"total": payload["total"]}
    return {figure_id(dims, tuple(key.split("|"))): v for key, v in payload["cells"].items()}
