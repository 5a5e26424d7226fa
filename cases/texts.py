"""What petitioners read about their case: plain-language states, timeline entries, and how
it ended (where it was sent, or why it could not be handled)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import actions, followup
from cases.models import Case, InadmissibleReason, Outcome, State

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


# Why a complaint could not be handled, in plain words for the petitioner (InadmissibleReason).
PUBLIC_GROUND: dict[str, Promise] = {
    InadmissibleReason.OUTSIDE_JURISDICTION: _(
        "This office may only examine complaints about the city's own services and the bodies"
        " working for it, and your complaint concerns a matter outside them."
    ),
    InadmissibleReason.OVER_ONE_YEAR: _(
        "The events happened more than a year before your complaint, and we did not find a"
        " reason that would allow us to examine them now."
    ),
    InadmissibleReason.BEFORE_COURT: _(
        "The same matter is before a court or another body that decides on it, so we cannot"
        " examine it at the same time."
    ),
    InadmissibleReason.ALREADY_DECIDED: _(
        "The same matter has already been decided by a court, by this office or by another"
        " competent body."
    ),
    InadmissibleReason.NO_CONSENT: _(
        "The person affected by the events did not agree to us examining the complaint."
    ),
    InadmissibleReason.UNFOUNDED: _(
        "What the complaint describes does not show, on its face, a possible violation of"
        " human rights."
    ),
}


def outcome_detail(case: Case) -> str:
    """What the petitioner needs to know about how their case ended, beyond the outcome."""
    if case.outcome == Outcome.TRANSFERRED and case.transferred_to:
        detail = {"body": case.transferred_to, "reference": case.transfer_reference}
        return (
            gettext(
                "We sent your complaint to %(body)s, which can handle it (their reference:"
                " %(reference)s). Please contact them about it from now on."
            )
            % detail
        )
    if case.outcome == Outcome.INADMISSIBLE and case.outcome_reason in PUBLIC_GROUND:
        return str(PUBLIC_GROUND[case.outcome_reason])
    return ""


def recommendations(case: Case) -> followup.Tally | None:
    """How the recommendations issued on an upheld case stand (counts only, never their text
    or the bodies' names): the tracking page says them in plain words. None when none."""
    if case.outcome != Outcome.UPHELD:
        return None
    found = followup.tally(case)
    return found if found.total else None


def event_label(action: str) -> Promise:
    """What the petitioner's timeline calls an entry (declared with the action: cases.actions)."""
    return actions.petitioner_label(action)
