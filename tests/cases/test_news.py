"""New information flags a case for the staff working it until one of them opens it; the queue
lists such cases through a partial index; a supplement arriving offers the one-click resume."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import queues, services
from cases.models import Case, State
from tests.cases.plans import list_plan
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def add_information(case: Case) -> None:
    services.case_add_information(case=case, message="The bus number was 271.")


def news_queue(user: Any) -> list[str]:
    page = queues.case_queue(user=user, filters=queues.Filters(view="news"))
    return [row.reference for row in page.cases]


def open_case(user: Any, case: Case) -> Any:
    return sign_in(Client(), user).get(reverse("staff:case", args=[case.reference]))


def flagged(case: Case) -> bool:
    case.refresh_from_db()
    return case.news_since is not None


def test_the_assigned_investigator_clears_the_news_not_a_passing_ombudsperson(
    staff: Any, other_investigator: Any
) -> None:
    case = staff.case_in(State.INVESTIGATION)
    assert not flagged(case)
    add_information(case)
    assert flagged(case)
    assert case.reference in news_queue(staff.investigator)
    assert case.reference in news_queue(staff.ombudsperson)
    assert news_queue(other_investigator) == []
    response = open_case(staff.ombudsperson, case)
    assert 'id="case-news"' in response.content.decode()
    assert flagged(case)  # the ombudsperson does not work on this case: still new for its owner
    response = open_case(staff.investigator, case)
    assert response.status_code == HTTPStatus.OK
    assert 'id="case-news"' in response.content.decode()  # shown once, as it is cleared
    assert not flagged(case)
    assert news_queue(staff.investigator) == []
    assert 'id="case-news"' not in open_case(staff.investigator, case).content.decode()


def test_in_screening_any_intake_officer_clears_it(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    add_information(case)
    assert case.reference in news_queue(staff.intake)
    before = Case.objects.get(pk=case.pk).version
    open_case(staff.intake, case)
    assert not flagged(case)
    assert case.version == before  # opening a case is no action on it


def test_news_marks_the_row_in_every_list(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    add_information(case)
    page = sign_in(Client(), staff.ombudsperson).get(
        reverse("staff:queue"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'class="badge badge-news">New information</strong>' in page.content.decode()


def test_a_supplement_arriving_offers_the_one_click_resume(staff: Any) -> None:
    case = staff.case_in(State.AWAITING_SUPPLEMENT)
    assert 'id="supplement-arrived"' not in open_case(staff.intake, case).content.decode()
    add_information(case)
    client = sign_in(Client(), staff.intake)
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert 'id="supplement-arrived"' in page
    case.refresh_from_db()
    url = reverse("staff:act", args=[case.reference, "resume_screening"])
    assert f'action="{url}"' in page
    response = client.post(url, {"version": case.version})  # the button's whole form
    assert response.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert case.state == State.SCREENING
    assert case.events.latest("pk").action == "resume_screening"


def test_the_box_is_for_a_case_still_awaiting_its_supplement(staff: Any) -> None:
    case = staff.case_in(State.AWAITING_SUPPLEMENT)
    add_information(case)
    assert 'id="supplement-arrived"' in open_case(staff.ombudsperson, case).content.decode()
    screening = staff.case_in(State.SCREENING)
    add_information(screening)
    assert 'id="supplement-arrived"' not in open_case(staff.intake, screening).content.decode()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_the_news_list_walks_its_partial_index(staff: Any) -> None:
    """No sort, and the partial index (a walk newest first, stopping after a page)."""
    staff.case_in(State.INVESTIGATION)
    boss = list_plan(staff.ombudsperson, "news")
    assert "case_news_keyset" in boss, boss
    assert "TEMP B-TREE" not in boss, boss
    mine = list_plan(staff.investigator, "news")
    assert "case_assignee_news" in mine, mine
    assert "TEMP B-TREE" not in mine, mine
