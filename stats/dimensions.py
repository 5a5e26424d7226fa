"""The dimensions figures are counted by: their categories, labels, and where a record keeps them.

A record of the received population (stats.records) holds one value per dimension, except
rights and vulnerable groups, where a case may name several: those dimensions are "multiple"
(their counts add up to more than the number of cases, which the tables say).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.codes import (
    Channel,
    FilingMode,
    Outcome,
    RespondentType,
    Right,
    State,
    VulnerableGroup,
)
from stats.sources import BodySource

NONE = "-"  # the category of "no value": not coded, no outcome yet, no group stated


@dataclass(frozen=True)
class Dimension:
    key: str
    name: Promise
    position: int  # in a received record
    multiple: bool = False
    fixed: tuple[tuple[str, Any], ...] = ()  # (code, label), for coded choices

    def count(self, records: list[list[Any]]) -> Counter[str]:
        """The records in each category (a record of a multiple dimension in each of its)."""
        at = self.position
        if self.multiple:
            return Counter(chain.from_iterable(record[at] or (NONE,) for record in records))
        counts: Counter[str] = Counter()
        for value, n in Counter(record[at] for record in records).items():
            counts[str(value) if value not in ("", 0) else NONE] += n
        return counts

    def values(self, record: list[Any]) -> list[str]:
        value = record[self.position]
        if self.multiple:
            return list(value) or [NONE]
        return [str(value) if value not in ("", 0) else NONE]


def _with_none(choices: list[tuple[str, Any]], label: Promise) -> tuple[tuple[str, Any], ...]:
    return (*choices, (NONE, label))


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("month", _("Month received"), 0),
        Dimension("right", _("Right concerned"), 7, multiple=True, fixed=tuple(Right.choices)),
        Dimension("group", _("Vulnerable group"), 8, multiple=True,
                  fixed=_with_none(VulnerableGroup.choices, _("No group stated"))),
        Dimension("respondent_type", _("Kind of respondent"), 5,
                  fixed=tuple(RespondentType.choices)),
        Dimension("body", _("Respondent body"), 6),
        Dimension("channel", _("Channel"), 3, fixed=tuple(Channel.choices)),
        Dimension("filing_mode", _("Filing mode"), 4,
                  fixed=_with_none(FilingMode.choices, _("None (own-motion case)"))),
        Dimension("state", _("State"), 1, fixed=tuple(State.choices)),
        Dimension("outcome", _("Outcome"), 2,
                  fixed=_with_none(Outcome.choices, _("Open: no outcome yet"))),
    )
}  # fmt: skip
# Filters of the dashboard (either or both): their tables are rows of the cross-tabulations.
FILTERS = ("right", "respondent_type")


def months(start: date, end: date) -> list[str]:
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04}-{month:02}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


Labeller = Callable[[str], Any]


def categories(dimension: str, start: date, end: date) -> list[str]:
    """Every category of a dimension, in display order (a table shows zeros too)."""
    if dimension in {"month", "closed_month"}:
        return months(start, end)
    if dimension == "body":
        return [str(pk) for pk in BodySource.objects.order_by("kind", "name_ko")
                .values_list("pk", flat=True)] + [NONE]  # fmt: skip
    return [code for code, _label in DIMENSIONS[dimension].fixed]


def labeller(dimension: str) -> Labeller:
    """Code → label in the current language (bodies by their Korean or English name)."""
    if dimension in {"month", "closed_month"}:
        return lambda code: code
    if dimension == "body":
        column = "name_ko" if (get_language() or "ko").startswith("ko") else "name_en"
        names = dict(BodySource.objects.values_list("pk", column))
        return lambda code: names.get(int(code), _("Not coded")) if code != NONE else _("Not coded")
    labels = dict(DIMENSIONS[dimension].fixed)
    return lambda code: labels.get(code, code)


def dimension_name(dimension: str) -> Any:
    if dimension == "closed_month":
        return _("Month closed")
    return DIMENSIONS[dimension].name
