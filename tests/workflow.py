"""Bring a case to any state through the real services, as staff would."""

from __future__ import annotations

from typing import Any

from guardian.shortcuts import assign_perm

from cases import transitions as t
from cases.models import Case, State
from tests import factories

PATHS: dict[str, list[str]] = {
    State.RECEIVED: [],
    State.SCREENING: ["start_screening"],
    State.AWAITING_SUPPLEMENT: ["start_screening", "request_supplement"],
    State.INVESTIGATION: ["start_screening", "accept"],
    State.MEDIATION: ["start_screening", "accept", "start_mediation"],
    State.DELIBERATION: ["start_screening", "accept", "submit_findings"],
    State.MONITORING: ["start_screening", "accept", "submit_findings", "uphold"],
    State.CLOSED: ["start_screening", "accept", "submit_findings", "dismiss"],
}


class Staff:
    """The three personas who move a case along."""

    def __init__(self, *, intake: Any, investigator: Any, ombudsperson: Any) -> None:
        self.intake, self.investigator, self.ombudsperson = intake, investigator, ombudsperson

    def step(self, case: Case, actor: Any, **kwargs: Any) -> t.Step:
        case.refresh_from_db()
        return t.Step(actor=actor, version=case.version, **kwargs)

    def advance(self, case: Case, action: str) -> Case:
        """Take `action` through the service, as the persona whose work it is."""
        actor, step, arguments = self.ombudsperson, {}, {}
        if action in {"start_screening", "request_supplement"}:
            actor = self.intake
        elif action in {"start_mediation", "submit_findings"}:
            actor = self.investigator
        if action == "request_supplement":
            step = {"message": "Please send the date of the event."}
        elif action == "submit_findings":
            step = {"note": "Findings: violation found."}
        elif action == "accept":
            arguments = {"investigator": self.investigator}
        elif action == "uphold":
            step = {"message": "Your complaint is upheld."}
            arguments = {"recommendations": [
                t.RecommendationDraft("district_office", "Dong-gu Office", "Install a ramp.")
            ]}  # fmt: skip
        elif action == "dismiss":
            step = {"message": "No violation was found."}
        return t.case_act(case=case, step=self.step(case, actor, **step), action=action,
                          **arguments)  # fmt: skip

    def case_in(self, state: str, **complaint: Any) -> Case:
        case = factories.file_case(**complaint).case
        for action in PATHS[state]:
            case = self.advance(case, action)
        case.refresh_from_db()
        assert case.state == state
        return case

    def grant(self, case: Case, user: Any) -> None:
        """Give an investigator access to a case without a transition (for state tables)."""
        assign_perm("cases.work_on_case", user, case)
