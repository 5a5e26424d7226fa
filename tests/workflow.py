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
        s = self.step
        runs = {
            "start_screening": lambda: t.case_start_screening(case=case, step=s(case, self.intake)),
            "request_supplement": lambda: t.case_request_supplement(
                case=case, step=s(case, self.intake, message="Please send the date of the event.")
            ),
            "accept": lambda: t.case_accept(
                case=case, step=s(case, self.ombudsperson), investigator=self.investigator
            ),
            "start_mediation": lambda: t.case_start_mediation(
                case=case, step=s(case, self.investigator)
            ),
            "submit_findings": lambda: t.case_submit_findings(
                case=case, step=s(case, self.investigator, note="Findings: violation found.")
            ),
            "uphold": lambda: t.case_uphold(
                case=case,
                step=s(case, self.ombudsperson, message="Your complaint is upheld."),
                recommendations=[
                    t.RecommendationDraft("district_office", "Dong-gu Office", "Install a ramp.")
                ],
            ),
            "dismiss": lambda: t.case_dismiss(
                case=case, step=s(case, self.ombudsperson, message="No violation was found.")
            ),
        }
        return runs[action]()

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
