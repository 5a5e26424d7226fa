"""What a staff action changes beyond its django-fsm transition, named by the action registry
(`cases.actions`): each function takes the locked case, the step and the form's arguments, and
changes rows inside the service's transaction (`cases.transitions`); none saves the case.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases import access, attachments, clocks, followup, news
from cases.models import Attachment, Case, Recommendation, Recusal
from ombuds.models import User

WORK_PERMISSION = f"cases.{access.WORK_PERMISSION}"


@dataclass(frozen=True, kw_only=True)
class Step:
    """What a staff member submits with any action."""

    actor: User
    version: int
    message: str = ""  # for the petitioner, shown on the tracking page
    note: str = ""  # internal, staff only
    today: date = field(default_factory=timezone.localdate)
    # Files stored by the action, removed again if its transaction fails (cases.attachments).
    written: attachments.Written = field(default_factory=attachments.Written)


@dataclass(frozen=True)
class RecommendationDraft:
    agency_type: str
    agency_name: str
    text: str


def nothing(case: Case, step: Step, **recorded: Any) -> None:
    """The event is the whole action: a note, or a proposal (the event names the investigator)."""


def _hand_over(case: Case, previous: User | None, investigator: User) -> None:
    """The work permission follows the assignment: only the assigned investigator holds it."""
    if previous is not None and previous.pk != investigator.pk:
        remove_perm(WORK_PERMISSION, previous, case)
    assign_perm(WORK_PERMISSION, investigator, case)


def accept(case: Case, step: Step, *, investigator: User) -> None:
    previous = case.assigned_to  # a reopened case was someone's before
    case.accept(investigator=investigator)
    _hand_over(case, previous, investigator)


def assign(case: Case, step: Step, *, investigator: User) -> None:
    """Give the case to another investigator (the previous one loses access)."""
    previous = case.assigned_to
    case.assigned_to = investigator
    _hand_over(case, previous, investigator)


def uphold(case: Case, step: Step, *, recommendations: list[RecommendationDraft]) -> None:
    if not recommendations:
        raise ValueError("upholding a case needs at least one recommendation")
    case.uphold(today=step.today)
    plan_due = clocks.after_days(step.today, clocks.PLAN_DAYS)
    follow_up_due = clocks.after_days(step.today, clocks.FOLLOW_UP_DAYS)
    for draft in recommendations:
        Recommendation.objects.create(
            case=case, data_key=case.data_key, agency_type=draft.agency_type,
            agency_name=draft.agency_name, text=draft.text, plan_due=plan_due,
            follow_up_due=follow_up_due,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Documents:
    """Files for the case file, with what staff say of them (docs/design.md §8)."""

    files: list[tuple[UploadedFile, str]]  # each with its content type (cases.filetypes)
    kind: str  # Attachment.Kind
    dated: date
    petitioner_visible: bool = False


def add_documents(case: Case, step: Step, *, documents: Documents) -> None:
    """Seal the files into the case file; the service links them to the action's event."""
    filing = attachments.Filing(kind=documents.kind, dated=documents.dated, added_by=step.actor,
                                petitioner_visible=documents.petitioner_visible)  # fmt: skip
    for upload, content_type in documents.files:
        attachments.store(case=case, upload=upload, content_type=content_type,
                          source=Attachment.Source.STAFF, event=None, written=step.written,
                          filing=filing)  # fmt: skip


def request_reply(case: Case, step: Step, *, due: date) -> None:
    case.reply_due = due


def reply_received(
    case: Case, step: Step, *, received_on: date, letters: list[tuple[UploadedFile, str]]
) -> None:
    """The respondent answered: nothing is awaited any more, and the people working the case
    have news (cases.news). The summary is the step's note; the letters join the case file,
    staff only."""
    case.reply_due = None
    news.arrived(case)
    kind = Attachment.Kind.RESPONDENT_LETTER
    add_documents(case, step, documents=Documents(files=letters, kind=kind, dated=received_on))


def reminder_sent(case: Case, step: Step, *, new_due: date | None) -> None:
    """The respondent was reminded; with a new date, the reply is awaited by then."""
    if new_due is not None:
        case.reply_due = new_due


def extend(case: Case, step: Step, *, new_due: date) -> None:
    """Extend the processing deadline; the reason (step.message) is told to the petitioner."""
    case.due_date = new_due


def record_response(
    case: Case, step: Step, *, recommendation_id: int, response: str,
    plan_date: date | None = None, evidence_id: int | None = None,
) -> None:  # fmt: skip
    """Add the body's answer to the recommendation's history (cases.followup); the internal
    note is the answer's sealed note too."""
    recommendation = case.recommendations.get(pk=recommendation_id)
    evidence = case.attachments.get(pk=evidence_id) if evidence_id is not None else None
    answer = followup.Answer(kind=response, plan_date=plan_date, evidence=evidence)
    followup.record(case, recommendation=recommendation, answer=answer, actor=step.actor,
                    note=step.note, today=step.today)  # fmt: skip


def close_monitoring(case: Case, step: Step) -> None:
    """Close monitoring: every recommendation final, or the reason (the event's internal note,
    which the form then requires) says why not."""
    followup.check_closing(case, reason=step.note)
    case.close_monitoring()


def recuse(case: Case, step: Step) -> None:
    """Declare a conflict of interest: the staff member loses access to this case at once."""
    Recusal.objects.create(case=case, data_key=case.data_key, user=step.actor, reason=step.note)


def takes(function: Any) -> frozenset[str]:
    """The keyword-only arguments of a transition method or an effect."""
    parameters = inspect.signature(function).parameters.values()
    return frozenset(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)
