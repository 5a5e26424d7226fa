"""Staff actions on a case: one service per action, all through one mechanism.

Each runs in one durable transaction, in order: lock the row → check the version the staff member
saw (optimistic locking: the loser of a race gets `CaseChanged`, never a lost update) → check the
permission → run the django-fsm transition → save → write the `CaseEvent` → queue the
petitioner's notification. Mail leaves only after the commit (notifications outbox).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm
from guardian.shortcuts import assign_perm, remove_perm

from cases import access, clocks
from cases.models import Case, CaseEvent, Recommendation, Recusal
from cases.services import _locked, petitioner_email
from notifications.services import notify
from ombuds.models import User

# Coded fields a transition may change; sealed fields are never rewritten by a transition.
WORKFLOW_FIELDS = [
    "state", "outcome", "outcome_reason", "closed_at", "version", "assigned_to",
    "transferred_to", "transfer_reference", "acknowledged_at", "due_date", "paused_since",
    "supplement_due", "reply_due", "decided_at", "follow_up_due",
]  # fmt: skip


class CaseChanged(Exception):  # noqa: N818 - an outcome the user sees
    """Someone changed the case after this staff member loaded it."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class NotAllowed(Exception):  # noqa: N818
    """This user may not take this action on the case in its current state."""


@dataclass(frozen=True, kw_only=True)
class Step:
    """What a staff member submits with any action."""

    actor: User
    version: int
    message: str = ""  # for the petitioner, shown on the tracking page
    note: str = ""  # internal, staff only
    today: date = field(default_factory=timezone.localdate)


def _record(
    case: Case, step: Step, *, action: str, from_state: str, public: bool, reason_code: str = ""
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        data_key=case.data_key,
        actor=step.actor,
        actor_kind=CaseEvent.Actor.STAFF,
        action=action,
        from_state=from_state,
        to_state=case.state,
        version=case.version,
        reason_code=reason_code,
        public=public,
        message=step.message if public else "",
        internal_note=step.note,
    )
    if public:
        notify(
            "case_updated",
            to=petitioner_email(case),
            language=case.language,
            context={"reference": case.reference},
            data_key=case.data_key,
        )
    return event


def _act(
    case: Case,
    step: Step,
    *,
    action: str,
    change: Callable[[Case], Any],
    transition: bool = True,
    public: bool = True,
    reason_code: str = "",
) -> Case:
    with transaction.atomic(durable=True):
        current = _locked(case)
        if current.version != step.version:
            raise CaseChanged(current)
        allowed = (
            has_transition_perm(getattr(current, action), step.actor)
            if transition
            else access.may(step.actor, action, current)
        )
        if not allowed:
            raise NotAllowed(action)
        from_state = current.state
        change(current)
        current.version += 1
        current.save(update_fields=WORKFLOW_FIELDS)
        _record(
            current, step, action=action, from_state=from_state, public=public,
            reason_code=reason_code,
        )  # fmt: skip
    return current


# Transitions --------------------------------------------------------------------------------


def case_start_screening(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="start_screening", change=lambda c: c.start_screening())


def case_request_supplement(*, case: Case, step: Step) -> Case:
    change = lambda c: c.request_supplement(today=step.today)  # noqa: E731
    return _act(case, step, action="request_supplement", change=change)


def case_resume_screening(*, case: Case, step: Step) -> Case:
    change = lambda c: c.resume_screening(today=step.today)  # noqa: E731
    return _act(case, step, action="resume_screening", change=change)


def case_close_not_supplemented(*, case: Case, step: Step) -> Case:
    change = lambda c: c.close_not_supplemented()  # noqa: E731
    return _act(case, step, action="close_not_supplemented", change=change)


def case_accept(*, case: Case, step: Step, investigator: User) -> Case:
    def change(current: Case) -> None:
        previous = current.assigned_to  # a reopened case was someone's before
        current.accept(investigator=investigator)
        _hand_over(current, previous, investigator)

    return _act(case, step, action="accept", change=change)


def _hand_over(case: Case, previous: User | None, investigator: User) -> None:
    """The work permission follows the assignment: only the assigned investigator holds it."""
    if previous is not None and previous.pk != investigator.pk:
        remove_perm(f"cases.{access.WORK_PERMISSION}", previous, case)
    assign_perm(f"cases.{access.WORK_PERMISSION}", investigator, case)


def case_declare_inadmissible(*, case: Case, step: Step, reason: str) -> Case:
    change = lambda c: c.declare_inadmissible(reason=reason)  # noqa: E731
    return _act(case, step, action="declare_inadmissible", change=change, reason_code=reason)


def case_transfer(*, case: Case, step: Step, body: str, reference: str) -> Case:
    change = lambda c: c.transfer(body=body, reference=reference)  # noqa: E731
    return _act(case, step, action="transfer", change=change)


def case_withdraw(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="withdraw", change=lambda c: c.withdraw())


def case_start_mediation(*, case: Case, step: Step) -> Case:
    change = lambda c: c.start_mediation(today=step.today)  # noqa: E731
    return _act(case, step, action="start_mediation", change=change)


def case_end_mediation(*, case: Case, step: Step) -> Case:
    change = lambda c: c.end_mediation(today=step.today)  # noqa: E731
    return _act(case, step, action="end_mediation", change=change)


def case_settle(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="settle", change=lambda c: c.settle())


def case_submit_findings(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="submit_findings", change=lambda c: c.submit_findings())


def case_return_to_investigation(*, case: Case, step: Step) -> Case:
    change = lambda c: c.return_to_investigation()  # noqa: E731
    return _act(case, step, action="return_to_investigation", change=change)


def case_dismiss(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="dismiss", change=lambda c: c.dismiss(today=step.today))


@dataclass(frozen=True)
class RecommendationDraft:
    agency_type: str
    agency_name: str
    text: str


def case_uphold(*, case: Case, step: Step, recommendations: list[RecommendationDraft]) -> Case:
    if not recommendations:
        raise ValueError("upholding a case needs at least one recommendation")

    def change(current: Case) -> None:
        current.uphold(today=step.today)
        plan_due = clocks.after_days(step.today, clocks.PLAN_DAYS)
        for draft in recommendations:
            Recommendation.objects.create(
                case=current, data_key=current.data_key, agency_type=draft.agency_type,
                agency_name=draft.agency_name, text=draft.text, plan_due=plan_due,
            )  # fmt: skip

    return _act(case, step, action="uphold", change=change)


def case_close_monitoring(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="close_monitoring", change=lambda c: c.close_monitoring())


def case_reopen(*, case: Case, step: Step) -> Case:
    return _act(case, step, action="reopen", change=lambda c: c.reopen(today=step.today))


# Actions that leave the state as it is -------------------------------------------------------


def case_assign(*, case: Case, step: Step, investigator: User) -> Case:
    """Give the case to another investigator (the previous one loses access)."""

    def change(current: Case) -> None:
        previous = current.assigned_to
        current.assigned_to = investigator
        _hand_over(current, previous, investigator)

    return _act(case, step, action="assign", change=change, transition=False, public=False)


def case_propose_assignment(*, case: Case, step: Step) -> Case:
    change = lambda c: None  # noqa: E731 - the proposal is the internal note
    return _act(case, step, action="propose_assignment", change=change, transition=False,
                public=False)  # fmt: skip


def case_add_note(*, case: Case, step: Step) -> Case:
    change = lambda c: None  # noqa: E731 - the note is the event
    return _act(case, step, action="note", change=change, transition=False, public=False)


def case_request_reply(*, case: Case, step: Step, due: date) -> Case:
    def change(current: Case) -> None:
        current.reply_due = due

    return _act(case, step, action="request_reply", change=change, transition=False,
                public=False)  # fmt: skip


def case_extend(*, case: Case, step: Step, new_due: date) -> Case:
    """Extend the processing deadline; the reason (step.message) is told to the petitioner."""

    def change(current: Case) -> None:
        current.due_date = new_due

    return _act(case, step, action="extend", change=change, transition=False)


def case_record_response(*, case: Case, step: Step, recommendation_id: int, response: str) -> Case:
    def change(current: Case) -> None:
        recommendation = current.recommendations.select_related("data_key").get(
            pk=recommendation_id
        )
        recommendation.response = response
        recommendation.response_note = step.note
        recommendation.responded_at = timezone.now()
        recommendation.save(update_fields=["response", "response_note", "responded_at"])

    return _act(case, step, action="record_response", change=change, transition=False,
                public=False)  # fmt: skip


def case_recuse(*, case: Case, step: Step) -> Case:
    """Declare a conflict of interest: the staff member loses access to this case at once."""

    def change(current: Case) -> None:
        Recusal.objects.create(
            case=current, data_key=current.data_key, user=step.actor, reason=step.note
        )

    return _act(case, step, action="recuse", change=change, transition=False, public=False)
