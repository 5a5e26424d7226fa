"""The staff actions a case page offers: label, form and service for each (cases.access decides
who may take which, django-fsm which state allows it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm

from cases import access
from cases import staff_forms as f
from cases import transitions as t
from cases.models import Case


@dataclass(frozen=True)
class Action:
    label: Promise
    form: type[f.ActionForm]
    perform: Callable[..., Case]
    decision: bool = False


ACTIONS: dict[str, Action] = {
    "start_screening": Action(_("Acknowledge and start screening"), f.ActionForm,
                              t.case_start_screening),
    "request_supplement": Action(_("Ask the petitioner for more information"), f.SupplementForm,
                                 t.case_request_supplement),
    "resume_screening": Action(_("Information received: resume screening"), f.ActionForm,
                               t.case_resume_screening),
    "close_not_supplemented": Action(_("Close: information not supplied"), f.MessageRequiredForm,
                                     t.case_close_not_supplemented, decision=True),
    "propose_assignment": Action(_("Propose an investigator"), f.ProposeForm,
                                 t.case_propose_assignment),
    "accept": Action(_("Accept and assign an investigator"), f.InvestigatorForm, t.case_accept),
    "declare_inadmissible": Action(_("Declare inadmissible"), f.InadmissibleForm,
                                   t.case_declare_inadmissible, decision=True),
    "transfer": Action(_("Transfer to a competent body"), f.TransferForm, t.case_transfer,
                       decision=True),
    "withdraw": Action(_("Record withdrawal by the petitioner"), f.NoteRequiredForm,
                       t.case_withdraw, decision=True),
    "start_mediation": Action(_("Start mediation"), f.ActionForm, t.case_start_mediation),
    "end_mediation": Action(_("End mediation without settlement"), f.ActionForm,
                            t.case_end_mediation),
    "settle": Action(_("Record settlement"), f.NoteRequiredForm, t.case_settle, decision=True),
    "submit_findings": Action(_("Submit findings to the ombudsperson"), f.NoteRequiredForm,
                              t.case_submit_findings),
    "request_reply": Action(_("Request a reply from the respondent"), f.ReplyForm,
                            t.case_request_reply),
    "return_to_investigation": Action(_("Return for further investigation"), f.NoteRequiredForm,
                                      t.case_return_to_investigation),
    "dismiss": Action(_("Dismiss: no violation found"), f.MessageRequiredForm, t.case_dismiss,
                      decision=True),
    "uphold": Action(_("Uphold and issue recommendations"), f.UpholdForm, t.case_uphold,
                     decision=True),
    "record_response": Action(_("Record a response to a recommendation"), f.ResponseForm,
                              t.case_record_response),
    "close_monitoring": Action(_("Close monitoring"), f.ActionForm, t.case_close_monitoring,
                               decision=True),
    "reopen": Action(_("Reopen the case"), f.NoteRequiredForm, t.case_reopen, decision=True),
    "assign": Action(_("Reassign the investigator"), f.InvestigatorForm, t.case_assign),
    "extend": Action(_("Extend the deadline"), f.ExtendForm, t.case_extend),
    "note": Action(_("Add an internal note"), f.NoteRequiredForm, t.case_add_note),
    "recuse": Action(_("Declare a conflict of interest (recuse)"), f.NoteRequiredForm,
                     t.case_recuse),
}  # fmt: skip


def allowed_now(user: Any, action: str, case: Case) -> bool:
    """May `user` take `action` on `case` in its current state?"""
    if action in access.TRANSITIONS:
        return bool(has_transition_perm(getattr(case, action), user))
    return access.may(user, action, case)


def available(user: Any, case: Case) -> list[tuple[str, Action]]:
    return [(name, a) for name, a in ACTIONS.items() if allowed_now(user, name, case)]


PETITIONER_EVENTS: dict[str, Promise] = {
    "filed": _("Complaint filed"),
    "information_added": _("The petitioner added information"),
    "withdrawn": _("Withdrawn by the petitioner"),
}


def event_label(action: str) -> Promise | str:
    """The staff-facing name of a timeline entry."""
    if action in ACTIONS:
        return ACTIONS[action].label
    return PETITIONER_EVENTS.get(action, action)
