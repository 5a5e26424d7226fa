"""Disclosure control of a table of counts: primary and complementary suppression, LP-audited.

A table is a set of published figures (`values`, by id) tied by relations: a whole and its parts.
An exact relation says `whole = sum(parts)` (a row and its total); an inexact one, for a
dimension where one case may count in several categories (rights, vulnerable groups), says only
`part <= whole <= sum(parts)`.

`protect` suppresses:

1. primary: every count in 1..k-1;
2. complementary: in every exact relation with exactly one suppressed member, the smallest
   other non-zero member (a lone suppressed cell is its total minus the others);
3. the audit: for every suppressed figure, linear programming (HiGHS) finds the smallest and largest
   value consistent with everything published (each relation, published figures fixed,
   suppressed ones at least 1, since zeros are shown). Where that interval is narrower than k, the
   smallest non-zero published figure related to it is suppressed too, and the audit runs again.
   If nothing is left to suppress and some interval is still too narrow, every free figure is
   withheld.

Figures in `fixed` were published elsewhere from the same base (a cross-tabulation's margins
are the one-way tables): they keep their state, published or suppressed, and are never chosen.
docs/statistics.md describes the method, its limits and a worked example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_ROUNDS = 30
# Groups of more figures than this are first solved for a few random objectives.
SPREAD_FROM, SPREAD = 12, 0  # random objectives cost more than they saved (measured)


@dataclass(frozen=True)
class Relation:
    whole: str
    parts: tuple[str, ...]
    exact: bool = True


@dataclass
class Table:
    values: dict[str, int]
    relations: list[Relation]
    # Figures decided elsewhere: id -> True if suppressed there.
    fixed: dict[str, bool] = field(default_factory=dict)
    # Suppressed figures that may be 0 (a withheld table's zeros): their floor is 0, not 1.
    maybe_zero: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Protected:
    suppressed: frozenset[str]
    # The audited interval of each suppressed figure (lowest, highest; None: unbounded).
    intervals: dict[str, tuple[float, float | None]]

    def published(self, values: dict[str, int]) -> dict[str, int | None]:
        return {key: None if key in self.suppressed else value for key, value in values.items()}


def primary(values: dict[str, int], k: int) -> set[str]:
    return {key for key, value in values.items() if 0 < value < k}


def protect(table: Table, k: int) -> Protected:
    """Suppress until every suppressed figure's feasible interval is at least k wide."""
    suppressed = {key for key, hidden in table.fixed.items() if hidden}
    suppressed |= primary({k_: v for k_, v in table.values.items() if k_ not in table.fixed}, k)
    wide: dict[str, tuple[float, float | None]] = {}
    for _round in range(MAX_ROUNDS):
        _complete_relations(table, suppressed)
        if not suppressed:
            return Protected(frozenset(), {})
        # Suppressing more only adds solutions: a figure shown k wide stays so (`wide`).
        intervals = audit(table, suppressed, k, wide)
        wide |= {key: i for key, i in intervals.items() if not _narrow(*i, k)}
        narrow = [key for key, (low, high) in intervals.items() if _narrow(low, high, k)]
        if not narrow:
            return Protected(frozenset(suppressed), intervals)
        added = {pick for key in narrow if (pick := _partner(table, suppressed, key))}
        if not added:
            break
        suppressed |= added
    suppressed |= {key for key, value in table.values.items() if value and key not in table.fixed}
    intervals = audit(table, suppressed, k)
    if any(_narrow(low, high, k) for low, high in intervals.values()):
        raise Unprotectable
    return Protected(frozenset(suppressed), intervals)


class Unprotectable(Exception):  # noqa: N818 - a state of the data, handled by withholding
    """No suppression of the free figures protects the fixed ones: the table is withheld."""


def _narrow(low: float, high: float | None, k: int) -> bool:
    return high is not None and high - low < k - 1e-6


def _free(table: Table, suppressed: set[str], keys: Iterable[str]) -> list[str]:
    """Published, non-zero figures that may still be suppressed, smallest first."""
    found = [
        key
        for key in keys
        if key not in suppressed and key not in table.fixed and table.values[key] > 0
    ]
    return sorted(found, key=lambda key: (table.values[key], key))


def _complete_relations(table: Table, suppressed: set[str]) -> None:
    """No exact relation may have exactly one suppressed member."""
    changed = True
    while changed:
        changed = False
        for relation in table.relations:
            if not relation.exact:
                continue
            members = (relation.whole, *relation.parts)
            if sum(member in suppressed for member in members) != 1:
                continue
            choices = _free(table, suppressed, relation.parts) or _free(
                table, suppressed, [relation.whole]
            )
            if choices:
                suppressed.add(choices[0])
                changed = True


def _partner(table: Table, suppressed: set[str], key: str) -> str | None:
    """The smallest free figure sharing a relation with `key` (parts before wholes)."""
    related: list[str] = []
    for relation in table.relations:
        members = (relation.whole, *relation.parts)
        if key in members:
            related += [m for m in members if m != key]
    choices = _free(table, suppressed, related)
    return choices[0] if choices else None


def audit(table: Table, suppressed: set[str], k: int = 0,
          wide: dict[str, tuple[float, float | None]] | None = None,
          ) -> dict[str, tuple[float, float | None]]:  # fmt: skip
    """Each suppressed figure's feasible interval given everything published (LP relaxation).

    The suppressed figures fall into independent groups (those tied by relations through other
    suppressed figures); each group is solved on its own. A group held by one exact relation
    has its intervals in closed form; any other group goes to linear programming (`_solve`).
    Figures in `wide` were shown k wide with fewer figures suppressed: they are not solved for.
    """
    wide = wide or {}
    found: dict[str, tuple[float, float | None]] = {}
    for group, relations in _groups(table, suppressed):
        if group <= wide.keys():
            found |= {key: wide[key] for key in group}
            continue
        if len(relations) == 1 and relations[0].exact and not group & table.maybe_zero:
            found |= _one_relation(table, relations[0], group)
        else:
            group_table = Table(table.values, relations, table.fixed, table.maybe_zero)
            found |= _solve(group_table, group, k, {key: wide[key] for key in group & wide.keys()})
    return found


def _groups(table: Table, suppressed: set[str]) -> list[tuple[set[str], list[Relation]]]:
    """Suppressed figures joined when a relation holds both, with the relations holding them."""
    parent = {key: key for key in suppressed}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    holding = []
    for relation in table.relations:
        hidden = [m for m in (relation.whole, *relation.parts) if m in suppressed]
        if hidden:
            holding.append((relation, hidden[0]))
            for other in hidden[1:]:
                parent[root(other)] = root(hidden[0])
    groups: dict[str, tuple[set[str], list[Relation]]] = {}
    for key in suppressed:
        groups.setdefault(root(key), (set(), []))[0].add(key)
    for relation, member in holding:
        groups[root(member)][1].append(relation)
    return list(groups.values())


def _one_relation(table: Table, relation: Relation,
                  hidden: set[str]) -> dict[str, tuple[float, float | None]]:  # fmt: skip
    """`whole = sum(parts)` with the figures in `hidden` unknown, each at least 1."""
    published = sum(table.values[p] for p in relation.parts if p not in hidden)
    if relation.whole in hidden:
        if len(hidden) == 1:  # the sum of published parts
            return {relation.whole: (float(published), float(published))}
        # Nothing bounds a suppressed whole or its suppressed parts from above.
        lowest = float(published + len(hidden) - 1)
        return {key: (lowest if key == relation.whole else 1.0, None) for key in hidden}
    rest = float(table.values[relation.whole] - published)
    if len(hidden) == 1:  # the whole minus the published parts
        return dict.fromkeys(hidden, (rest, rest))
    return dict.fromkeys(hidden, (1.0, rest - (len(hidden) - 1)))


def _solve(table: Table, suppressed: set[str], k: int,
           wide: dict[str, tuple[float, float | None]] | None = None,
           ) -> dict[str, tuple[float, float | None]]:  # fmt: skip
    """The intervals of one group by linear programming (HiGHS, through highspy).

    One model, whose objective changes from figure to figure: each solve starts from the last
    one's basis (a few simplex steps, where a fresh solve would start over; linked tables make
    groups of hundreds of figures). Every LP solution is a feasible table: the range of values
    a figure takes across the solutions seen is part of its interval. With `k`, a figure whose
    seen range is already k wide needs no LP of its own (the interval returned is then that
    part, at least k wide). A few random objectives first spread many figures at once.
    """
    import numpy as np

    wide = wide or {}
    unknown = sorted(suppressed)
    index = {key: i for i, key in enumerate(unknown)}
    equalities, inequalities = _constraints(table, index)
    floors = np.array([0.0 if key in table.maybe_zero else 1.0 for key in unknown])
    highs = _model(floors, equalities, inequalities)
    low = np.full(len(unknown), np.inf)
    high = np.full(len(unknown), -np.inf)
    unbounded = np.zeros(len(unknown), dtype=bool)

    def solve(costs: Any) -> bool:
        """Solve for these costs; False if unbounded."""
        highs.changeColsCost(len(unknown), np.arange(len(unknown), dtype=np.int32), costs)
        highs.run()
        status = highs.modelStatusToString(highs.getModelStatus())
        if status not in {"Optimal", "Unbounded"}:  # the warm start lost its way: start over
            highs.clearSolver()
            highs.run()
            status = highs.modelStatusToString(highs.getModelStatus())
        if status == "Optimal":
            values = np.array(highs.getSolution().col_value)
            np.minimum(low, values, out=low)
            np.maximum(high, values, out=high)
            return True
        if "nbounded" in status:
            return False
        raise RuntimeError(f"disclosure audit: the LP ended {status}")

    if k and len(unknown) > SPREAD_FROM:
        rng = np.random.default_rng(len(unknown))
        for _ in range(SPREAD):
            solve(rng.choice([-1.0, 0.0, 1.0], size=len(unknown)))
    for i, key in enumerate(unknown):
        for sign in (-1.0, 1.0):  # the largest value first, then the smallest
            if key in wide or (k and (unbounded[i] or high[i] - low[i] >= k - 1e-6)):
                break
            costs = np.zeros(len(unknown))
            costs[i] = sign
            if not solve(costs):
                unbounded[i] = True  # maximising it has no end: it has no top
    found = {
        key: (float(low[i]) if np.isfinite(low[i]) else floors[i],
              None if unbounded[i] else float(high[i]))
        for key, i in index.items()
    }  # fmt: skip
    return found | wide


def _model(floors: Any, equalities: list[Row], inequalities: list[Row]) -> Any:
    """A HiGHS model: figures at least their floor (1, or 0); rows `= rhs` and `<= rhs`."""
    import highspy
    import numpy as np

    width = len(floors)
    infinite = highspy.kHighsInf
    rows = [*equalities, *inequalities]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = width, len(rows)
    lp.col_cost_ = np.zeros(width)
    lp.col_lower_, lp.col_upper_ = floors, np.full(width, infinite)
    rhs = np.array([constant for _coefficients, constant in rows])
    lp.row_lower_ = np.concatenate([rhs[: len(equalities)],
                                    np.full(len(inequalities), -infinite)])  # fmt: skip
    lp.row_upper_ = rhs
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.start_ = np.cumsum([0, *(len(c) for c, _constant in rows)])
    matrix.index_ = np.array([col for c, _constant in rows for col in c], dtype=np.int32)
    matrix.value_ = np.array([value for c, _constant in rows for value in c.values()])
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")  # keep the basis from one objective to the next
    highs.passModel(lp)
    return highs


Row = tuple[dict[int, float], float]  # coefficients by unknown, right-hand side


def _constraints(table: Table, index: dict[str, int]) -> tuple[list[Row], list[Row]]:
    """Relations over the unknowns: published figures move to the right-hand side."""
    equalities: list[Row] = []
    inequalities: list[Row] = []

    def row(terms: list[tuple[str, float]]) -> Row:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for key, sign in terms:
            if key in index:
                coefficients[index[key]] = coefficients.get(index[key], 0.0) + sign
            else:
                constant -= sign * table.values[key]
        return coefficients, constant

    for relation in table.relations:
        whole = [(relation.whole, 1.0)]
        parts = [(part, -1.0) for part in relation.parts]
        if relation.exact:
            equalities.append(row(whole + parts))  # whole - sum(parts) = 0
            continue
        inequalities.append(row(whole + parts))  # whole - sum(parts) <= 0
        inequalities += [row([(part, 1.0), (relation.whole, -1.0)]) for part in relation.parts]
    keep = [r for r in equalities if r[0]], [r for r in inequalities if r[0]]
    return keep
