"""Statutory clocks, counted with Korean public holidays (the `holidays` package).

Short clocks (acknowledgement: 3, supplement window: 10) count business days. The long clocks
(processing 90 days, implementation plan 90 days, follow-up 60 days) count calendar days, and a
deadline that falls on a weekend or public holiday moves to the next business day, as Korean
administrative practice counts periods (Civil Act Art. 161). Processing time is paused while the
case awaits a supplement or is in mediation: the days spent there are added back on resumption.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

ACKNOWLEDGE_BUSINESS_DAYS = 3
SUPPLEMENT_BUSINESS_DAYS = 10
PROCESSING_DAYS = 90
PLAN_DAYS = 90
FOLLOW_UP_DAYS = 60
DUE_SOON_DAYS = 7


@cache
def _korean_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KR", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


def next_business_day(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day


def after_days(start: date, days: int) -> date:
    return next_business_day(start + timedelta(days=days))


def urgency(due: date | None, today: date) -> str:
    """'overdue', 'due_soon' or '' for a deadline."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due_soon" if due <= today + timedelta(days=DUE_SOON_DAYS) else ""
