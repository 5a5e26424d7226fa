"""Staff queues: the cases a staff member may see, filtered, one keyset page at a time.

Pages never use OFFSET and never count the table: each page is one query for its rows plus one
for their rights, whatever the number of cases. The keyset condition is written so that SQLite
keeps using the index range (`a <= x AND (a < x OR id < y)`, docs/design.md §7).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Choices, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from cases import access, clocks
from cases.models import MONITORED, PROCESSING, Case, CaseTag, Outcome, RespondentType, Right, State

PAGE_SIZE = 25
VIEWS = ("all", "new", "news", "mine", "unassigned", "due_soon", "overdue", "recommendations")
# An investigator's lists, newest first, in the order of their own permission rows (the
# `grant_newest` index; access.assigned_cases).
GRANT_ORDER = ("-permission__received_at", "-permission__content_object_id")
# The date columns a list may be ordered and paged by (the others are instants).
DATE_KEYS = {"follow_up_due", "attention_due"}


@dataclass(frozen=True)
class Filters:
    view: str = "all"
    state: str = ""
    right: str = ""
    respondent: str = ""
    group: str = ""
    received_from: date | None = None
    received_to: date | None = None
    reference: str = ""


@dataclass(frozen=True)
class Page:
    cases: list[Row]
    next_cursor: str


def _by_due(view: str) -> bool:
    return view in {"due_soon", "overdue"}


def _due_column(view: str) -> str:
    """The deadline a list shows: the processing deadline, or for the recommendations being
    followed up, their nearest plan or follow-up date (cases.followup)."""
    return "follow_up_due" if view == "recommendations" else "due_date"


def _order_column(view: str) -> str:
    """The deadline a list is ordered and paged by, or '' (newest first): the recommendations'
    nearest date; for "overdue" and "due soon", a case's earliest deadline (`attention_due`:
    its processing deadline or the respondent's reply date, docs/design.md §8)."""
    if view == "recommendations":
        return "follow_up_due"
    return "attention_due" if _by_due(view) else ""


def _view(rows: QuerySet[Case], user: Any, view: str, today: date) -> QuerySet[Case]:
    if view == "new":
        return rows.filter(state=State.RECEIVED)
    if view == "news":  # the condition of the partial indexes case_news_keyset, case_assignee_news
        return rows.filter(news_since__isnull=False)
    if view == "mine":
        return rows.filter(assigned_to=user)
    if view == "unassigned":
        return rows.filter(state__in=[State.SCREENING, State.INVESTIGATION], assigned_to=None)
    # The rows are `_deadlines`: cases being processed, by their earliest deadline, the
    # processing deadline or a respondent's reply awaited (`attention_due`, one range of the
    # partial indexes on it): a case whose earliest deadline has passed is overdue, not due
    # soon (docs/design.md §8).
    if view == "due_soon":
        soon = today + timedelta(days=clocks.DUE_SOON_DAYS)
        return rows.filter(attention_due__gte=today, attention_due__lte=soon)
    if view == "overdue":
        return rows.filter(attention_due__lt=today)
    if view == "recommendations":  # the rows are monitored cases: plans and follow-ups due
        return rows.filter(follow_up_due__lte=today + timedelta(days=clocks.DUE_SOON_DAYS))
    return rows


def _filter(rows: QuerySet[Case], f: Filters) -> QuerySet[Case]:
    if f.state:
        rows = rows.filter(state=f.state)
    if f.respondent:
        rows = rows.filter(respondent_type=f.respondent)
    for kind, code in ((CaseTag.Kind.RIGHT, f.right), (CaseTag.Kind.GROUP, f.group)):
        if code:
            tags = CaseTag.objects.filter(case=OuterRef("pk"), kind=kind, code=code)
            rows = rows.filter(Exists(tags))
    if f.received_from:
        rows = rows.filter(received_at__date__gte=f.received_from)
    if f.received_to:
        rows = rows.filter(received_at__date__lte=f.received_to)
    if f.reference:
        rows = rows.filter(reference=f.reference)
    return rows


def _after(cursor: str, order: tuple[str, str]) -> Q:
    """The rows after the cursor's, in `order` (a date column and an id, both ascending, or
    both descending as "-name"); no condition for a cursor that does not parse."""
    raw, _, raw_id = cursor.partition("~")
    if not raw_id.isdigit():
        return Q()
    (column, key), pk = (name.lstrip("-") for name in order), int(raw_id)
    value = parse_date(raw) if column in DATE_KEYS else parse_datetime(raw)
    if value is None:
        return Q()
    if order[0].startswith("-"):
        edge, beyond, past = f"{column}__lte", f"{column}__lt", f"{key}__lt"
    else:
        edge, beyond, past = f"{column}__gte", f"{column}__gt", f"{key}__gt"
    return Q(**{edge: value}) & (Q(**{beyond: value}) | Q(**{past: pk}))


def _cursor(row: dict[str, Any], by_due: str) -> str:
    """`by_due`: the deadline column the list is ordered by, or '' (newest first)."""
    value: date | datetime | None = row[by_due] if by_due else row["received_at"]
    return f"{value.isoformat() if value else ''}~{row['pk']}"


@dataclass(frozen=True)
class Row:
    """One line of a queue, ready to print: its labels are in the reader's language already."""

    pk: int
    reference: str
    url: str
    state: str
    received: str
    due: str
    urgency: str
    respondent: str
    rights: str
    investigator: str
    news: bool = False  # holds information the staff working it have not opened (cases.news)
    reply_due: str = ""  # a respondent's reply awaited by then (open cases)
    reply_urgency: str = ""


@functools.cache
def _labels(choices: type[Choices], language: str | None) -> dict[str, str]:
    """Value → translated label for a choice list, made once per language."""
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def _rows(found: list[dict[str, Any]], today: date, due_column: str = "due_date") -> list[Row]:
    """Rows from plain values: model instances (and django-fsm's bookkeeping on each) made
    a page cost 5 ms of Python for half a millisecond of SQL."""
    language, zone = translation.get_language(), timezone.get_current_timezone()
    head, _, tail = reverse("staff:case", args=["~"]).partition("~")  # one reverse a page
    state_label, outcome_label = _labels(State, language), _labels(Outcome, language)
    respondent_label, right_label = _labels(RespondentType, language), _labels(Right, language)
    rights: dict[int, list[str]] = {row["pk"]: [] for row in found}
    tags = CaseTag.objects.filter(kind=CaseTag.Kind.RIGHT, case_id__in=list(rights))
    for case_id, code in tags.order_by("pk").values_list("case_id", "code"):
        rights[case_id].append(right_label.get(code, code))
    rows = []
    for row in found:
        is_open, due = row["state"] != State.CLOSED, row[due_column]
        state = state_label[row["state"]]
        if row["outcome"]:
            state = f"{state} ({outcome_label.get(row['outcome'], row['outcome'])})"
        rows.append(
            Row(
                pk=row["pk"],
                reference=row["reference"],
                url=f"{head}{row['reference']}{tail}",
                state=state,
                received=row["received_at"].astimezone(zone).date().isoformat(),
                due=due.isoformat() if due and is_open else "",
                urgency=clocks.urgency(due, today) if is_open else "",
                respondent=respondent_label.get(row["respondent_type"], ""),
                rights=", ".join(rights[row["pk"]]),
                investigator=row["assigned_to__username"] or "",
                news=row["news_since"] is not None,
                **_reply(row["reply_due"] if is_open else None, today),
            )
        )
    return rows


def _deadlines(user: Any) -> QuerySet[Case]:
    """The cases of `visible_cases` being processed (every due-date list), narrowed so that a
    list reads only the member's own deadlines, in deadline order: the same cases, found
    through a smaller partial index."""
    if (mine := access.assigned_deadlines(user)) is not None:
        return mine  # case_assignee_attention
    # case_intake_attention for an intake officer (the intake states being processed), else
    # case_processing_attention
    return access.visible_cases(user, states=PROCESSING)


COLUMNS = (
    "pk", "reference", "state", "outcome", "respondent_type", "received_at", "due_date",
    "assigned_to__username", "news_since", "reply_due", "follow_up_due", "attention_due",
)  # fmt: skip


def _reply(due: date | None, today: date) -> dict[str, str]:
    if due is None:
        return {}
    return {"reply_due": due.isoformat(), "reply_urgency": clocks.urgency(due, today)}


def listed(rows: QuerySet[Case], limit: int) -> tuple[list[Row], bool]:
    """The first `limit` of these cases, newest first, as queue rows; and whether there are more."""
    found = list(rows.order_by("-received_at", "-pk").values(*COLUMNS)[: limit + 1])
    return _rows(found[:limit], timezone.localdate()), len(found) > limit


def case_queue(*, user: Any, filters: Filters, cursor: str = "", today: date | None = None) -> Page:
    today = today or timezone.localdate()
    by_due = _order_column(filters.view)
    if filters.view == "recommendations":  # case_monitoring_due
        order = (by_due, "pk")
        rows, after = access.visible_cases(user, states=MONITORED), _after(cursor, order)
    elif by_due:
        order = (by_due, "pk")
        rows, after = _deadlines(user), _after(cursor, order)
    elif filters.view == "news" and (mine := access.assigned_news(user)) is not None:
        order = ("-received_at", "-pk")
        rows, after = mine, _after(cursor, order)
    elif (mine := access.assigned_cases(user, where=_after(cursor, GRANT_ORDER))) is not None:
        # The keyset condition went in with the join it is on (a later filter() call would
        # join the permission table a second time).
        rows, order, after = mine, GRANT_ORDER, Q()
    else:
        order = ("-received_at", "-pk")
        rows, after = access.visible_cases(user), _after(cursor, order)
    rows = _filter(_view(rows, user, filters.view, today), filters).filter(after)
    found = list(rows.order_by(*order).values(*COLUMNS)[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    cases = _rows(found, today, _due_column(filters.view))
    return Page(cases=cases, next_cursor=_cursor(found[-1], by_due) if more else "")
