"""What petitioners read about their case: plain-language states and timeline entries."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import State

PUBLIC_STATE: dict[str, Promise] = {
    State.RECEIVED: _("Received: we have your complaint and will look at it soon."),
    State.SCREENING: _("Under review: we are checking whether we can handle your complaint."),
    State.AWAITING_SUPPLEMENT: _("Waiting for you: we need more information from you."),
    State.INVESTIGATION: _("Under investigation: we are looking into what happened."),
    State.MEDIATION: _("Mediation: we are helping both sides reach an agreement."),
    State.DELIBERATION: _("Decision pending: the ombudsperson is deciding on your complaint."),
    State.MONITORING: _("Recommendations issued: we are following how they are put into practice."),
    State.CLOSED: _("Closed."),
}

EVENT_LABEL: dict[str, Promise] = {
    "filed": _("Complaint received"),
    "information_added": _("You added information"),
    "withdrawn": _("Complaint withdrawn"),
    "start_screening": _("We acknowledged your complaint and started reviewing it"),
    "request_supplement": _("We asked you for more information"),
    "resume_screening": _("We resumed our review"),
    "close_not_supplemented": _("Closed: the information we asked for did not arrive"),
    "accept": _("Your complaint was accepted for investigation"),
    "declare_inadmissible": _("Your complaint cannot be handled by this office"),
    "transfer": _("Your complaint was sent to a body that can handle it"),
    "withdraw": _("Complaint withdrawn"),
    "start_mediation": _("Mediation started"),
    "end_mediation": _("Mediation ended; the investigation continues"),
    "settle": _("A settlement was reached"),
    "submit_findings": _("The investigation is complete; the ombudsperson will decide"),
    "return_to_investigation": _("The investigation continues"),
    "dismiss": _("Decision: no violation was found"),
    "uphold": _("Decision: your complaint is upheld and recommendations were issued"),
    "close_monitoring": _("Every recommendation has been answered; the case is closed"),
    "reopen": _("Your case was reopened"),
    "extend": _("The time to handle your complaint was extended"),
}


def event_label(action: str) -> Promise | str:
    return EVENT_LABEL.get(action, _("Case updated"))
