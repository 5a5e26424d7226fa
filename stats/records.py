"""The coded records of a period, read once per release from plaintext columns.

Three populations (docs/statistics.md):
- received: cases received in the period — month of receipt, state, outcome, channel, filing
  mode, respondent type and body, rights and vulnerable groups;
- closed: cases closed in the period — month of closure, business days from receipt to
  closure, closed after the deadline in force, deadline extended;
- recommendations issued in the period — the case's respondent body, the response.

No case id, reference, date or text leaves this module: only months and codes.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.utils import timezone

from cases import clocks
from stats.sources import CaseSource, EventSource, RecommendationSource, TagSource

EXTEND_ACTION = "extend"
FIRST_YEAR = 2000


@dataclass
class Records:
    # [month, state, outcome, channel, filing_mode, respondent_type, body, rights, groups]
    received: list[list[Any]] = field(default_factory=list)
    # [month closed, business days, late (0/1), extended (0/1)]
    closed: list[list[Any]] = field(default_factory=list)
    # [body, response]
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
            [body or 0, response]
            for body, response in RecommendationSource.objects.filter(
                issued_at__gte=since, issued_at__lt=until
            ).values_list("case__respondent_body_id", "response")
        ],
    )


def _received(since: datetime, until: datetime) -> list[list[Any]]:
    cases = CaseSource.objects.filter(received_at__gte=since, received_at__lt=until)
    tags: dict[int, tuple[list[str], list[str]]] = {}
    rows = TagSource.objects.filter(case__received_at__gte=since, case__received_at__lt=until)
    for case_id, kind, code in rows.values_list("case_id", "kind", "code"):
        rights, groups = tags.setdefault(case_id, ([], []))
        (rights if kind == "right" else groups).append(code)
    found = []
    columns = ("id", "received_month", "state", "outcome", "channel", "filing_mode",
               "respondent_type", "respondent_body_id")  # fmt: skip
    for pk, month, *codes, body in cases.values_list(*columns):
        rights, groups = tags.get(pk, ([], []))
        found.append([month.strftime("%Y-%m"), *codes, body or 0, sorted(rights), sorted(groups)])
    return found


def _closed(since: datetime, until: datetime) -> list[list[Any]]:
    cases = CaseSource.objects.filter(closed_at__gte=since, closed_at__lt=until)
    extended = set(
        EventSource.objects.filter(
            action=EXTEND_ACTION, case__closed_at__gte=since, case__closed_at__lt=until
        ).values_list("case_id", flat=True)
    )
    found = []
    for pk, received, closed, due in cases.values_list("id", "received_at", "closed_at",
                                                       "due_date"):  # fmt: skip
        closed_day = timezone.localdate(closed)
        days = business_days(timezone.localdate(received), closed_day)
        late = int(due is not None and closed_day > due)
        found.append([closed_day.strftime("%Y-%m"), days, late, int(pk in extended)])
    return found


def business_days(start: date, end: date) -> int:
    """Business days after `start` up to and including `end` (Korean public holidays)."""
    return max(0, _ordinal(end) - _ordinal(start))


@cache
def _year_ordinals(year: int) -> tuple[int, ...]:
    """For each day of the year, the business days from 1 January 2000 up to it."""
    running = _year_ordinals(year - 1)[-1] if year > FIRST_YEAR else 0
    counts, day = [], date(year, 1, 1)
    while day.year == year:
        running += clocks.is_business_day(day)
        counts.append(running)
        day += timedelta(days=1)
    return tuple(counts)


def _ordinal(day: date) -> int:
    if day.year < FIRST_YEAR:  # no office counts cases before this
        return 0
    return _year_ordinals(day.year)[day.timetuple().tm_yday - 1]
