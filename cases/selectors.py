"""Reads for pages: each returns exactly what one page shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cases import receipts
from cases.action_names import ActionName
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseTag,
    Person,
    Recommendation,
    RecommendationResponse,
    RespondentBody,
    Right,
    State,
    VulnerableGroup,
)

# Stands in for a missing case so that an unknown reference costs the same hash as a wrong key.
_NO_CASE_HASH = "0" * 64


def case_by_receipt(reference: str, access_key: str) -> Case | None:
    """The case these receipt details open, or None. Unknown reference and wrong key look alike."""
    case = (
        Case.objects.select_related("data_key").filter(reference=reference).first()
        if reference
        else None
    )
    stored, key_id = (case.access_key_hash, case.access_key_id) if case else (_NO_CASE_HASH, "")
    matches = receipts.access_key_matches(stored, key_id, reference, access_key)
    return case if case and matches and access_key else None


def tracked_case(case_id: int) -> Case | None:
    return Case.objects.select_related("data_key").filter(pk=case_id).first()


def public_timeline(case: Case) -> QuerySet[CaseEvent]:
    return (
        case.events.filter(public=True)
        .select_related("data_key")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("data_key"))
        )
        .order_by("created_at", "pk")
    )


def petitioner_attachments(case: Case) -> QuerySet[Attachment]:
    return case.attachments.filter(source=Attachment.Source.PETITIONER).select_related("data_key")


def petitioner_documents(case: Case) -> QuerySet[Attachment]:
    """The documents of the case file staff marked for the petitioner: no other file of the
    case file ever reaches the tracking page."""
    visible = case.attachments.filter(
        source=Attachment.Source.STAFF, petitioner_visible=True
    ).exclude(kind="")
    return visible.select_related("data_key").order_by("document_date", "uploaded_at", "pk")


@dataclass(frozen=True)
class Correspondence:
    """The respondent's reply as the case stands: asked when, due when, reminders since."""

    requested: CaseEvent | None  # the latest request
    reminders: list[CaseEvent]  # since that request
    replies: list[CaseEvent]  # every reply received, oldest first
    awaited: bool  # a reply is outstanding (Case.reply_awaited)
    overdue: bool  # ...and its date has passed


def _correspondence(case: Case, events: list[CaseEvent]) -> Correspondence | None:
    """From the timeline already read: no query. None when nothing was ever asked."""
    asked = [i for i, e in enumerate(events) if e.action == ActionName.REQUEST_REPLY]
    if not asked:
        return None
    since = events[asked[-1] + 1 :]
    return Correspondence(
        requested=events[asked[-1]],
        reminders=[e for e in since if e.action == ActionName.REMINDER_SENT],
        replies=[e for e in events if e.action == ActionName.REPLY_RECEIVED],
        awaited=case.reply_awaited(),
        overdue=bool(case.reply_due and case.reply_due < timezone.localdate()),
    )


@dataclass(frozen=True)
class StaffCasePage:
    case: Case
    people: list[Person]
    rights: list[Any]  # translated labels
    groups: list[Any]
    events: list[CaseEvent]
    attachments: list[Attachment]  # evidence (no document type)
    recommendations: list[Recommendation]
    respondent_body: RespondentBody | None  # the office's coding (one query, coded or not)
    supplement: CaseEvent | None = None  # what the petitioner sent since they were asked
    documents: list[Attachment] | None = None  # the case file (cases.effects.add_documents)
    correspondence: Correspondence | None = None  # with the respondent

    @property
    def supplement_arrived(self) -> bool:
        return self.supplement is not None


def _supplement(case: Case, events: list[CaseEvent]) -> CaseEvent | None:
    """While awaiting a supplement: the petitioner's first addition since it was asked for."""
    if case.state != State.AWAITING_SUPPLEMENT:
        return None
    asked = [i for i, e in enumerate(events) if e.action == ActionName.REQUEST_SUPPLEMENT]
    after = events[asked[-1] + 1 :] if asked else []
    return next((e for e in after if e.action == ActionName.INFORMATION_ADDED), None)


# A recommendation's responses, oldest first, with what each names (cases.followup).
_HISTORY = RecommendationResponse.objects.select_related(
    "data_key", "recorded_by", "evidence", "evidence__data_key"
).order_by("recorded_at", "pk")


def staff_case_page(case: Case) -> StaffCasePage:
    """Everything the staff case page shows, in a fixed number of queries."""
    tags = list(case.tags.values_list("kind", "code"))
    events = list(
        case.events.select_related("data_key", "actor", "investigator").order_by("created_at", "pk")
    )
    files = list(
        case.attachments.select_related("data_key", "added_by").order_by("uploaded_at", "pk")
    )
    return StaffCasePage(
        case=case,
        people=list(case.people.select_related("data_key").order_by("pk")),
        rights=[Right(code).label for kind, code in tags if kind == CaseTag.Kind.RIGHT],
        groups=[VulnerableGroup(code).label for kind, code in tags if kind == CaseTag.Kind.GROUP],
        events=events,
        attachments=[file for file in files if not file.kind],
        documents=sorted((f for f in files if f.kind), key=lambda f: (f.document_date, f.pk)),
        recommendations=list(
            case.recommendations.select_related("data_key")
            .prefetch_related(Prefetch("responses", queryset=_HISTORY))
            .order_by("pk")
        ),
        # filter(), not get(): one query, coded or not
        respondent_body=RespondentBody.objects.filter(id=case.respondent_body_id).first(),  # type: ignore[misc]
        supplement=_supplement(case, events),
        correspondence=_correspondence(case, events),
    )


def petitioner_email_index(case: Case) -> str:
    """The blind index of the petitioner's email address ('' when they gave none)."""
    found = case.people.filter(role=Person.Role.PETITIONER).values_list("email_index", flat=True)
    return next(iter(found), "")
