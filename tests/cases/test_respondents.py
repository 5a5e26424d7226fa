"""Respondent bodies as coded data: the office's list, and linking a case to a body."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, RespondentBody, State
from cases.respondents import CODE_ACTION
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def add_body(client, **data):
    fields = {"kind": "district_office", "name_ko": "동구청", "name_en": "Dong-gu Office",
              "active": "on", **data}  # fmt: skip
    return client.post(reverse("staff:respondent_bodies"), fields)


def test_the_ombudsperson_adds_and_renames_a_body(client, staff):
    sign_in(client, staff.ombudsperson)
    assert add_body(client).status_code == HTTPStatus.FOUND
    body = RespondentBody.objects.get()
    assert (body.kind, body.name_en, body.active) == ("district_office", "Dong-gu Office", True)
    url = reverse("staff:respondent_bodies") + f"?edit={body.pk}"
    response = client.post(url, {"kind": "district_office", "name_ko": "동구청",
                                 "name_en": "Dong-gu District Office"})  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    body.refresh_from_db()
    assert (body.name_en, body.active) == ("Dong-gu District Office", False)
    assert "Dong-gu District Office" in client.get(reverse("staff:respondent_bodies")).text


def test_a_duplicate_name_is_refused_with_the_form_kept(client, staff):
    sign_in(client, staff.ombudsperson)
    add_body(client)
    response = add_body(client, name_en="Another")
    assert response.status_code == HTTPStatus.OK
    assert RespondentBody.objects.count() == 1
    assert 'value="Another"' in response.text


def test_intake_codes_a_case_at_screening_beside_the_petitioners_words(client, staff):
    body = RespondentBody.objects.create(kind="district_office", name_ko="동구청",
                                         name_en="Dong-gu Office")  # fmt: skip
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.intake)
    url = reverse("staff:code_respondent", args=[case.reference])
    page = client.get(url)
    assert case.respondent_name in page.text  # the petitioner's own words, beside the choice
    response = client.post(url, {"version": case.version, "body": body.pk})
    assert response.status_code == HTTPStatus.FOUND
    coded = Case.objects.get(pk=case.pk)
    assert (coded.respondent_body_id, coded.version) == (body.pk, case.version + 1)
    assert coded.respondent_name == case.respondent_name
    event = CaseEvent.objects.get(case=case, action=CODE_ACTION)
    assert (event.actor_id, event.public, event.reason_code) == (staff.intake.pk, False,
                                                                 str(body.pk))  # fmt: skip
    shown = client.get(reverse("staff:case", args=[case.reference])).text
    assert "Dong-gu Office" in shown


def test_a_stale_form_is_refused_and_changes_nothing(client, staff):
    body = RespondentBody.objects.create(kind="city_office", name_ko="시청", name_en="City Hall")
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.ombudsperson)
    url = reverse("staff:code_respondent", args=[case.reference])
    response = client.post(url, {"version": case.version - 1, "body": body.pk})
    assert response.status_code == HTTPStatus.CONFLICT
    assert Case.objects.get(pk=case.pk).respondent_body_id is None


def test_an_inactive_body_cannot_be_chosen(client, staff):
    body = RespondentBody.objects.create(kind="city_office", name_ko="시청", name_en="City Hall",
                                         active=False)  # fmt: skip
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.intake)
    url = reverse("staff:code_respondent", args=[case.reference])
    response = client.post(url, {"version": case.version, "body": body.pk})
    assert response.status_code == HTTPStatus.OK
    assert Case.objects.get(pk=case.pk).respondent_body_id is None
