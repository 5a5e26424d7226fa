"""Staff actions on a case: one service for every action the registry declares (cases.actions).

`case_act` runs in one durable transaction, in order: lock the row → check the version the staff
member saw (optimistic locking: the loser of a race gets `CaseChanged`, never a lost update) →
check the permission → run the django-fsm transition or the action's effect → save → write the
`CaseEvent` → queue the petitioner's notification the action declares. Mail leaves only after the
commit (notifications outbox). Files an action stores (the case file's documents) are linked to
its event, and removed again when the transaction fails (`cases.attachments.Written`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases import alerts
from cases.actions import STAFF_ACTIONS, StaffAction, may, notice_context
from cases.effects import RecommendationDraft, Step
from cases.models import Attachment, Case, CaseEvent
from cases.services import _locked, petitioner_email
from notifications.services import notify

__all__ = ["CaseChanged", "NotAllowed", "RecommendationDraft", "Step", "case_act"]

# Coded fields a transition may change; sealed fields are never rewritten by a transition.
WORKFLOW_FIELDS = [
    "state", "outcome", "outcome_reason", "closed_at", "version", "assigned_to",
    "transferred_to", "transfer_reference", "acknowledged_at", "due_date", "paused_since",
    "supplement_due", "reply_due", "decided_at", "follow_up_due", "news_since",
]  # fmt: skip


class CaseChanged(Exception):  # noqa: N818 - an outcome the user sees
    """Someone changed the case after this staff member loaded it."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class NotAllowed(Exception):  # noqa: N818
    """This user may not take this action on the case in its current state."""


def _record(case: Case, step: Step, action: StaffAction, arguments: dict[str, Any]) -> CaseEvent:
    public = action.told is not None
    reason_code, investigator = arguments.get("reason", ""), arguments.get("investigator")
    event = CaseEvent.objects.create(
        case=case,
        data_key=case.data_key,
        actor=step.actor,
        actor_kind=CaseEvent.Actor.STAFF,
        action=action.name,
        from_state=arguments["from_state"],
        to_state=case.state,
        version=case.version,
        reason_code=reason_code,
        investigator=investigator,
        occurred_on=arguments.get("received_on"),
        public=public,
        message=step.message if public else "",
        internal_note=step.note,
    )
    if action.notice is not None:
        notify(
            action.notice,
            to=petitioner_email(case),
            language=case.language,
            context=notice_context(action.notice, case),
            data_key=case.data_key,
        )
    return event


def case_act(*, case: Case, step: Step, action: str, **arguments: Any) -> Case:
    """Take the staff action `action` on `case` with the arguments its form gives (`extra()`).

    A `reason` argument (a coded ground) is also the event's reason code, an `investigator`
    argument the investigator the event names, and a `received_on` argument the event's date.
    """
    declared = STAFF_ACTIONS[action]
    try:
        with transaction.atomic(durable=True):
            current = _locked(case)
            if current.version != step.version:
                raise CaseChanged(current)
            if not may(step.actor, action, current):
                raise NotAllowed(action)
            from_state = current.state
            declared.change(current, step, arguments)
            current.version += 1
            current.save(update_fields=WORKFLOW_FIELDS)
            event = _record(current, step, declared, {**arguments, "from_state": from_state})
            alerts.after_action(current, action, actor=step.actor)
            if step.written.names:
                stored = Attachment.objects.filter(storage_name__in=step.written.names)
                stored.update(event=event)
    except BaseException:
        step.written.discard_uncommitted()
        raise
    return current
