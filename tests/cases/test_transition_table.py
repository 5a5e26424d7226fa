"""Every (state, transition) pair: allowed exactly where docs/design.md §2 says, and a refused
transition leaves the case untouched.

The transitions come from the action registry (cases.actions) and the model's django-fsm
declarations; the expectations below are written by hand from the design, independently of
both: a transition without an expectation, or an expectation without a transition, fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from cases import transitions as t
from cases.actions import STAFF_ACTIONS
from cases.models import WITHDRAWABLE, Case, Outcome, State

pytestmark = pytest.mark.django_db

ALLOWED_FROM: dict[str, set[str]] = {
    "start_screening": {State.RECEIVED},
    "request_supplement": {State.SCREENING},
    "resume_screening": {State.AWAITING_SUPPLEMENT},
    "close_not_supplemented": {State.AWAITING_SUPPLEMENT},
    "accept": {State.SCREENING},
    "declare_inadmissible": {State.SCREENING},
    "transfer": {State.SCREENING},
    "withdraw": set(WITHDRAWABLE),
    "start_mediation": {State.INVESTIGATION},
    "end_mediation": {State.MEDIATION},
    "settle": {State.MEDIATION},
    "submit_findings": {State.INVESTIGATION},
    "return_to_investigation": {State.DELIBERATION},
    "dismiss": {State.DELIBERATION},
    "uphold": {State.DELIBERATION},
    "close_monitoring": {State.MONITORING},
    "reopen": {State.CLOSED},
}
TARGET = {
    "start_screening": State.SCREENING,
    "request_supplement": State.AWAITING_SUPPLEMENT,
    "resume_screening": State.SCREENING,
    "close_not_supplemented": State.CLOSED,
    "accept": State.INVESTIGATION,
    "declare_inadmissible": State.CLOSED,
    "transfer": State.CLOSED,
    "withdraw": State.CLOSED,
    "start_mediation": State.MEDIATION,
    "end_mediation": State.INVESTIGATION,
    "settle": State.CLOSED,
    "submit_findings": State.DELIBERATION,
    "return_to_investigation": State.INVESTIGATION,
    "dismiss": State.CLOSED,
    "uphold": State.MONITORING,
    "close_monitoring": State.CLOSED,
    "reopen": State.SCREENING,
}
INVESTIGATOR_ACTIONS = {"start_mediation", "end_mediation", "settle", "submit_findings"}
REGISTERED = sorted(name for name, action in STAFF_ACTIONS.items() if action.method is not None)


def test_every_registered_transition_has_an_expectation_and_no_more():
    assert set(REGISTERED) == set(ALLOWED_FROM) == set(TARGET)


def test_the_models_declarations_match_the_design():
    declared: dict[str, set[str]] = {}
    for transition in Case().get_all_state_transitions():
        declared.setdefault(transition.name, set()).add(transition.source)
        assert transition.target == TARGET[transition.name], transition.name
    assert declared == ALLOWED_FROM


def _run(staff: Any, case: Case, action: str) -> Case:
    actor = staff.investigator if action in INVESTIGATOR_ACTIONS else staff.ombudsperson
    step = staff.step(case, actor, message="Reason given to the petitioner.", note="Internal.")
    extra: dict[str, Any] = {
        "accept": {"investigator": staff.investigator},
        "declare_inadmissible": {"reason": "outside_jurisdiction"},
        "transfer": {"body": "National Human Rights Commission", "reference": "NHRCK-2026-1"},
        "uphold": {
            "recommendations": [t.RecommendationDraft("city_office", "City Hall", "Apologise.")]
        },
    }.get(action, {})
    return t.case_act(case=case, step=step, action=action, **extra)


def _prepare(staff: Any, case: Case, action: str) -> None:
    """Meet the transition's conditions so that only the state decides."""
    staff.grant(case, staff.investigator)
    if action == "close_not_supplemented":
        Case.objects.filter(pk=case.pk).update(
            supplement_due=timezone.localdate() - timedelta(days=1)
        )
    if action == "close_monitoring" and case.state == State.MONITORING:
        case.recommendations.update(status="implemented")


@pytest.mark.parametrize("action", REGISTERED)
@pytest.mark.parametrize("state", State.values)
def test_transition_table(staff, state, action):
    case = staff.case_in(state)
    _prepare(staff, case, action)
    case.refresh_from_db()
    before, events = model_to_dict(case), case.events.count()
    if state in ALLOWED_FROM[action]:
        after = _run(staff, case, action)
        assert after.state == TARGET[action]
        assert after.version == before["version"] + 1
        event = case.events.latest("pk")
        assert (event.action, event.from_state, event.to_state) == (action, state, after.state)
    else:
        with pytest.raises(t.NotAllowed):
            _run(staff, case, action)
        case.refresh_from_db()
        assert model_to_dict(case) == before
        assert case.events.count() == events


def test_closing_transitions_record_their_outcome(staff):
    case = _run(staff, staff.case_in(State.SCREENING), "declare_inadmissible")
    assert (case.outcome, case.outcome_reason) == (Outcome.INADMISSIBLE, "outside_jurisdiction")
    assert case.closed_at is not None
    reopened = _run(staff, case, "reopen")
    assert (reopened.outcome, reopened.outcome_reason, reopened.closed_at) == ("", "", None)


def test_close_not_supplemented_waits_for_the_window(staff):
    case = staff.case_in(State.AWAITING_SUPPLEMENT)
    with pytest.raises(t.NotAllowed):
        _run(staff, case, "close_not_supplemented")
