"""A period's release: read once a day, suppressed once, the same for every page and export.

`release_for(period)` returns the period's release as of today, building it if it is the day's
first request (the records, the base one-way tables and the closed-case figures);
`tables(release, keys)` returns the stored tables, computing a cross-tabulation the first time
it is asked for, from the release's records and its base. A page reads one release row and one
query of tables, whatever the period's length (docs/statistics.md, docs/performance.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from stats.dimensions import DIMENSIONS, NONE, categories, months
from stats.linked import Dims, Published, as_published, figure_id, inner, ordered, protect_linked
from stats.models import Release, ReleaseTable
from stats.records import Records, read
from stats.tables import RESPONSES, Payload, oneways, twoway_free

BASE_KEYS = [f"one:{key}" for key in DIMENSIONS]
CLOSED_KEYS = ["closed_month", "deadline", "extension", "durations", "recommendations"]


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def release_for(period: Period) -> Release:
    """The period's release as of today: the stored one, or built now (the day's first use)."""
    return build(period)[0]


def build(period: Period) -> tuple[Release, bool]:
    """The period's release as of today, and whether this call built it."""
    k, today = settings.OMBUDS_STATS_K, timezone.localdate()
    key = {"start": period.start, "end": period.end, "as_of": today, "k": k}
    found = Release.objects.filter(**key).defer("records").first()
    if found is not None:
        return found, False
    records = read(period.start, period.end)
    base = _base(records, period, k)
    try:
        with transaction.atomic():
            # Earlier days' releases are superseded: nothing reads them again.
            Release.objects.filter(as_of__lt=today).delete()
            release = Release.objects.create(**key, records=records.pack())
            ReleaseTable.objects.bulk_create(
                ReleaseTable(release=release, key=name, payload=payload)
                for name, payload in base.items()
            )
    except IntegrityError:  # another request built it first: use theirs
        return Release.objects.defer("records").get(**key), False
    return release, True


def standard_periods(first: date, last: date) -> list[tuple[str, Period]]:
    """Every year, quarter and month from `first`'s to `last`'s, newest first within each kind:
    the periods the dashboard's year and quarter choices (and whole-month dates) ask for."""
    years, quarters, months_ = [], [], []
    for year in range(last.year, first.year - 1, -1):
        years.append((f"{year}", Period(date(year, 1, 1), date(year, 12, 31))))
        for quarter in range(4, 0, -1):
            start = date(year, 3 * quarter - 2, 1)
            if _month_end(start, 3) >= first and start <= last:
                quarters.append((f"{year}-Q{quarter}", Period(start, _month_end(start, 3))))
        for month in range(12, 0, -1):
            start = date(year, month, 1)
            if _month_end(start, 1) >= first and start <= last:
                months_.append((f"{year}-{month:02}", Period(start, _month_end(start, 1))))
    return years + quarters + months_


def _month_end(start: date, count: int) -> date:
    """The last day of the `count`-th month from `start`'s (1: its own month)."""
    month = start.month - 1 + count
    following = date(start.year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _base(records: Records, period: Period, k: int) -> dict[str, Payload]:
    from stats.tables import received_base

    received = received_base(records.received, period.start, period.end, k)
    base = {f"one:{key}": payload for key, payload in received.items()}
    closed = records.closed
    n = len(closed)
    late = sum(record[2] for record in closed)
    extended = sum(record[3] for record in closed)
    # The closed population's tables share its total: suppressed together (stats.tables).
    base |= oneways(
        {
            "closed_month": (Counter(record[0] for record in closed),
                             months(period.start, period.end), True),
            "deadline": (Counter({"late": late, "on_time": n - late}),
                         ["late", "on_time"], True),
            "extension": (Counter({"extended": extended, "not_extended": n - extended}),
                          ["extended", "not_extended"], True),
        },
        total=n, k=k,
    )  # fmt: skip
    base["durations"] = durations([record[1] for record in closed], k)
    bodies = categories("body", period.start, period.end)
    pairs = Counter((str(body) if body else NONE, response or NONE)
                    for body, response in records.recommendations)  # fmt: skip
    base["recommendations"] = twoway_free(pairs, bodies, RESPONSES, k)
    return base


def durations(days: list[int], k: int) -> Payload:
    """Median and 90th percentile of business days to close; withheld under k cases."""
    if len(days) < k:
        return {"median": None, "p90": None}
    ordered = sorted(days)
    return {"median": _percentile(ordered, 0.5), "p90": _percentile(ordered, 0.9)}


def _percentile(ordered: list[int], share: float) -> float:
    """Linear interpolation between the closest ranks (as numpy's default)."""
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 1)


def crosstab_key(*dims: str) -> str:
    """One table per set of dimensions, in the dimensions' order (B by A is A by B transposed)."""
    return "x:" + ":".join(ordered(dims))


def tables(release: Release, keys: list[str]) -> dict[str, Payload]:
    """The release's tables by key, cross-tabulations computed and stored on first use."""
    found = dict(
        ReleaseTable.objects.filter(release=release, key__in=keys).values_list("key", "payload")
    )
    missing = [key for key in keys if key not in found and key.startswith("x:")]
    if missing:
        found |= _compute(release, missing)
    return found


def _compute(release: Release, keys: list[str]) -> dict[str, Payload]:
    """Suppress the missing cross-tabulations, each with the published tables linked to it
    (stats.linked), and store them. If another request stored a table meanwhile, the work is
    done again against it, so that no two tables are audited without each other."""
    stored = Release.objects.values_list("records", flat=True).get(pk=release.pk)
    received = Records.unpack(bytes(stored)).received
    wanted = sorted({sub for key in keys for sub in _needed(key.split(":")[1:])}, key=len)
    for _attempt in range(5):
        published, rows = _published(release)
        seen = set(published)
        made: dict[str, Payload] = {}
        for dims in wanted:
            if dims in published:
                continue
            payload = _linked_table(received, dims, published, rows, release.k)
            made[crosstab_key(*dims)] = payload
            published[dims] = as_published(dims, payload)
        with transaction.atomic():
            # Writing the release row first takes the write lock (SQLite) or the row's
            # (PostgreSQL): the tables stored meanwhile are then all visible.
            Release.objects.filter(pk=release.pk).update(k=F("k"))
            if set(_published(release)[0]) != seen:
                continue  # someone published a table meanwhile: audit again with it
            ReleaseTable.objects.bulk_create(
                ReleaseTable(release=release, key=key, payload=payload)
                for key, payload in made.items()
            )
        break
    stored_now = ReleaseTable.objects.filter(release=release, key__in=keys)
    return dict(stored_now.values_list("key", "payload"))


def _needed(dims: list[str]) -> list[Dims]:
    """A cross-tabulation and the ones under it (a three-way table rests on three two-way)."""
    whole = ordered(dims)
    return [sub for n in range(2, len(whole) + 1) for sub in combinations(whole, n)]


def _published(release: Release) -> tuple[dict[Dims, Published], dict[str, list[str]]]:
    """The received population's tables already stored (one-way base and cross-tabulations),
    and each dimension's categories in order (the base's rows)."""
    found, rows = {}, {}
    stored = ReleaseTable.objects.filter(release=release).filter(
        Q(key__startswith="one:") | Q(key__startswith="x:")
    )
    for key, payload in stored.values_list("key", "payload"):
        dims = tuple(key.split(":")[1:])
        found[dims] = as_published(dims, payload)
        if len(dims) == 1:
            rows[dims[0]] = payload["rows"]
    return found, rows


def _linked_table(received: list[list[Any]], dims: Dims, published: dict[Dims, Published],
                  rows: dict[str, list[str]], k: int) -> Payload:  # fmt: skip
    cells = protect_linked(received, dims, rows, published, k)
    if len(dims) != 2:  # a three-way table: its inner cells (its margins are published)
        return {
            "dims": list(dims),
            "cells": {"|".join(codes): cells[key] for key, codes in inner(dims, rows).items()},
        }
    a, b = dims
    margin = {d: {c: published[(d,)][figure_id((d,), (c,))] for c in rows[d]} for d in dims}
    return {
        "rows": rows[a], "cols": rows[b],
        "cells": {f"{x}|{y}": cells[figure_id(dims, (x, y))] for x in rows[a] for y in rows[b]},
        "row_totals": margin[a], "col_totals": margin[b], "total": published[(a,)]["total"],
        "exact_rows": not DIMENSIONS[b].multiple, "exact_cols": not DIMENSIONS[a].multiple,
    }  # fmt: skip


def filtered_tables(release: Release, chosen: list[tuple[str, str]]) -> dict[str, Payload]:
    """The one-way tables of the cases in one category, or in a category of each of two
    dimensions: rows of the cross-tabulations of the chosen dimensions with each other one."""
    names, codes = ordered(name for name, _code in chosen), dict(chosen)
    others = [key for key in DIMENSIONS if key not in names]
    keys = [crosstab_key(*names, other) for other in others]
    top = crosstab_key(*names) if len(names) > 1 else f"one:{names[0]}"
    found = tables(release, [*BASE_KEYS, top, *keys])
    total = found[top]["cells"]["|".join(codes[name] for name in names)]
    result = {}
    for other, key in zip(others, keys, strict=True):
        dims, categories_ = key.split(":")[1:], found[f"one:{other}"]["rows"]
        cells = {code: found[key]["cells"]["|".join({**codes, other: code}[d] for d in dims)]
                 for code in categories_}  # fmt: skip
        result[f"one:{other}"] = {"rows": categories_, "cells": cells, "total": total,
                                  "exact": not DIMENSIONS[other].multiple}  # fmt: skip
    return result


def transpose(cross: Payload) -> Payload:
    return {
        "rows": cross["cols"], "cols": cross["rows"],
        "cells": {f"{b}|{a}": cross["cells"][f"{a}|{b}"]
                  for a in cross["rows"] for b in cross["cols"]},
        "row_totals": cross["col_totals"], "col_totals": cross["row_totals"],
        "total": cross["total"],
        "exact_rows": cross["exact_cols"], "exact_cols": cross["exact_rows"],
    }  # fmt: skip
