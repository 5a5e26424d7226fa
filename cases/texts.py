"""What petitioners read about their case: plain-language states and timeline entries."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import actions
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


def event_label(action: str) -> Promise:
    """What the petitioner's timeline calls an entry (declared with the action: cases.actions)."""
    return actions.petitioner_label(action)
