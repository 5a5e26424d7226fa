"""The permission matrix: persona, staff URL and case state → status, from the URL resolver.

Expectations come from a hand-written reading of docs/design.md in
tests/cases/permission_table.py. Each test collects every wrong cell and reports them all at once.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import transitions as t
from cases.actions import STAFF_ACTIONS as ACTIONS
from cases.models import Case, CaseUserObjectPermission, RecommendationResponse, State
from tests import factories
from tests.cases.permission_table import (
    DOES,
    EXPECTED,
    GATED,
    PERSONAS,
    ROLE,
    TELLS_PETITIONER,
    WHEN,
    Expect,
    Redirect,
    case_url,
    staff_url_names,
)
from tests.conftest import make_staff, sign_in

pytestmark = pytest.mark.django_db

CASE_KINDS = {"case", "act", "attachment"}
# Personas whose answers the table makes independent of state and action (the sign-in gate, or
# no case role at all): they meet every cell in SWEEP_STATE, and a sample of cells in the others.
ROLE_ONLY = {*GATED, "auditor", "sysadmin"}
SWEEP_STATE, SAMPLE_ACTION = State.RECEIVED, "note"


@pytest.fixture
def users(staff: Any, other_investigator: Any, auditor: Any, sysadmin: Any) -> dict[str, Any]:
    """Every persona's account; those behind the gate hold the strongest role."""
    return {
        "intake": staff.intake,
        "investigator": staff.investigator,
        "other_investigator": other_investigator,
        "ombudsperson": staff.ombudsperson,
        "recused": make_staff("recused", "ombudsperson"),
        "auditor": auditor,
        "sysadmin": sysadmin,
        **{p: make_staff(p, "ombudsperson") for p in GATED},
    }


@pytest.fixture
def clients(users: dict[str, Any]) -> dict[str, Client]:
    signed = {persona: sign_in(Client(), users[persona]) for persona in [*ROLE, "inactive"]}
    users["inactive"].is_active = False  # signed in, then the account was deactivated
    users["inactive"].save(update_fields=["is_active"])
    password_only = {p: Client() for p in ("no_second_factor", "unverified")}
    TOTPDevice.objects.create(user=users["unverified"], name="phone", confirmed=True)
    for persona, client in password_only.items():
        client.force_login(users[persona])
    return {"anonymous": Client(), **signed, **password_only}


def meets(persona: str, state: str, action: str | None) -> bool:
    """Does `persona` meet this cell in this state? (ROLE_ONLY personas: a sample.)"""
    return persona not in ROLE_ONLY or state == SWEEP_STATE or action in {None, SAMPLE_ACTION}


def posts(state: str, action: str | None, expected: Expect) -> bool:
    """POST too? Every refused action in the sweep state; elsewhere every 403 (the action-level
    refusals) and a sample of the 404s and redirects (decided before the action is looked at)."""
    if action is None or expected == HTTPStatus.OK:
        return False
    return state == SWEEP_STATE or expected == HTTPStatus.FORBIDDEN or action == SAMPLE_ACTION


def check(
    client: Client, method: str, url: str, expected: Expect, data: Any = None, action: str = ""
) -> str:
    """'' when the answer is as expected, else a description of the wrong cell. An action's
    page asks for a message to the petitioner if and only if the action tells them."""
    response = client.get(url) if method == "GET" else client.post(url, data or {})
    if response.streaming:  # read to the end: the test client then closes the file
        b"".join(response.streaming_content)
    got = response.status_code
    if action and method == "GET" and got == expected == HTTPStatus.OK:
        asks = 'name="message"' in response.content.decode()
        if asks != (action in TELLS_PETITIONER):
            return f"a message to the petitioner {'asked' if asks else 'not asked'} for"
    if isinstance(expected, Redirect):
        where = urlparse(response.get("Location", "")).path
        if got == HTTPStatus.FOUND and where == reverse(expected.to):
            return ""
        return f"expected {expected}, got {got} {where}".rstrip()
    return "" if got == expected else f"expected {int(expected)}, got {got}"


def matrix_case(staff: Any, state: str, recused: Any) -> Case:
    """A case in `state` with evidence, held by the investigator, with a recused ombudsperson;
    the conditions of close_not_supplemented and close_monitoring are met."""
    case = staff.case_in(state, evidence=[factories.pdf()])
    staff.grant(case, staff.investigator)
    if state == State.AWAITING_SUPPLEMENT:
        yesterday = timezone.localdate() - timedelta(days=1)
        Case.objects.filter(pk=case.pk).update(supplement_due=yesterday)
    case.recommendations.update(status="accepted")
    Case.objects.filter(pk=case.pk).update(reply_due=timezone.localdate())  # a reply awaited
    step = staff.step(case, recused, note="My neighbour filed this.")
    t.case_act(case=case, step=step, action="recuse")
    case.refresh_from_db()
    return case


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        model_to_dict(case),
        case.events.count(),
        case.recusals.count(),
        list(case.recommendations.values_list("status", "follow_up_due")),
        RecommendationResponse.objects.filter(case=case).count(),
        CaseUserObjectPermission.objects.filter(content_object=case).count(),
    )


def post_data(case: Case, action: str, investigator: Any) -> dict[str, Any]:
    """A complete, valid submission of `action`: had it been allowed, it would have worked."""
    later = ((case.due_date or timezone.localdate()) + timedelta(days=30)).isoformat()
    recommendation = case.recommendations.first()
    extra: dict[str, dict[str, Any]] = {
        "accept": {"investigator": investigator.pk},
        "assign": {"investigator": investigator.pk},
        "propose_assignment": {"investigator": investigator.pk},
        "declare_inadmissible": {"reason": "outside_jurisdiction"},
        "transfer": {"body": "National Human Rights Commission", "body_reference": "NHRCK-1"},
        "request_reply": {"due": later},
        "extend": {"new_due": later},
        "uphold": {
            "agency_type_1": "city_office",
            "agency_name_1": "City Hall",
            "text_1": "Apologise in writing.",
        },
        "record_response": {
            "recommendation": recommendation.pk if recommendation else "",
            "response": "implemented",
        },
        "add_document": {
            "kind": "findings",
            "document_date": timezone.localdate().isoformat(),
            "documents": factories.pdf(),
        },
        "reply_received": {"received_on": timezone.localdate().isoformat()},
        "reminder_sent": {"new_due": later},
    }
    base = {"version": case.version, "message": "Reasons for the petitioner.", "note": "Internal."}
    return {**base, **extra.get(action, {})}


def _form(action: str, data: dict[str, Any], case: Case) -> Any:
    """The action's form bound to `data`, its files apart as a request has them."""
    files = {name: value for name, value in data.items() if hasattr(value, "read")}
    fields = {name: value for name, value in data.items() if name not in files}
    return ACTIONS[action].bind(fields, files, case=case)


def case_cells(case: Case) -> list[tuple[str, str, str | None]]:
    """(label, url, action) for every case URL rule, the act URL once per action."""
    cells: list[tuple[str, str, str | None]] = []
    uid = case.attachments.get().uid
    for name, rule in EXPECTED.items():
        if rule.kind == "case":
            cells.append((name, reverse(name, args=[case.reference]), None))
        elif rule.kind == "attachment":
            cells.append((name, reverse(name, args=[case.reference, uid]), None))
        elif rule.kind == "act":
            cells += [
                (f"{name}[{action}]", reverse(name, args=[case.reference, action]), action)
                for action in ACTIONS
            ]
    return cells


def test_every_staff_url_has_an_expectation_and_every_expectation_a_url() -> None:
    resolved = staff_url_names()
    assert resolved, "the resolver walk found no staff URL"
    missing = sorted(resolved - set(EXPECTED))
    stale = sorted(set(EXPECTED) - resolved)
    assert not missing, f"staff URLs without an expectation in EXPECTED: {missing}"
    assert not stale, f"expectations for URLs that no longer exist: {stale}"
    kinds = {rule.kind for rule in EXPECTED.values()}
    assert kinds <= {"page", *CASE_KINDS}, f"rules of a kind no test runs: {kinds}"


def test_every_action_has_an_expectation() -> None:
    assert set(WHEN) == set(ACTIONS), set(WHEN) ^ set(ACTIONS)
    assert set(ACTIONS) >= TELLS_PETITIONER
    assert set().union(*DOES.values()) <= set(ACTIONS)
    assert set().union(*WHEN.values()) <= set(State.values)


def test_pages_without_a_case(clients: dict[str, Client]) -> None:
    wrong = []
    for name, rule in EXPECTED.items():
        if rule.kind != "page":
            continue
        for persona in PERSONAS:
            problem = check(clients[persona], "GET", reverse(name), rule.expect(persona))
            wrong += [f"GET {name} as {persona}: {problem}"] if problem else []
    for persona in PERSONAS:  # last: logging out ends each session
        problem = check(clients[persona], "POST", reverse("accounts:logout"),
                        Redirect("accounts:login"))  # fmt: skip
        wrong += [f"POST accounts:logout as {persona}: {problem}"] if problem else []
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("state", State.values)
def test_case_urls(staff: Any, users: dict[str, Any], clients: dict[str, Client], state: str):
    case = matrix_case(staff, state, users["recused"])
    before = snapshot(case)
    wrong = []
    for label, url, action in case_cells(case):
        rule = EXPECTED[label.split("[")[0]]
        for persona in PERSONAS:
            if not meets(persona, state, action):
                continue
            expected = rule.expect(persona, state, action)
            problem = check(clients[persona], "GET", url, expected, action=action or "")
            wrong += [f"GET {label} as {persona}: {problem}"] if problem else []
            if not posts(state, action, expected):
                continue
            data = post_data(case, action, users["other_investigator"])
            problem = check(clients[persona], "POST", url, expected, data)
            wrong += [f"POST {label} as {persona}: {problem}"] if problem else []
    assert not wrong, f"{len(wrong)} wrong cells in state {state}:\n" + "\n".join(wrong)
    assert snapshot(case) == before, "a refused request changed the case"
    # The refused POSTs were complete submissions: where someone may act, the form accepts them.
    open_here = [a for a in ACTIONS if any(case_url(p, state, a) == HTTPStatus.OK for p in ROLE)]
    data = {a: post_data(case, a, users["other_investigator"]) for a in open_here}
    invalid = [a for a in open_here if not _form(a, data[a], case).is_valid()]
    assert open_here
    assert not invalid, f"post_data is no valid submission of {invalid}"


def test_a_missing_case_answers_like_an_unseen_one(clients: dict[str, Client]) -> None:
    wrong = []
    for persona in PERSONAS:
        expected = case_url(persona, State.RECEIVED)
        if expected == HTTPStatus.OK:  # "sees the case": the missing case stays unseen
            expected = HTTPStatus.NOT_FOUND
        for url in (reverse("staff:case", args=["OMB-0000-0000"]),
                    reverse("staff:act", args=["OMB-0000-0000", "note"])):  # fmt: skip
            problem = check(clients[persona], "GET", url, expected)
            wrong += [f"GET {url} as {persona}: {problem}"] if problem else []
    assert not wrong, "\n".join(wrong)


def test_an_unknown_action_is_not_found(staff: Any, clients: dict[str, Client]) -> None:
    case = staff.case_in(State.SCREENING)
    url = reverse("staff:act", args=[case.reference, "delete_everything"])
    assert clients["ombudsperson"].get(url).status_code == HTTPStatus.NOT_FOUND
