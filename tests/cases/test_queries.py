"""The staff pages cost a fixed number of SQL queries, whatever the number of cases.

Ten cases are made through the services (every state, deadlines due soon and overdue) by the
accounts `seed_cases` uses; the counts are taken, the database grows to 300 cases with
`seed_cases`, and every count must be the same, for the ombudsperson, an investigator and an
intake officer.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import access, queues, services
from cases import transitions as t
from cases.effects import Documents
from cases.management.commands._seeding import seed_staff
from cases.models import Case, State
from ombuds.accesslog import record_access
from tests import factories
from tests.conftest import sign_in
from tests.workflow import PATHS, Staff

pytestmark = pytest.mark.django_db

LARGE = 300
ROLES = ["ombudsperson", "investigator", "intake"]


class Office:
    """Ten cases in every state, acted on by the seeded staff accounts."""

    def __init__(self) -> None:
        staffing = seed_staff(investigators=1)
        self.users = {
            "ombudsperson": staffing.ombudsperson,
            "investigator": staffing.investigators[0],
            "intake": staffing.intake[0],
        }
        self.staff = Staff(intake=staffing.intake[0], investigator=staffing.investigators[0],
                           ombudsperson=staffing.ombudsperson)  # fmt: skip
        self.cases = {state: self.staff.case_in(state) for state in PATHS}
        self.staff.case_in(State.SCREENING, email="someone.else@example.org")
        factories.file_case(email="another.one@example.org")
        today = timezone.localdate()
        for state, days in ((State.INVESTIGATION, -3), (State.DELIBERATION, 2),
                            (State.SCREENING, -1), (State.AWAITING_SUPPLEMENT, 1)):  # fmt: skip
            Case.objects.filter(pk=self.cases[state].pk).update(
                due_date=today + timedelta(days=days)
            )
        # A recommendation's follow-up coming due: the "recommendations" list has a row.
        Case.objects.filter(pk=self.cases[State.MONITORING].pk).update(
            follow_up_due=today + timedelta(days=2)
        )
        for state in (
            State.RECEIVED,
            State.AWAITING_SUPPLEMENT,
            State.MEDIATION,
        ):  # news, each role
            services.case_add_information(case=self.cases[state], message="One more thing.")
        # The very first access-log row also reads the purge anchor: start with one there.
        first = self.cases[State.RECEIVED].reference
        record_access(user=staffing.ombudsperson, request=RequestFactory().get("/"),
                      action="view_case", case_reference=first)  # fmt: skip
        self.pks = list(Case.objects.values_list("pk", flat=True))
        assert len(self.pks) == 10

    def queue_urls(self) -> list[str]:
        queue, today = reverse("staff:queue"), timezone.localdate()
        newest = (
            Case.objects.order_by("-received_at", "-pk")
            .values("pk", "received_at", "due_date")
            .first()
        )
        assert newest is not None
        queries: list[dict[str, str]] = [
            {}, *({"view": view} for view in queues.VIEWS),
            {"state": State.SCREENING}, {"right": "equality"}, {"group": "disability"},
            {"respondent": "district_office"}, {"received_from": str(today - timedelta(days=1)),
                                                "received_to": str(today)},
            {"reference": self.cases[State.SCREENING].reference},
            {"view": "overdue", "right": "disability"},
            {"after": queues._cursor(newest, "")},
        ]  # fmt: skip
        return [f"{queue}?{urlencode(q)}" if q else queue for q in queries]


@pytest.fixture
def office(db: Any) -> Office:
    return Office()


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(captured)


def grow() -> None:
    call_command("seed_cases", count=LARGE, investigators=1, verbosity=0)
    assert Case.objects.count() == LARGE


@pytest.mark.parametrize("role", ROLES)
def test_queue_pages_cost_as_many_queries_at_300_cases_as_at_10(client, office, role):
    user = office.users[role]
    sign_in(client, user)
    urls = office.queue_urls()
    small = {url: queries_for(client, url) for url in urls}
    seen_before = access.visible_cases(user).count()
    grow()
    assert access.visible_cases(user).count() > seen_before  # the pages really have more to show
    assert {url: queries_for(client, url) for url in urls} == small


@pytest.mark.parametrize(
    ("role", "state"),
    [("ombudsperson", State.MONITORING), ("investigator", State.INVESTIGATION),
     ("intake", State.SCREENING)],
)  # fmt: skip
def test_the_case_page_costs_as_many_queries_at_300_cases_as_at_10(client, office, role, state):
    user = office.users[role]
    sign_in(client, user)
    ours = reverse("staff:case", args=[office.cases[state].reference])
    printed = reverse("staff:print", args=[office.cases[state].reference])
    small, small_print = queries_for(client, ours), queries_for(client, printed)
    grow()
    case = office.cases[state]
    for note in ("First call.", "Second call.", "Letter sent."):  # a longer timeline
        case.refresh_from_db()
        step = t.Step(actor=user, version=case.version, note=note)
        t.case_act(case=case, step=step, action="note")
    case.refresh_from_db()
    files = [(factories.pdf(), "application/pdf"), (factories.png(), "image/png")]
    documents = Documents(files=files, kind="evidence", dated=timezone.localdate())
    t.case_act(case=case, step=t.Step(actor=user, version=case.version), action="add_document",
               documents=documents)  # fmt: skip
    assert case.events.count() >= 5
    assert case.attachments.exclude(kind="").count() == 2  # a longer case file
    assert queries_for(client, printed) == small_print
    seeded = access.visible_cases(user).filter(state=state).exclude(pk__in=office.pks).first()
    assert seeded is not None
    assert queries_for(client, ours) == small
    assert queries_for(client, reverse("staff:case", args=[seeded.reference])) == small


def test_a_page_of_many_cases_costs_what_a_page_of_one_costs(client, office):
    """Within one database: a full 25-row page and a 1-row page make the same queries."""
    sign_in(client, office.users["ombudsperson"])
    grow()
    queue = reverse("staff:queue")
    full, single = client.get(queue), client.get(f"{queue}?view=new")
    assert len(full.context["page"].cases) == queues.PAGE_SIZE
    assert len(single.context["page"].cases) >= 1
    assert queries_for(client, queue) == queries_for(client, f"{queue}?view=new")
