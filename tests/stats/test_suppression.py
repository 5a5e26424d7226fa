"""Disclosure control: no published count in 1..k-1, and no suppressed figure that the published
totals pin down (exactly or to an interval narrower than k), checked by an independent LP."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats.tables import oneway, twoway_free
from tests.stats.lp_audit import intervals

K = 10


def as_lists(payload):
    rows, cols = payload["rows"], payload["cols"]
    cells = [[payload["cells"][f"{a}|{b}"] for b in cols] for a in rows]
    return (cells, [payload["row_totals"][a] for a in rows],
            [payload["col_totals"][b] for b in cols], payload["total"])  # fmt: skip


def published_figures(payload):
    cells, rows, cols, total = as_lists(payload)
    return [v for row in cells for v in row] + rows + cols + [total]


small_tables = st.integers(2, 4).flatmap(
    lambda rows: st.integers(2, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 8, 9, 10, 12, 20, 35]),
                     min_size=cols, max_size=cols),
            min_size=rows, max_size=rows,
        )
    )
)  # fmt: skip


def table_of(grid):
    rows = [f"r{i}" for i in range(len(grid))]
    cols = [f"c{j}" for j in range(len(grid[0]))]
    counts = Counter({(a, b): grid[i][j] for i, a in enumerate(rows) for j, b in enumerate(cols)})
    return twoway_free(counts, rows, cols, K)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables)
def test_no_published_count_below_k_and_no_suppressed_cell_narrower_than_k(grid):
    payload = table_of(grid)
    assert all(v is None or v == 0 or v >= K for v in published_figures(payload))
    cells, rows, cols, total = as_lists(payload)
    for key, (low, high) in intervals(cells, rows, cols, total).items():
        assert high - low >= K - 1e-6, (grid, payload, key, low, high)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 4, 9, 10, 11, 30]), min_size=2, max_size=6))
def test_one_way_tables_hide_a_lone_small_count_from_the_total(counts):
    rows = [f"c{i}" for i in range(len(counts))]
    payload = oneway(Counter(dict(zip(rows, counts, strict=True))), rows=rows,
                     total=sum(counts), exact=True, k=K)  # fmt: skip
    shown = [payload["cells"][r] for r in rows]
    assert all(v is None or v == 0 or v >= K for v in [*shown, payload["total"]])
    hidden = [counts[i] for i, v in enumerate(shown) if v is None]
    if payload["total"] is not None and hidden:
        assert len(hidden) >= 2, (counts, payload)  # never one cell = total - the others
        grid = [[v] for v in shown]
        found = intervals(grid, shown, [payload["total"]], payload["total"])
        assert all(high - low >= K - 1e-6 for low, high in found.values()), (counts, found)


def test_a_worked_example():
    """docs/statistics.md: rows A, B; columns x, y, z."""
    rows, cols = ["A", "B"], ["x", "y", "z"]
    grid = [[3, 14, 20], [25, 11, 0]]
    counts = Counter({(a, b): grid[i][j] for i, a in enumerate(rows) for j, b in enumerate(cols)})
    payload = twoway_free(counts, rows, cols, K)
    assert payload["cells"]["A|x"] is None  # primary: 3
    assert payload["cells"]["B|z"] == 0  # zeros are shown
    assert payload["total"] == 73
    hidden = sorted(key for key, value in payload["cells"].items() if value is None)
    assert hidden == ["A|x", "A|y", "B|x", "B|y"]  # a rectangle: each interval is wide
