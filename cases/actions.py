"""The action registry: one declaration for each thing that happens in a case's life.

Every entry of a case's timeline (`CaseEvent.action`) is an `ActionName`, and each name has one
declaration here: its staff label, what the petitioner's timeline says of it (or nothing: staff
only) and the notification it queues for the petitioner (`notifications.events.Event`, with the
context it declares: `notice_context`). A staff
action adds who may take it (roles), when (its django-fsm transition on `Case`, whose `source`
and `conditions` decide; or, for an action that keeps the state, the states in which it makes
sense), its form, and what it changes beyond the transition (`cases.effects`).

Permissions (`may`), the case page's buttons (`available`), the services (`cases.transitions`),
both timelines and the tests read this module; a new action is a transition method on `Case`
plus one entry below (docs/design.md §2-§3). Names stored in `CaseEvent.action` never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from cases import access, effects, followup
from cases import staff_forms as f
from cases.action_names import ActionName
from cases.models import Case, State
from notifications.events import Event as Notice
from ombuds.roles import Role, roles_of

__all__ = ["EVENTS", "STAFF_ACTIONS", "ActionName", "Event", "StaffAction", "available", "may"]


@dataclass(frozen=True, kw_only=True)
class Event:
    """What every timeline entry declares."""

    name: ActionName
    label: Promise  # on the staff case page
    told: Promise | None = None  # on the petitioner's tracking page; None: staff only
    notice: Notice | None = None  # the petitioner's notification, queued with the event


@dataclass(frozen=True, kw_only=True)
class StaffAction(Event):
    roles: frozenset[str]
    form: type[f.ActionForm]
    method: Callable[..., None] | None = None  # the django-fsm transition on Case, if any
    states: frozenset[str] = frozenset()  # for an action that keeps the state
    effect: Callable[..., None] | None = None  # instead of calling `method` with the arguments
    condition: Callable[[Case], bool] | None = None  # beside `states`, for such an action
    decision: bool = False  # closes or decides the case: its button warns

    def __post_init__(self) -> None:
        if (self.method is None) == (not self.states):
            raise ValueError(f"{self.name}: declare a transition method or states, not both")
        if self.method is not None and self.method.__name__ != self.name:
            raise ValueError(f"{self.name}: the transition method must bear the action's name")
        if self.method is None and self.effect is None:
            raise ValueError(f"{self.name}: an action that keeps the state needs an effect")
        if self.form.message_required and not self.tells_petitioner:
            raise ValueError(f"{self.name}: a message nobody reads cannot be required")

    @property
    def tells_petitioner(self) -> bool:
        """Is the step on the petitioner's timeline, with the message staff write for it?"""
        return self.told is not None

    def bind(self, *args: Any, case: Case, **kwargs: Any) -> f.ActionForm:
        """The action's form: with a message to the petitioner only if the petitioner is told."""
        return self.form(*args, case=case, tells_petitioner=self.tells_petitioner, **kwargs)

    def possible(self, case: Case) -> bool:
        """Does the case's state (and the transition's conditions) allow this action now?"""
        if self.method is None:
            met = self.condition is None or self.condition(case)
            return case.state in self.states and met
        return bool(can_proceed(getattr(case, self.name)))

    def change(self, case: Case, step: effects.Step, arguments: dict[str, Any]) -> None:
        """Run the transition or the effect on the locked case, in memory (no save)."""
        if self.effect is not None:
            self.effect(case, step, **arguments)
            return
        method = getattr(case, self.name)
        if "today" in effects.takes(method):
            arguments = {**arguments, "today": step.today}
        method(**arguments)


INTAKE, INVESTIGATOR, HEAD = Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON
SCREENERS, ANYONE = frozenset({INTAKE, HEAD}), frozenset({INTAKE, INVESTIGATOR, HEAD})
HEAD_ONLY, INVESTIGATORS = frozenset({HEAD}), frozenset({INVESTIGATOR})
WORKERS = frozenset({INVESTIGATOR, HEAD})
OPEN = frozenset(State.values) - {State.CLOSED}
HAS_INVESTIGATOR = frozenset({State.INVESTIGATION, State.MEDIATION, State.DELIBERATION,
                              State.MONITORING})  # fmt: skip
# Where a respondent's reply is awaited and recorded: requested during the investigation or
# mediation, it may arrive once the findings went to the ombudsperson.
CORRESPONDING = frozenset({State.INVESTIGATION, State.MEDIATION, State.DELIBERATION})
N = Notice
A = ActionName

PETITIONER_STEPS = [
    Event(name=A.FILED, label=_("Complaint filed"), told=_("Complaint received"),
          notice=Notice.CASE_RECEIVED),
    Event(name=A.INFORMATION_ADDED, label=_("The petitioner added information"),
          told=_("You added information")),
    Event(name=A.WITHDRAWN, label=_("Withdrawn by the petitioner"),
          told=_("Complaint withdrawn"), notice=Notice.CASE_WITHDRAWN),
    Event(name=A.MAIL_UNDELIVERABLE,
          label=_("Mail to the petitioner could not be delivered (address refused or bounced)")),
]  # fmt: skip

STAFF_STEPS = [
    StaffAction(
        name=A.START_SCREENING, method=Case.start_screening, roles=SCREENERS, form=f.ActionForm,
        label=_("Acknowledge and start screening"), notice=N.CASE_ACKNOWLEDGED,
        told=_("We acknowledged your complaint and started reviewing it")),
    StaffAction(
        name=A.REQUEST_SUPPLEMENT, method=Case.request_supplement, roles=SCREENERS,
        form=f.SupplementForm, label=_("Ask the petitioner for more information"),
        told=_("We asked you for more information"), notice=N.SUPPLEMENT_REQUESTED),
    StaffAction(
        name=A.RESUME_SCREENING, method=Case.resume_screening, roles=SCREENERS,
        form=f.ActionForm, label=_("Information received: resume screening"),
        told=_("We resumed our review"), notice=N.SUPPLEMENT_RECEIVED),
    StaffAction(
        name=A.CLOSE_NOT_SUPPLEMENTED, method=Case.close_not_supplemented, roles=SCREENERS,
        form=f.MessageRequiredForm, label=_("Close: information not supplied"),
        told=_("Closed: the information we asked for did not arrive"),
        notice=N.CASE_NOT_SUPPLEMENTED, decision=True),
    StaffAction(
        name=A.PROPOSE_ASSIGNMENT, states=frozenset({State.SCREENING}), effect=effects.nothing,
        roles=frozenset({INTAKE}), form=f.InvestigatorForm, label=_("Propose an investigator")),
    StaffAction(
        name=A.ACCEPT, method=Case.accept, effect=effects.accept, roles=HEAD_ONLY,
        form=f.AcceptForm, label=_("Accept and assign an investigator"),
        told=_("Your complaint was accepted for investigation"), notice=N.CASE_ACCEPTED),
    StaffAction(
        name=A.DECLARE_INADMISSIBLE, method=Case.declare_inadmissible, roles=HEAD_ONLY,
        form=f.InadmissibleForm, label=_("Declare inadmissible"),
        told=_("Your complaint cannot be handled by this office"), notice=N.CASE_INADMISSIBLE,
        decision=True),
    StaffAction(
        name=A.TRANSFER, method=Case.transfer, roles=HEAD_ONLY, form=f.TransferForm,
        label=_("Transfer to a competent body"),
        told=_("Your complaint was sent to a body that can handle it"), notice=N.CASE_TRANSFERRED,
        decision=True),
    StaffAction(
        name=A.WITHDRAW, method=Case.withdraw, roles=ANYONE, form=f.NoteRequiredForm,
        label=_("Record withdrawal by the petitioner"), told=_("Complaint withdrawn"),
        notice=N.CASE_WITHDRAWN, decision=True),
    StaffAction(
        name=A.START_MEDIATION, method=Case.start_mediation, roles=INVESTIGATORS,
        form=f.ActionForm, label=_("Start mediation"), told=_("Mediation started"),
        notice=N.MEDIATION_STARTED),
    StaffAction(
        name=A.END_MEDIATION, method=Case.end_mediation, roles=INVESTIGATORS, form=f.ActionForm,
        label=_("End mediation without settlement"),
        told=_("Mediation ended; the investigation continues"), notice=N.MEDIATION_ENDED),
    StaffAction(
        name=A.SETTLE, method=Case.settle, roles=INVESTIGATORS, form=f.NoteRequiredForm,
        label=_("Record settlement"), told=_("A settlement was reached"), notice=N.CASE_SETTLED,
        decision=True),
    StaffAction(
        name=A.SUBMIT_FINDINGS, method=Case.submit_findings, roles=INVESTIGATORS,
        form=f.NoteRequiredForm, label=_("Submit findings to the ombudsperson"),
        told=_("The investigation is complete; the ombudsperson will decide"),
        notice=N.CASE_UPDATED),
    StaffAction(
        name=A.REQUEST_REPLY, states=frozenset({State.INVESTIGATION, State.MEDIATION}),
        effect=effects.request_reply, roles=WORKERS, form=f.ReplyForm,
        label=_("Request a reply from the respondent")),
    StaffAction(
        name=A.REPLY_RECEIVED, states=CORRESPONDING, condition=Case.reply_awaited,
        effect=effects.reply_received, roles=WORKERS, form=f.ReplyReceivedForm,
        label=_("Record the respondent's reply")),
    StaffAction(
        name=A.REMINDER_SENT, states=CORRESPONDING, condition=Case.reply_awaited,
        effect=effects.reminder_sent, roles=WORKERS, form=f.ReminderForm,
        label=_("Record a reminder sent to the respondent")),
    StaffAction(
        name=A.RETURN_TO_INVESTIGATION, method=Case.return_to_investigation, roles=HEAD_ONLY,
        form=f.NoteRequiredForm, label=_("Return for further investigation"),
        told=_("The investigation continues"), notice=N.CASE_UPDATED),
    StaffAction(
        name=A.DISMISS, method=Case.dismiss, roles=HEAD_ONLY, form=f.MessageRequiredForm,
        label=_("Dismiss: no violation found"), told=_("Decision: no violation was found"),
        notice=N.CASE_DISMISSED, decision=True),
    StaffAction(
        name=A.UPHOLD, method=Case.uphold, effect=effects.uphold, roles=HEAD_ONLY,
        form=f.UpholdForm, label=_("Uphold and issue recommendations"),
        told=_("Decision: your complaint is upheld and recommendations were issued"),
        notice=N.CASE_UPHELD, decision=True),
    StaffAction(
        name=A.RECORD_RESPONSE, states=frozenset({State.MONITORING}),
        effect=effects.record_response, roles=WORKERS, form=f.ResponseForm,
        label=_("Record a response to a recommendation")),
    StaffAction(
        name=A.CLOSE_MONITORING, method=Case.close_monitoring, effect=effects.close_monitoring,
        roles=HEAD_ONLY, form=f.CloseMonitoringForm, label=_("Close monitoring"),
        told=_("We finished following the recommendations; the case is closed"),
        notice=N.MONITORING_CLOSED, decision=True),
    StaffAction(
        name=A.REOPEN, method=Case.reopen, roles=HEAD_ONLY, form=f.NoteRequiredForm,
        label=_("Reopen the case"), told=_("Your case was reopened"), notice=N.CASE_REOPENED,
        decision=True),
    StaffAction(
        name=A.ASSIGN, states=HAS_INVESTIGATOR, effect=effects.assign, roles=HEAD_ONLY,
        form=f.InvestigatorForm, label=_("Reassign the investigator")),
    StaffAction(
        name=A.EXTEND, states=OPEN - {State.MONITORING}, effect=effects.extend, roles=HEAD_ONLY,
        form=f.ExtendForm, label=_("Extend the deadline"),
        told=_("The time to handle your complaint was extended"), notice=N.DEADLINE_EXTENDED),
    StaffAction(
        name=A.NOTE, states=frozenset(State.values), effect=effects.nothing, roles=ANYONE,
        form=f.NoteRequiredForm, label=_("Add an internal note")),
    StaffAction(
        name=A.ADD_DOCUMENT, states=frozenset(State.values), condition=Case.not_erased,
        effect=effects.add_documents, roles=ANYONE, form=f.DocumentForm,
        label=_("Add documents to the case file")),
    StaffAction(
        name=A.RECUSE, states=frozenset(State.values), effect=effects.recuse, roles=ANYONE,
        form=f.NoteRequiredForm, label=_("Declare a conflict of interest (recuse)")),
]  # fmt: skip

STAFF_ACTIONS: dict[str, StaffAction] = {action.name: action for action in STAFF_STEPS}
EVENTS: dict[str, Event] = {event.name: event for event in [*PETITIONER_STEPS, *STAFF_STEPS]}
if undeclared := set(ActionName) ^ set(EVENTS):
    raise RuntimeError(f"actions without exactly one declaration: {sorted(undeclared)}")


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _monitoring_closed(case: Case) -> dict[str, Any]:
    """Counts only: how many were implemented, partly, refused or still open at closure."""
    return followup.tally(case).context()


# What each notification says besides the reference (notifications.events.CONTEXT), read from
# the case once the action has changed it.
NOTICE_CONTEXT: dict[str, Callable[[Case], dict[str, Any]]] = {
    N.SUPPLEMENT_REQUESTED: lambda case: {"due": _iso(case.supplement_due)},
    N.CASE_INADMISSIBLE: lambda case: {"ground": case.outcome_reason},
    N.CASE_TRANSFERRED: lambda case: {
        "body": case.transferred_to,
        "body_reference": case.transfer_reference,
    },
    N.CASE_UPHELD: lambda case: {"recommendations": case.recommendations.count()},
    N.DEADLINE_EXTENDED: lambda case: {"due": _iso(case.due_date)},
    N.MONITORING_CLOSED: _monitoring_closed,
}


def notice_context(notice: str, case: Case) -> dict[str, Any]:
    """The context of the petitioner's notification `notice` about `case`."""
    extra = NOTICE_CONTEXT.get(notice)
    return {"reference": case.reference, **(extra(case) if extra else {})}


def may(user: Any, name: str, case: Case) -> bool:
    """May `user` take the staff action `name` on `case` now: they see the case, their role may
    take it, the state allows it, and an investigator acts only on a case assigned to them."""
    action = STAFF_ACTIONS[name]
    if not access.can_view(user, case) or not action.possible(case):
        return False
    roles = roles_of(user) & action.roles
    if roles == {INVESTIGATOR}:
        return access.is_assigned(user, case)
    return bool(roles)


def available(user: Any, case: Case) -> list[StaffAction]:
    return [action for action in STAFF_STEPS if may(user, action.name, case)]


def staff_label(name: str) -> Promise | str:
    """The staff-facing name of a timeline entry."""
    event = EVENTS.get(name)
    return event.label if event else name


def petitioner_label(name: str) -> Promise:
    """What the petitioner's timeline calls an entry."""
    event = EVENTS.get(name)
    return event.told if event and event.told else _("Case updated")
