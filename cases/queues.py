"""Staff queues: the cases a staff member may see, filtered, one keyset page at a time.

Pages never use OFFSET and never count the table: each page is one query for its rows plus one
for their rights, whatever the number of cases. The keyset condition is written so that SQLite
keeps using the index range (`a <= x AND (a < x OR id < y)`, DESIGN.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases import access, clocks
from cases.models import PROCESSING, Case, CaseTag, Person, Right, State
from ombuds import crypto

PAGE_SIZE = 25
VIEWS = ("all", "new", "mine", "unassigned", "due_soon", "overdue")


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
    email: str = ""


@dataclass(frozen=True)
class Page:
    cases: list[Case]
    next_cursor: str


def _by_due(view: str) -> bool:
    return view in {"due_soon", "overdue"}


def _view(rows: QuerySet[Case], user: Any, view: str, today: date) -> QuerySet[Case]:
    if view == "new":
        return rows.filter(state=State.RECEIVED)
    if view == "mine":
        return rows.filter(assigned_to=user)
    if view == "unassigned":
        return rows.filter(state__in=[State.SCREENING, State.INVESTIGATION], assigned_to=None)
    if view == "due_soon":
        soon = today + timedelta(days=clocks.DUE_SOON_DAYS)
        processing = access.Among("state", PROCESSING)
        return rows.filter(processing, due_date__gte=today, due_date__lte=soon)
    if view == "overdue":
        return rows.filter(access.Among("state", PROCESSING), due_date__lt=today)
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
    if f.email:
        index = crypto.blind_index(f.email, purpose="email")
        people = Person.objects.filter(case=OuterRef("pk"), email_index=index)
        rows = rows.filter(Exists(people))
    return rows


def _after(rows: QuerySet[Case], cursor: str, by_due: bool) -> QuerySet[Case]:
    raw, _, raw_id = cursor.partition("~")
    if not raw_id.isdigit():
        return rows
    pk = int(raw_id)
    if by_due:
        due = parse_date(raw)
        if due is None:
            return rows
        return rows.filter(due_date__gte=due).filter(Q(due_date__gt=due) | Q(pk__gt=pk))
    received = parse_datetime(raw)
    if received is None:
        return rows
    return rows.filter(received_at__lte=received).filter(Q(received_at__lt=received) | Q(pk__lt=pk))


def _cursor(case: Case, by_due: bool) -> str:
    value: date | datetime | None = case.due_date if by_due else case.received_at
    return f"{value.isoformat() if value else ''}~{case.pk}"


def case_queue(*, user: Any, filters: Filters, cursor: str = "", today: date | None = None) -> Page:
    today = today or timezone.localdate()
    by_due = _by_due(filters.view)
    rows = _filter(_view(access.visible_cases(user), user, filters.view, today), filters)
    if cursor:
        rows = _after(rows, cursor, by_due)
    order = ["due_date", "pk"] if by_due else ["-received_at", "-pk"]
    rights = Prefetch(
        "tags", queryset=CaseTag.objects.filter(kind=CaseTag.Kind.RIGHT), to_attr="rights"
    )
    columns = (
        "pk", "reference", "state", "outcome", "channel", "respondent_type", "received_at",
        "due_date", "acknowledge_due", "assigned_to__username", "version",
    )  # fmt: skip
    page: list[Any] = list(
        rows.select_related("assigned_to")
        .only(*columns)
        .prefetch_related(rights)
        .order_by(*order)[: PAGE_SIZE + 1]
    )
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    for case in page:
        case.urgency = clocks.urgency(case.due_date, today) if case.is_open else ""
        case.right_labels = [Right(tag.code).label for tag in case.rights]
    return Page(cases=page, next_cursor=_cursor(page[-1], by_due) if more else "")
