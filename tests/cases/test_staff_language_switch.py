"""Switching language on a staff form keeps what was typed and acts on nothing, as the public
complaint form does: the language buttons submit the form itself (`switch_language`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import Case, State
from ombuds.models import AccessLogEntry
from tests import factories
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_an_action_form_comes_back_in_english_as_typed(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    client = sign_in(Client(), staff.ombudsperson)
    url = reverse("staff:act", args=[case.reference, "declare_inadmissible"])
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'form="staff-form"' in korean
    assert 'id="staff-form"' in korean
    typed = {"version": case.version, "message": "관할 밖의 사안입니다.", "note": "Legal: yes.",
             "reason": "before_court", "switch_language": "en"}  # fmt: skip
    response = client.post(url, typed, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "관할 밖의 사안입니다." in page
    assert "Legal: yes." in page
    assert '<option value="before_court" selected>' in page
    assert f'name="version" value="{case.version}"' in page  # the version seen, kept
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    case.refresh_from_db()
    assert case.state == State.SCREENING  # nothing was acted on
    assert not case.events.filter(action="declare_inadmissible").exists()


def test_the_switch_is_refused_where_the_action_is(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    client = sign_in(Client(), staff.intake)
    url = reverse("staff:act", args=[case.reference, "declare_inadmissible"])
    response = client.post(url, {"version": case.version, "switch_language": "en"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_registration_comes_back_as_typed_and_names_the_files(staff: Any) -> None:
    client = sign_in(Client(), staff.intake)
    url = reverse("staff:register")
    assert 'id="staff-form"' in client.get(url).content.decode()
    data = {**factories.complaint_post(narrative="버스 승차를 거부당했습니다."), "channel": "phone",
            "switch_language": "en", "evidence": factories.pdf("call.pdf")}  # fmt: skip
    before = Case.objects.count()
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "버스 승차를 거부당했습니다." in page
    assert 'value="phone" checked' in page or 'value="phone" id' in page
    assert "Not kept: call.pdf. A form shown again cannot keep files: choose them again." in page
    assert Case.objects.count() == before


def test_a_person_search_comes_back_as_typed_without_searching(staff: Any) -> None:
    client = sign_in(Client(), staff.ombudsperson)
    data = {"name": "Kim Minji", "phone": "", "email": "", "switch_language": "en"}
    response = client.post(reverse("staff:search"), data, HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert 'value="Kim Minji"' in page
    assert "Cases found" not in page
    assert not AccessLogEntry.objects.filter(action="search").exists()
