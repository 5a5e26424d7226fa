"""The ombudsperson's retention pages (issue #13): a legal hold set with a reason and lifted with
a ground, shown on the case and in the list of held cases; erasure on a petitioner's request in
two steps (a ground, then the reference typed again), by POST with CSRF, in the verified chain;
an erased case's staff and tracking pages say so. Role-by-state answers are in the permission
matrix (tests/cases/permission_table.py); here, what the allowed and refused POSTs do."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, Person, State
from notifications.models import Notification
from ombuds.accesslog import verify_chain
from ombuds.models import AccessLogEntry
from tests import factories
from tests.conftest import sign_in
from tests.workflow import PATHS

pytestmark = pytest.mark.django_db

REASON = "Seoul Administrative Court 2026-GuHap-4711 asked us to keep the file"


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def filed(staff: Any) -> Any:
    """A closed case with evidence, and its receipt (the petitioner's access key)."""
    receipt = factories.file_case(evidence=[factories.pdf()])
    case = receipt.case
    for action in PATHS[State.CLOSED]:
        case = staff.advance(case, action)
    return receipt


@pytest.fixture
def boss(staff: Any) -> Client:
    return english(sign_in(Client(), staff.ombudsperson))


def url(name: str, case: Case) -> str:
    return reverse(name, args=[case.reference])


def test_a_hold_is_set_with_a_reason_shown_and_listed_then_lifted(boss: Client, filed: Any) -> None:
    case = filed.case
    page = boss.get(url("staff:case", case))
    assert url("staff:legal_hold", case) in page.text

    missing = boss.post(url("staff:legal_hold", case), {"reason": "  "})
    assert missing.status_code == HTTPStatus.OK
    assert 'aria-invalid="true"' in missing.text
    assert Case.objects.get(pk=case.pk).legal_hold_since is None

    done = boss.post(url("staff:legal_hold", case), {"reason": REASON})
    assert done.url == url("staff:case", case)
    shown = boss.get(url("staff:case", case)).text
    assert 'id="legal-hold"' in shown
    assert REASON in shown
    listed = boss.get(reverse("staff:held_cases")).text
    assert url("staff:case", case) in listed
    assert REASON not in listed  # reasons only on the (access-logged) case page

    form = boss.get(url("staff:legal_hold", case)).text
    assert "Lift the legal hold" in form
    bad = boss.post(url("staff:legal_hold", case), {"ground": "because"})
    assert 'aria-invalid="true"' in bad.text
    boss.post(url("staff:legal_hold", case), {"ground": "proceedings_ended"})
    case.refresh_from_db()
    assert case.legal_hold_since is None
    assert case.legal_hold_reason == ""
    assert 'id="no-held-cases"' in boss.get(reverse("staff:held_cases")).text
    steps = AccessLogEntry.objects.filter(action="legal_hold", case_reference=case.reference)
    assert list(steps.values_list("detail", flat=True).order_by("id")) == [
        "set", "lifted,ground=proceedings_ended",
    ]  # fmt: skip
    assert set(steps.values_list("user__username", flat=True)) == {"ombudsperson"}
    assert verify_chain().ok


def test_erasure_takes_two_steps_and_the_reference_typed_again(
    boss: Client, filed: Any, settings: Any
) -> None:
    case = filed.case
    first = boss.get(url("staff:erase", case))
    assert 'name="ground"' in first.text
    assert 'method="post"' in first.text

    second = boss.post(url("staff:erase", case), {"step": "ground", "ground": "petitioner_asked"})
    assert second.status_code == HTTPStatus.OK
    assert case.reference in second.text
    assert "The name and contact details of 1 person." in second.text
    assert "1 evidence file." in second.text
    assert 'name="reference"' in second.text
    assert 'type="hidden" name="ground" value="petitioner_asked"' in second.text
    assert Case.objects.get(pk=case.pk).erased_at is None  # nothing yet
    mail = Notification.objects.filter(data_key=case.data_key).count()
    assert f"{mail} email" in second.text

    confirm = {"step": "confirm", "ground": "petitioner_asked", "reference": "X-1"}
    wrong = boss.post(url("staff:erase", case), confirm)
    assert "This is not the reference of this case" in wrong.text
    assert Case.objects.get(pk=case.pk).erased_at is None

    done = boss.post(url("staff:erase", case),
                     {"step": "confirm", "ground": "petitioner_asked",
                      "reference": case.reference.lower()})  # fmt: skip
    assert done.url == url("staff:case", case)
    case.refresh_from_db()
    assert case.erased_at is not None
    assert case.erasure_rule == "on_request"
    assert not Person.objects.filter(case=case).exists()
    assert not case.attachments.exists()
    row = AccessLogEntry.objects.get(action="erase_case", case_reference=case.reference)
    assert row.user.username == "ombudsperson"
    assert row.detail == f"rule=on_request,people=1,files=1,mail={mail},ground=petitioner_asked"
    assert verify_chain().ok

    staff_page = boss.get(url("staff:case", case))
    assert "The personal data of this case was erased on" in staff_page.text
    assert url("staff:erase", case) not in staff_page.text  # nothing left to offer
    assert boss.get(url("staff:erase", case)).status_code == HTTPStatus.FORBIDDEN
    assert boss.get(url("staff:legal_hold", case)).status_code == HTTPStatus.FORBIDDEN

    petitioner = english(Client())
    receipt = {"reference": case.reference, "access_key": filed.access_key}
    assert petitioner.post(reverse("cases:track"), receipt).status_code == HTTPStatus.FOUND
    tracking = petitioner.get(reverse("cases:tracked"))
    assert tracking.status_code == HTTPStatus.OK
    assert "The personal data of this case was erased on" in tracking.text


def test_a_step_two_post_with_a_forged_ground_erases_nothing(boss: Client, filed: Any) -> None:
    case = filed.case
    confirm = {"step": "confirm", "ground": "because", "reference": case.reference}
    forged = boss.post(url("staff:erase", case), confirm)
    assert forged.status_code == HTTPStatus.OK
    assert Case.objects.get(pk=case.pk).erased_at is None


def test_a_held_case_says_so_before_it_is_erased_on_request(boss: Client, filed: Any) -> None:
    case = filed.case
    boss.post(url("staff:legal_hold", case), {"reason": REASON})
    second = boss.post(url("staff:erase", case), {"step": "ground", "ground": "consent_withdrawn"})
    assert "This case is under legal hold since" in second.text


@pytest.mark.parametrize("who", ["intake", "investigator", "auditor", "sysadmin", "anonymous"])
def test_no_one_else_holds_or_erases_by_post(
    who: str, staff: Any, filed: Any, auditor: Any, sysadmin: Any
) -> None:
    case = filed.case
    staff.grant(case, staff.investigator)
    users = {"intake": staff.intake, "investigator": staff.investigator, "auditor": auditor,
             "sysadmin": sysadmin}  # fmt: skip
    client = sign_in(Client(), users[who]) if who in users else Client()
    answers = {
        client.post(url("staff:legal_hold", case), {"reason": REASON}).status_code,
        client.post(url("staff:erase", case),
                    {"step": "confirm", "ground": "petitioner_asked",
                     "reference": case.reference}).status_code,
    }  # fmt: skip
    expected = {
        "intake": HTTPStatus.NOT_FOUND,  # a closed case is past intake: not seen
        "investigator": HTTPStatus.FORBIDDEN,
        "auditor": HTTPStatus.FORBIDDEN,
        "sysadmin": HTTPStatus.FORBIDDEN,
        "anonymous": HTTPStatus.FOUND,  # to the login page
    }[who]
    assert answers == {expected}
    case.refresh_from_db()
    assert case.erased_at is None
    assert case.legal_hold_since is None


def test_without_the_csrf_token_nothing_is_held_or_erased(staff: Any, filed: Any) -> None:
    case = filed.case
    client = sign_in(Client(enforce_csrf_checks=True), staff.ombudsperson)
    assert client.post(url("staff:legal_hold", case), {"reason": REASON}).status_code == 403
    confirm = {"step": "confirm", "ground": "petitioner_asked", "reference": case.reference}
    assert client.post(url("staff:erase", case), confirm).status_code == 403
    case.refresh_from_db()
    assert (case.erased_at, case.legal_hold_since) == (None, None)


def test_an_open_case_offers_neither(boss: Client, staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    page = boss.get(url("staff:case", case)).text
    assert url("staff:erase", case) not in page
    assert boss.post(url("staff:erase", case),
                     {"step": "confirm", "ground": "petitioner_asked",
                      "reference": case.reference}).status_code == HTTPStatus.FORBIDDEN  # fmt: skip
