"""The staff queues return exactly the right cases, and their pages walk them all exactly once.

The database is seeded (`seed_cases`, 300 cases), then given awkward shapes on purpose: forty
cases received at the same instant, and forty more cases under investigation, unassigned, with
the same overdue deadline. Every expectation is computed here from the rows themselves (emails
decrypted, tags and grants read directly), never through the code under test.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import people as person_search
from cases import queues
from cases import transitions as t
from cases.management.commands._seeding import Staffing, seed_staff
from cases.models import (
    INTAKE_STATES,
    PROCESSING,
    Case,
    CaseTag,
    CaseUserObjectPermission,
    Person,
    Recusal,
    RespondentType,
    Right,
    State,
    VulnerableGroup,
)
from tests.conftest import make_staff, sign_in

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'<td><a href="/staff/cases/([0-9A-Z-]+)/">')
NEXT_LINK = re.compile(r'href="\?([^"]*after=[^"]+)"')


@dataclass
class Known:
    """A case as the test sees it, read straight from the tables."""

    pk: int
    reference: str
    state: str
    assigned_to_id: int | None
    received_at: Any
    due_date: Any
    reply_due: Any
    respondent_type: str
    tags: set[tuple[str, str]]
    emails: set[str]
    recused: set[int]
    granted: set[int]
    news: bool = False
    follow_up_due: Any = None


@pytest.fixture
def seeded(db: Any) -> Staffing:
    call_command("seed_cases", count=300, investigators=2, verbosity=0)
    closed = Case.objects.filter(state=State.CLOSED).order_by("pk").values_list("pk", flat=True)
    instant = Case.objects.order_by("received_at").values_list("received_at", flat=True)[150]
    same_instant = list(closed)[::7][:40]
    Case.objects.filter(pk__in=same_instant).update(received_at=instant)
    # A permission row repeats its case's received_at (which the application never changes).
    CaseUserObjectPermission.objects.filter(content_object__in=same_instant).update(
        received_at=instant
    )
    never_assigned = list(closed.filter(assigned_to=None))
    today, reopened = timezone.localdate(), {"outcome": "", "closed_at": None}
    Case.objects.filter(pk__in=never_assigned[1::3][:40]).update(
        state=State.INVESTIGATION, due_date=today - timedelta(days=12), **reopened
    )
    Case.objects.filter(pk__in=never_assigned[2::3][:4]).update(
        state=State.SCREENING, due_date=today + timedelta(days=3), **reopened
    )
    # News on every third case (ties and several pages for the "news" view, on every path).
    every_third = Case.objects.order_by("pk").values_list("pk", flat=True)[::3]
    Case.objects.filter(pk__in=list(every_third)).update(news_since=timezone.now())
    # Replies awaited from respondents: overdue, due soon and later, on cases whose processing
    # deadline is far (so only the reply puts them in a due list), and on closed cases (never).
    every_fifth = list(Case.objects.order_by("pk").values_list("pk", flat=True)[1::5])
    for start, offset in enumerate((-4, 3, 40)):
        awaited = every_fifth[start::3]
        Case.objects.filter(pk__in=awaited).update(reply_due=today + timedelta(days=offset))
    # Recommendations coming due and overdue, with ties (the "recommendations" view); cases
    # closed or not monitored keep a follow-up date the view must not list.
    monitored = list(Case.objects.filter(state=State.MONITORING).values_list("pk", flat=True))
    Case.objects.filter(pk__in=monitored[::2]).update(follow_up_due=today - timedelta(days=2))
    Case.objects.filter(pk__in=monitored[1::4]).update(follow_up_due=today + timedelta(days=5))
    Case.objects.filter(pk__in=list(closed)[:5]).update(follow_up_due=today)
    return seed_staff(investigators=2)


def known_cases() -> list[Known]:
    tags: dict[int, set[tuple[str, str]]] = {}
    for case_id, kind, code in CaseTag.objects.values_list("case_id", "kind", "code"):
        tags.setdefault(case_id, set()).add((kind, code))
    emails: dict[int, set[str]] = {}
    for person in Person.objects.select_related("data_key"):
        emails.setdefault(person.case_id, set()).add(person.email.casefold())
    recused: dict[int, set[int]] = {}
    for case_id, user_id in Recusal.objects.values_list("case_id", "user_id"):
        recused.setdefault(case_id, set()).add(user_id)
    granted: dict[int, set[int]] = {}
    for case_id, user_id in CaseUserObjectPermission.objects.values_list(
        "content_object_id", "user_id"
    ):
        granted.setdefault(case_id, set()).add(user_id)
    return [
        Known(
            c.pk,
            c.reference,
            c.state,
            c.assigned_to_id,
            c.received_at,
            c.due_date,
            c.reply_due,
            c.respondent_type,
            tags.get(c.pk, set()),
            emails.get(c.pk, set()),
            recused.get(c.pk, set()),
            granted.get(c.pk, set()),
            c.news_since is not None,
            c.follow_up_due,
        )
        for c in Case.objects.all()
    ]


def sees(user: Any, role: str, case: Known) -> bool:
    if user.pk in case.recused:
        return False
    return {
        "ombudsperson": True,
        "intake": case.state in INTAKE_STATES,
        "investigator": user.pk in case.granted,
        "intake and investigator": case.state in INTAKE_STATES or user.pk in case.granted,
    }[role]


def earliest_deadline(case: Known) -> Any:
    """The processing deadline or a respondent's reply awaited, whichever comes first: the one
    the "overdue" and "due soon" lists go by (docs/design.md §8)."""
    return min((due for due in (case.due_date, case.reply_due) if due), default=None)


def in_view(view: str, user: Any, case: Known) -> bool:
    today = timezone.localdate()
    processing = case.state in PROCESSING
    earliest = earliest_deadline(case)
    return {
        "all": True,
        "new": case.state == State.RECEIVED,
        "news": case.news,
        "mine": case.assigned_to_id == user.pk,
        "unassigned": case.state in {State.SCREENING, State.INVESTIGATION}
        and case.assigned_to_id is None,
        "due_soon": processing
        and earliest is not None
        and today <= earliest <= today + timedelta(days=7),
        "overdue": processing and earliest is not None and earliest < today,
        "recommendations": case.state == State.MONITORING
        and case.follow_up_due is not None
        and case.follow_up_due <= today + timedelta(days=7),
    }[view]


def expected(user: Any, role: str, view: str = "all", keep: Any = lambda case: True) -> list[int]:
    rows = [c for c in known_cases() if sees(user, role, c) and in_view(view, user, c) and keep(c)]
    if view in {"due_soon", "overdue"}:
        rows.sort(key=lambda c: (earliest_deadline(c), c.pk))
    elif view == "recommendations":
        rows.sort(key=lambda c: (c.follow_up_due, c.pk))
    else:
        rows.sort(key=lambda c: (c.received_at, c.pk), reverse=True)
    return [c.pk for c in rows]


def walk(user: Any, filters: queues.Filters) -> list[int]:
    """Every case of a queue, page after page through the `after` cursor."""
    found, cursor = [], ""
    for _page in range(100):
        page = queues.case_queue(user=user, filters=filters, cursor=cursor)
        assert len(page.cases) <= queues.PAGE_SIZE
        found += [case.pk for case in page.cases]
        if not page.next_cursor:
            return found
        cursor = page.next_cursor
    raise AssertionError("the pages never end")


def people(seeded: Staffing) -> dict[str, Any]:
    return {
        "ombudsperson": seeded.ombudsperson,
        "intake": seeded.intake[0],
        "investigator": seeded.investigators[0],
    }


@pytest.mark.parametrize("role", ["ombudsperson", "intake", "investigator"])
def test_every_view_returns_exactly_its_cases_in_order_across_pages(seeded, role):
    user = people(seeded)[role]
    for view in queues.VIEWS:
        assert walk(user, queues.Filters(view=view)) == expected(user, role, view), view


def test_the_data_has_the_shapes_the_views_must_handle(seeded):
    """Ties across page boundaries, several pages per queue, and something in every view."""
    boss = seeded.ombudsperson
    assert len(expected(boss, "ombudsperson")) > 6 * queues.PAGE_SIZE
    assert len(expected(boss, "ombudsperson", "overdue")) > queues.PAGE_SIZE
    instants = [c.received_at for c in known_cases()]
    assert max(instants.count(i) for i in instants) >= 40
    for view in queues.VIEWS:
        if view != "mine":
            assert expected(boss, "ombudsperson", view), view
    assert expected(seeded.investigators[0], "investigator", "mine")


@pytest.mark.parametrize(
    ("field", "codes", "kind"),
    [
        ("right", Right.values, CaseTag.Kind.RIGHT),
        ("group", VulnerableGroup.values, CaseTag.Kind.GROUP),
        ("state", State.values, None),
        ("respondent", RespondentType.values, None),
    ],
)
def test_coded_filters_return_exactly_the_matching_cases(seeded, field, codes, kind):
    boss, investigator = seeded.ombudsperson, seeded.investigators[0]
    matched = 0
    for code in codes:

        def keep(case: Known, code: str = code) -> bool:
            if kind is not None:
                return (kind, code) in case.tags
            return (case.state if field == "state" else case.respondent_type) == code

        filters = queues.Filters(**{field: code})
        assert walk(boss, filters) == expected(boss, "ombudsperson", keep=keep), code
        assert walk(investigator, filters) == expected(investigator, "investigator", keep=keep)
        matched += bool(expected(boss, "ombudsperson", keep=keep))
    assert matched >= len(codes) // 2  # the loop really compared non-empty results


def test_a_view_and_a_filter_combine(seeded):
    boss = seeded.ombudsperson
    filters = queues.Filters(view="overdue", right=Right.EQUALITY)
    wanted = expected(boss, "ombudsperson", "overdue", lambda c: ("right", "equality") in c.tags)
    assert wanted
    assert walk(boss, filters) == wanted


def test_dates_are_inclusive_days_in_the_office_time_zone(seeded):
    boss = seeded.ombudsperson
    days = sorted({timezone.localdate(c.received_at) for c in known_cases()})
    start, end = days[len(days) // 3], days[2 * len(days) // 3]

    def between(case: Known) -> bool:
        return start <= timezone.localdate(case.received_at) <= end

    wanted = expected(boss, "ombudsperson", keep=between)
    assert 0 < len(wanted) < len(expected(boss, "ombudsperson"))
    assert walk(boss, queues.Filters(received_from=start, received_to=end)) == wanted
    assert walk(boss, queues.Filters(received_from=end)) == expected(
        boss, "ombudsperson", keep=lambda c: timezone.localdate(c.received_at) >= end
    )


def test_a_reference_finds_exactly_its_case(seeded):
    boss, investigator = seeded.ombudsperson, seeded.investigators[0]
    everything = known_cases()
    theirs = next(c for c in everything if investigator.pk in c.granted)
    others = next(c for c in everything if investigator.pk not in c.granted)
    assert walk(boss, queues.Filters(reference=theirs.reference)) == [theirs.pk]
    assert walk(investigator, queues.Filters(reference=theirs.reference)) == [theirs.pk]
    assert walk(investigator, queues.Filters(reference=others.reference)) == []


@pytest.mark.parametrize("role", ["ombudsperson", "intake", "investigator"])
def test_a_person_search_finds_their_cases_among_those_one_may_see(seeded, role):
    counts: dict[str, int] = {}
    for case in known_cases():
        for email in case.emails - {""}:
            counts[email] = counts.get(email, 0) + 1
    shared = max(counts, key=lambda e: (counts[e], e))
    assert counts[shared] >= 2  # the seeder's returning petitioners
    user = people(seeded)[role]
    wanted = expected(user, role, keep=lambda c: shared in c.emails)
    found = person_search.cases_of(user, email=f" {shared.upper()} ")
    assert sorted(found.values_list("pk", flat=True)) == sorted(wanted)
    assert not person_search.cases_of(user, email="nobody@example.org").exists()


def test_investigators_never_see_unassigned_cases(seeded):
    unassigned = expected(seeded.ombudsperson, "ombudsperson", "unassigned")
    assert len(unassigned) >= 40
    for investigator in seeded.investigators:
        assert walk(investigator, queues.Filters(view="unassigned")) == []
        seen = set(walk(investigator, queues.Filters()))
        assert seen
        assert not seen & set(unassigned)
        assert all(Case.objects.get(pk=pk).assigned_to_id == investigator.pk for pk in seen)


def test_an_investigator_s_deadlines_still_need_the_work_permission(seeded):
    """Their due-date lists are found through the assignment (`case_assignee_due`), but the
    permission decides: a case assigned to them without it (which the services never leave)
    is not listed."""
    investigator = seeded.investigators[0]
    due = [queues.Filters(view=view) for view in ("overdue", "due_soon")]
    listed = [pk for filters in due for pk in walk(investigator, filters)]
    assert listed
    CaseUserObjectPermission.objects.filter(content_object=listed[0], user=investigator).delete()
    assert Case.objects.get(pk=listed[0]).assigned_to_id == investigator.pk
    for filters in due:
        assert walk(investigator, filters) == expected(investigator, "investigator", filters.view)
    assert listed[0] not in [pk for filters in due for pk in walk(investigator, filters)]


def test_a_member_with_two_roles_sees_the_deadlines_of_both(seeded):
    """An intake officer who also investigates: the intake states' deadlines and those of the
    cases they hold the work permission for, in one list."""
    user = make_staff("intake-investigator", "intake_officer", "investigator")
    granted = Case.objects.filter(state=State.INVESTIGATION, assigned_to=None).order_by("pk")[:10]
    for case in granted:  # overdue (the fixture's reopened cases)
        CaseUserObjectPermission.objects.create(
            user=user, permission_id=seeded.permission_id, content_object=case
        )
    for view in queues.VIEWS:
        wanted = expected(user, "intake and investigator", view)
        assert walk(user, queues.Filters(view=view)) == wanted, view
    assert expected(user, "investigator", "overdue")
    assert expected(user, "intake", "due_soon")


def test_recused_staff_never_see_the_case(seeded, client):
    investigator = seeded.investigators[0]
    theirs = Case.objects.filter(assigned_to=investigator).order_by("pk").first()
    screening = Case.objects.filter(state=State.INVESTIGATION, assigned_to=None).first()
    Case.objects.filter(pk=screening.pk).update(state=State.SCREENING)
    for user, case in ((investigator, theirs), (seeded.intake[0], screening),
                       (seeded.ombudsperson, screening)):  # fmt: skip
        case.refresh_from_db()
        step = t.Step(actor=user, version=case.version, note="related")
        t.case_act(case=case, step=step, action="recuse")
        for view in queues.VIEWS:
            assert case.pk not in walk(user, queues.Filters(view=view)), (user, view)
        assert walk(user, queues.Filters(reference=case.reference)) == []
        sign_in(client, user)
        assert client.get(reverse("staff:case", args=[case.reference])).status_code == 404
    assert screening.pk in walk(seeded.intake[1], queues.Filters())  # others still do


@pytest.mark.parametrize("persona", ["auditor", "sysadmin"])
def test_auditors_and_system_administrators_see_no_case(seeded, client, persona, request):
    user = request.getfixturevalue(persona)
    for view in queues.VIEWS:
        assert walk(user, queues.Filters(view=view)) == []
    sign_in(client, user)
    case = Case.objects.select_related("data_key").order_by("pk").first()
    assert client.get(reverse("staff:queue")).status_code == HTTPStatus.FORBIDDEN
    page = client.get(reverse("staff:case", args=[case.reference]))
    assert page.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}
    assert case.narrative not in page.text


def test_the_next_page_links_walk_the_whole_queue(seeded, client):
    """Through the HTML: the `after` cursor survives the link (its `+00:00` included)."""
    boss = seeded.ombudsperson
    sign_in(client, boss)
    queue, query, found = reverse("staff:queue"), "view=all", []
    for _page in range(100):
        response = client.get(f"{queue}?{query}")
        assert response.status_code == HTTPStatus.OK
        found += ROW_LINK.findall(response.text)
        following = NEXT_LINK.search(response.text)
        if not following:
            break
        query = html.unescape(following.group(1))
    references = {c.pk: c.reference for c in known_cases()}
    assert found == [references[pk] for pk in expected(boss, "ombudsperson")]


def test_the_seeded_personal_data_is_sealed_with_each_case_s_own_key(seeded):
    """What the queues were tested on is real: ciphertext at rest, one data key per case."""
    case = Case.objects.select_related("data_key").exclude(people=None).order_by("pk").first()
    person = case.people.select_related("data_key").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM cases_case WHERE id = %s", [case.pk])
        (raw,) = cursor.fetchone()
    assert case.narrative
    assert case.narrative.encode() not in bytes(raw)
    assert person.data_key_id == case.data_key_id
    assert person.name
    assert Case.objects.values("data_key").distinct().count() == Case.objects.count()


def test_every_permission_row_carries_its_cases_received_at(seeded: Staffing) -> None:
    """Investigators' lists are ordered by the copy on their permission rows (grant_newest)."""
    case = Case.objects.filter(state=State.INVESTIGATION).exclude(assigned_to=None).first()
    assert case is not None
    other = next(i for i in seeded.investigators if i.pk != case.assigned_to_id)
    step = t.Step(actor=seeded.ombudsperson, version=case.version)
    t.case_act(
        case=case, step=step, action="assign", investigator=other
    )  # through guardian's assign_perm
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=other).exists()
    copies = CaseUserObjectPermission.objects.values_list(
        "received_at", "content_object__received_at"
    )
    assert len(copies) > 50
    assert all(mine == cases for mine, cases in copies)
    assert walk(other, queues.Filters())[:1] == expected(other, "investigator")[:1]
