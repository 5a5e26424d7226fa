"""The coded records of a period, read once per release from plaintext columns.

Three populations (docs/statistics.md):
- received: cases received in the period — month of receipt, state, outcome, channel, filing
  mode, respondent type and body, rights and vulnerable groups;
- closed: cases closed in the period — month of closure, business days from receipt to
  closure, closed after the deadline in force, deadline extended;
- recommendations issued in the period — the case's respondent body, the recommendation's
  current status (the kind of its latest response).

No case id, reference, date or text leaves this module: only months and codes.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone

from cases import clocks
from stats.sources import CaseSource, EventSource, RecommendationSource, TagSource

EXTEND_ACTION = "extend"


@dataclass
class Records:
    # [month, state, outcome, channel, filing_mode, respondent_type, body, rights, groups]
    received: list[list[Any]] = field(default_factory=list)
    # [month closed, business days, late (0/1), extended (0/1)]
    closed: list[list[Any]] = field(default_factory=list)
    # [body, current status]
    recommendations: list[list[Any]] = field(default_factory=list)

    def pack(self) -> bytes:
        return zlib.compress(json.dumps(asdict(self), separators=(",", ":")).encode(), 6)

    @classmethod
    def unpack(cls, data: bytes) -> Records:
        return cls(**json.loads(zlib.decompress(bytes(data))))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def read(start: date, end: date) -> Records:
    """Read the period's records: five queries whatever its length."""
    since, until = _moment(start), _moment(end + timedelta(days=1))
    return Records(
        received=_received(since, until),
        closed=_closed(since, until),
        recommendations=[
            [body or 0, status]
            for body, status in RecommendationSource.objects.filter(
                issued_at__gte=since, issued_at__lt=until
            ).values_list("case__respondent_body_id", "status")
        ],
    )


def _received(since: datetime, until: datetime) -> list[list[Any]]:
    cases = CaseSource.objects.filter(received_at__gte=since, received_at__lt=until)
    tags: dict[int, tuple[list[str], list[str]]] = {}
    rows = TagSource.objects.filter(case__received_at__gte=since, case__received_at__lt=until)
    for case_id, kind, code in _raw(rows.values_list("case_id", "kind", "code")):
        rights, groups = tags.setdefault(case_id, ([], []))
        (rights if kind == "right" else groups).append(code)
    found = []
    columns = ("id", "received_month", "state", "outcome", "channel", "filing_mode",
               "respondent_type", "respondent_body_id")  # fmt: skip
    for pk, month, *codes, body in _raw(cases.values_list(*columns)):
        rights, groups = tags.get(pk, ([], []))
        found.append([str(month)[:7], *codes, body or 0, sorted(rights), sorted(groups)])
    return found


def _closed(since: datetime, until: datetime) -> list[list[Any]]:
    cases = CaseSource.objects.filter(closed_at__gte=since, closed_at__lt=until)
    extended = set(
        EventSource.objects.filter(
            action=EXTEND_ACTION, case__closed_at__gte=since, case__closed_at__lt=until
        ).values_list("case_id", flat=True)
    )
    zone = timezone.get_current_timezone()
    found = []
    for pk, received, closed, due in _raw(cases.values_list("id", "received_at", "closed_at",
                                                            "due_date")):  # fmt: skip
        closed_day = _local_day(closed, zone)
        days = business_days(_local_day(received, zone), closed_day)
        late = int(due is not None and closed_day > _day(due))
        found.append([closed_day.strftime("%Y-%m"), days, late, int(pk in extended)])
    return found


def _raw(rows: Any) -> list[tuple[Any, ...]]:
    """A query's rows without Django's per-value converters (a third of the time on SQLite,
    where datetimes arrive as ISO text): `_local_day` and `_day` read either form."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _local_day(value: Any, zone: Any) -> date:
    if isinstance(value, str):  # SQLite: UTC, ISO format
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(zone).date()


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def business_days(start: date, end: date) -> int:
    """Business days after `start` up to and including `end` (Korean public holidays)."""
    total = 0
    for year in range(start.year, end.year + 1):
        counts = _year_counts(year)
        low = counts[start.timetuple().tm_yday - 1] if year == start.year else 0
        high = counts[end.timetuple().tm_yday - 1] if year == end.year else counts[-1]
        total += high - low
    return max(0, total)


@cache
def _year_counts(year: int) -> tuple[int, ...]:
    """For each day of the year, the business days from 1 January up to it."""
    counts, running, day = [], 0, date(year, 1, 1)
    while day.year == year:
        running += clocks.is_business_day(day)
        counts.append(running)
        day += timedelta(days=1)
    return tuple(counts)
