"""The "overdue" and "due soon" lists go by a case's earliest deadline, the processing deadline
or a respondent's reply awaited (`Case.attention_due`, stored by the database): one range of a
partial index, so that a page reads a page of index entries whatever the number of cases
(docs/design.md §8)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import queues
from cases.models import PROCESSING, Case, State
from tests.cases.plans import list_plan

pytestmark = pytest.mark.django_db

TIES = 30  # cases sharing one earliest deadline: more than a page, so a page ends among them


def days(offset: int | None) -> date | None:
    return None if offset is None else timezone.localdate() + timedelta(days=offset)


def walk(user: Any, view: str) -> list[int]:
    """Every case of a list, page after page through the `after` cursor."""
    found, cursor = [], ""
    for _page in range(50):
        page = queues.case_queue(user=user, filters=queues.Filters(view=view), cursor=cursor)
        found += [row.pk for row in page.cases]
        if not page.next_cursor:
            return found
        cursor = page.next_cursor
    raise AssertionError("the pages never end")


def expected(view: str, states: tuple[str, ...] = PROCESSING) -> list[int]:
    """Computed from the two deadlines as read from the table, not from `attention_due`."""
    today, soon = timezone.localdate(), timezone.localdate() + timedelta(days=7)
    rows = []
    for pk, due_date, reply_due in Case.objects.filter(state__in=states).values_list(
        "pk", "due_date", "reply_due"
    ):
        earliest = min((due for due in (due_date, reply_due) if due), default=None)
        if earliest is None:
            continue
        if (earliest < today) if view == "overdue" else (today <= earliest <= soon):
            rows.append((earliest, pk))
    return [pk for _earliest, pk in sorted(rows)]


def tied(due: date | None) -> set[int]:
    """The cases whose processing deadline or reply date, whichever is earlier, is `due`."""
    return {
        pk
        for pk, processing, reply in Case.objects.values_list("pk", "due_date", "reply_due")
        if min((d for d in (processing, reply) if d), default=None) == due
    }


@pytest.fixture
def shaped(staff: Any) -> dict[str, int]:
    """Seeded cases, then named ones with known deadlines (days from today: processing, reply)
    and a run of ties: half of them by their reply date, half by their processing deadline."""
    call_command("seed_cases", count=80, investigators=1, verbosity=0)
    reopened = {"state": State.INVESTIGATION, "outcome": "", "closed_at": None}
    spare = list(
        Case.objects.exclude(state__in=PROCESSING).order_by("pk").values_list("pk", flat=True)
    )
    assert len(spare) >= TIES + 7
    shapes = {
        "reply only overdue": (30, -2),
        "processing only overdue": (-5, None),
        "both overdue": (-1, -9),
        "neither": (30, 20),
        "no deadline": (None, None),
        "reply soon": (30, 3),
        "processing soon, reply overdue": (2, -1),
    }
    named = {}
    for (name, (processing, reply)), pk in zip(shapes.items(), spare, strict=False):
        Case.objects.filter(pk=pk).update(
            due_date=days(processing), reply_due=days(reply), **reopened
        )
        named[name] = pk
    for i, pk in enumerate(spare[len(shapes) : len(shapes) + TIES]):
        processing, reply = (40, -4) if i % 2 else (-4, None)
        Case.objects.filter(pk=pk).update(
            due_date=days(processing), reply_due=days(reply), **reopened
        )
    return named


def test_the_stored_earliest_deadline_is_the_earlier_of_the_two(shaped):
    stored = dict(Case.objects.filter(pk__in=shaped.values()).values_list("pk", "attention_due"))
    assert {name: stored[pk] for name, pk in shaped.items()} == {
        "reply only overdue": days(-2),
        "processing only overdue": days(-5),
        "both overdue": days(-9),
        "neither": days(20),
        "no deadline": None,
        "reply soon": days(3),
        "processing soon, reply overdue": days(-1),
    }
    case = Case.objects.get(pk=shaped["neither"])
    case.reply_due = None  # a reply received: the processing deadline is left
    case.save(update_fields=["reply_due"])
    assert Case.objects.values_list("attention_due", flat=True).get(pk=case.pk) == days(30)


def test_overdue_and_due_soon_follow_the_earliest_deadline_across_pages(shaped, staff):
    boss = staff.ombudsperson
    overdue, due_soon = walk(boss, "overdue"), walk(boss, "due_soon")
    assert overdue == expected("overdue")
    assert due_soon == expected("due_soon")
    ties = [at for at, pk in enumerate(overdue) if pk in tied(days(-4))]
    assert len(ties) >= TIES
    assert ties == list(range(ties[0], ties[-1] + 1))
    assert ties[0] < queues.PAGE_SIZE <= ties[-1]  # a page ends among the ties
    assert not set(overdue) & set(due_soon)  # a case past its earliest deadline is overdue
    listed = {name: ("overdue" if pk in overdue else "due soon" if pk in due_soon else "")
              for name, pk in shaped.items()}  # fmt: skip
    assert listed == {
        "reply only overdue": "overdue",
        "processing only overdue": "overdue",
        "both overdue": "overdue",
        "neither": "",
        "no deadline": "",
        "reply soon": "due soon",
        "processing soon, reply overdue": "overdue",
    }
    position = {name: overdue.index(shaped[name]) for name, where in listed.items()
                if where == "overdue"}  # fmt: skip
    assert sorted(position, key=position.__getitem__) == [
        "both overdue",  # -9
        "processing only overdue",  # -5
        "reply only overdue",  # -2
        "processing soon, reply overdue",  # -1
    ]


def test_the_rows_still_show_both_deadlines(shaped, staff):
    page = queues.case_queue(user=staff.ombudsperson, filters=queues.Filters(view="overdue"))
    rows = {row.pk: row for row in page.cases}
    both = rows[shaped["both overdue"]]
    assert (both.due, both.reply_due) == (days(-1).isoformat(), days(-9).isoformat())  # type: ignore[union-attr]


def test_an_intake_officer_s_lists_follow_the_earliest_deadline(shaped, staff):
    screening = list(
        Case.objects.filter(pk__in=list(shaped.values())[:4]).values_list("pk", flat=True)
    )
    Case.objects.filter(pk__in=screening).update(state=State.SCREENING)
    intake = (State.SCREENING, State.AWAITING_SUPPLEMENT)
    assert walk(staff.intake, "overdue") == expected("overdue", intake)
    assert walk(staff.intake, "due_soon") == expected("due_soon", intake)
    assert shaped["reply only overdue"] in walk(staff.intake, "overdue")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
@pytest.mark.parametrize("view", ["overdue", "due_soon"])
def test_the_lists_search_a_range_of_their_partial_index(staff, view):
    """A range of the index on the earliest deadline, in its order: no scan, no sort, on the
    first page and on a later one."""
    staff.case_in(State.INVESTIGATION)  # assigned to staff.investigator
    staff.case_in(State.SCREENING)
    after = f"{timezone.localdate().isoformat()}~1"
    for who, index in [
        (staff.ombudsperson, "case_processing_attention"),
        (staff.investigator, "case_assignee_attention"),
        (staff.intake, "case_intake_attention"),
    ]:
        for cursor in ("", after):
            plan = list_plan(who, view, cursor)
            assert f"SEARCH cases_case USING INDEX {index} (" in plan, plan
            assert "attention_due" in plan, plan  # a range of it, not only its condition
            assert "SCAN cases_case" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan
