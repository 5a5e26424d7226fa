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
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stats.dimensions import DIMENSIONS, NONE, categories, months
from stats.models import Release, ReleaseTable
from stats.records import Records, read
from stats.tables import RESPONSES, Payload, crosstab, filtered, oneway, twoway_free

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
    from stats.tables import received_oneway

    base = {
        f"one:{key}": received_oneway(records.received, key, period.start, period.end, k)
        for key in DIMENSIONS
    }
    closed = records.closed
    n = len(closed)
    month_counts = Counter(record[0] for record in closed)
    base["closed_month"] = oneway(month_counts, rows=months(period.start, period.end),
                                  total=n, exact=True, k=k)  # fmt: skip
    late = sum(record[2] for record in closed)
    base["deadline"] = oneway(Counter({"late": late, "on_time": n - late}),
                              rows=["late", "on_time"], total=n, exact=True, k=k)  # fmt: skip
    extended = sum(record[3] for record in closed)
    counts = Counter({"extended": extended, "not_extended": n - extended})
    base["extension"] = oneway(counts, rows=["extended", "not_extended"], total=n, exact=True,
                               k=k)  # fmt: skip
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


def crosstab_key(first: str, second: str) -> str:
    """One cross-tabulation per pair, in the dimensions' order (the other is its transpose)."""
    order = list(DIMENSIONS)
    a, b = sorted((first, second), key=order.index)
    return f"x:{a}:{b}"


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
    stored = Release.objects.values_list("records", flat=True).get(pk=release.pk)
    received = Records.unpack(bytes(stored)).received
    computed: dict[str, Any] = {}
    for key in keys:
        _x, first, second = key.split(":")
        margins = tables(release, [f"one:{first}", f"one:{second}"])
        pair = (margins[f"one:{first}"], margins[f"one:{second}"])
        computed[key] = crosstab(received, (first, second), pair, release.k)
    for key, payload in computed.items():
        ReleaseTable.objects.bulk_create(
            [ReleaseTable(release=release, key=key, payload=payload)], ignore_conflicts=True
        )
    # Another request may have stored its own first: everyone shows the stored one.
    stored_now = ReleaseTable.objects.filter(release=release, key__in=keys)
    return dict(stored_now.values_list("key", "payload"))


def filtered_tables(release: Release, dimension: str, code: str) -> dict[str, Payload]:
    """The one-way tables of the cases in one category: rows of the cross-tabulations."""
    others = [key for key in DIMENSIONS if key != dimension]
    keys = {other: crosstab_key(dimension, other) for other in others}
    found = tables(release, list(keys.values()))
    result = {}
    for other, key in keys.items():
        cross = found[key]
        if key.split(":")[1] == dimension:
            result[f"one:{other}"] = filtered(cross, code)
        else:
            result[f"one:{other}"] = filtered(transpose(cross), code)
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
