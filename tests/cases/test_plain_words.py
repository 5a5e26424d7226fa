"""How a case ended, in plain words and the reader's language: where a complaint was sent, why
it could not be handled; and no untranslated code on a Korean page."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases import transitions as t
from cases.models import InadmissibleReason
from ombuds.accesslog import AccessDetail, record_access
from ombuds.roles import grant_sysadmin
from tests import factories
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
KO, EN = {"HTTP_ACCEPT_LANGUAGE": "ko"}, {"HTTP_ACCEPT_LANGUAGE": "en"}
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a snake_case code, as the database stores them


def screened(staff: Any, **complaint: Any) -> tuple[Any, str]:
    filed = factories.file_case(**complaint)
    return staff.advance(filed.case, "start_screening"), filed.access_key


def decide(staff: Any, case: Any, action: str, **arguments: Any) -> Any:
    step = staff.step(case, staff.ombudsperson, message="See the reasons below.")
    return t.case_act(case=case, step=step, action=action, **arguments)


def tracked(client: Client, case: Any, access_key: str, headers: dict[str, str]) -> str:
    receipt = {"reference": case.reference, "access_key": access_key}
    assert client.post(reverse("cases:track"), receipt, **headers).status_code == HTTPStatus.FOUND
    return client.get(reverse("cases:tracked"), **headers).content.decode()


def visible_text(html: str) -> str:
    """The page's text, without tags, attributes, scripts or the CSRF token."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_petitioner_reads_where_their_complaint_was_sent(staff: Any, client: Client) -> None:
    case, key = screened(staff, language="en")
    decide(staff, case, "transfer", body="National Human Rights Commission",
           reference="NHRCK-2026-118")  # fmt: skip
    english = tracked(client, case, key, EN)
    assert "We sent your complaint to National Human Rights Commission" in english
    assert "NHRCK-2026-118" in english
    korean = tracked(Client(), case, key, KO)
    assert "National Human Rights Commission(으)로 이송했습니다" in korean
    assert "NHRCK-2026-118" in korean


@pytest.mark.parametrize("ground", InadmissibleReason.values)
def test_the_petitioner_reads_the_ground_in_plain_korean(staff: Any, ground: str) -> None:
    case, key = screened(staff)
    decide(staff, case, "declare_inadmissible", reason=ground)
    page = visible_text(tracked(Client(), case, key, KO))
    assert ground not in page
    assert 'id="outcome-detail"' in tracked(Client(), case, key, KO)
    assert not CODE.findall(page), CODE.findall(page)


def test_the_staff_page_in_korean_names_grounds_and_investigators(staff: Any) -> None:
    case, _key = screened(staff)
    step = staff.step(case, staff.intake, note="Knows the district.")
    t.case_act(case=case, step=step, action="propose_assignment", investigator=staff.investigator)
    decide(staff, case, "declare_inadmissible", reason=InadmissibleReason.OUTSIDE_JURISDICTION)
    response = sign_in(Client(), staff.ombudsperson).get(
        reverse("staff:case", args=[case.reference]), **KO
    )
    page = visible_text(response.content.decode())
    assert "outside_jurisdiction" not in page
    assert "Proposed investigator" not in page
    assert f"조사관: {staff.investigator.username}" in " ".join(page.split())
    assert str(InadmissibleReason.OUTSIDE_JURISDICTION.label) in page


def test_the_proposed_investigator_is_preselected_on_acceptance(
    staff: Any, other_investigator: Any
) -> None:
    case, _key = screened(staff)
    for investigator in (staff.investigator, other_investigator):  # the latest proposal counts
        step = staff.step(case, staff.intake)
        t.case_act(case=case, step=step, action="propose_assignment", investigator=investigator)
    page = sign_in(Client(), staff.ombudsperson).get(
        reverse("staff:act", args=[case.reference, "accept"])
    )
    form = page.context["form"]
    assert form["investigator"].value() == other_investigator.pk
    assert f'<option value="{other_investigator.pk}" selected>' in page.content.decode()
    event = case.events.get(action="propose_assignment", investigator=other_investigator)
    assert event.internal_note == ""  # nothing written into the note in one language


def test_acceptance_has_no_preselection_without_a_proposal(staff: Any) -> None:
    case, _key = screened(staff)
    page = sign_in(Client(), staff.ombudsperson).get(
        reverse("staff:act", args=[case.reference, "accept"])
    )
    assert page.context["form"]["investigator"].value() is None


def test_a_settlement_reads_as_a_settled_closure_in_korean(staff: Any, client: Client) -> None:
    filed = factories.file_case()
    case = filed.case
    for action in ("start_screening", "accept", "start_mediation"):
        case = staff.advance(case, action)
    step = staff.step(case, staff.investigator, note="Both sides signed.")
    t.case_act(case=case, step=step, action="settle")
    assert "합의 종결" in tracked(client, case, filed.access_key, KO)


def test_the_access_log_names_the_second_factor_in_words(auditor: Any, client: Client) -> None:
    request = Client().get("/").wsgi_request
    record_access(user=auditor, request=request, action="login", case_reference="",
                  detail=AccessDetail.TOTP)  # fmt: skip
    page = sign_in(client, auditor).get(reverse("accounts:access_log"), **KO)
    assert "인증 앱 코드로" in page.content.decode()
    assert "totp" not in visible_text(page.content.decode())


def test_the_account_admin_names_roles_not_codes(sysadmin: Any, staff: Any) -> None:
    grant_sysadmin(sysadmin)
    client = sign_in(Client(), sysadmin)
    change = client.get(reverse("admin:ombuds_user_change", args=[staff.intake.pk]), **KO)
    listing = client.get(reverse("admin:ombuds_user_changelist"), **KO)
    groups = client.get(reverse("admin:auth_group_changelist"), **KO)
    for response in (change, listing, groups):
        assert response.status_code == HTTPStatus.OK
        text = visible_text(response.content.decode())
        assert "intake_officer" not in text
        assert "접수 담당자" in text
