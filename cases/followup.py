"""Following up recommendations (docs/design.md §2, "Recommendations followed up").

Each answer of a body is a `RecommendationResponse` row, never an overwrite. A recommendation's
`status` is the kind of its latest answer; its `follow_up_due` is when the office checks on it
next: 60 days after the decision, then 60 days after each answer that is not final (accepted,
accepted in part, a plan received), none once it is final (implemented or refused). Its plan
deadline (`plan_due`, 90 days after the decision) runs until a plan or a final answer arrives.
While the case is monitored, `Case.follow_up_due` is the nearest of these deadlines over its
recommendations: the "recommendations due" queue (cases.queues) lists cases by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases import clocks
from cases.models import Attachment, Case, Recommendation, RecommendationResponse

Kind = Recommendation.Response
ACCEPTING = (Kind.ACCEPTED, Kind.PARTIALLY_ACCEPTED)


class Unfinished(Exception):  # noqa: N818 - an outcome the staff member sees
    """Monitoring would close while a recommendation has no final status, and no reason."""


def next_deadline(recommendation: Recommendation) -> date | None:
    """The nearest date the office must act on this recommendation (None once final)."""
    if recommendation.is_final:
        return None
    due = [recommendation.follow_up_due]
    if recommendation.awaits_plan:
        due.append(recommendation.plan_due)
    return min((day for day in due if day is not None), default=None)


def nearest(recommendations: Iterable[Recommendation]) -> date | None:
    found = [day for r in recommendations if (day := next_deadline(r)) is not None]
    return min(found, default=None)


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What staff record of a body's answer (the form's arguments)."""

    kind: str
    plan_date: date | None = None
    evidence: Attachment | None = None


def record(case: Case, *, recommendation: Recommendation, answer: Answer, actor: Any,
           note: str, today: date) -> RecommendationResponse:  # fmt: skip
    """Add an answer to the history and derive the recommendation's status and follow-up, and
    the case's nearest deadline, from it. Inside the caller's transaction, on the locked case."""
    if answer.kind not in Kind.values:
        raise ValueError(f"no such response: {answer.kind!r}")
    if answer.evidence is not None and answer.evidence.case_id != case.pk:
        raise ValueError("the evidence must be a file of the same case")
    row = RecommendationResponse.objects.create(
        case=case, recommendation=recommendation, data_key=case.data_key, kind=answer.kind,
        plan_date=answer.plan_date if answer.kind == Kind.PLAN_RECEIVED else None,
        evidence=answer.evidence if answer.kind == Kind.IMPLEMENTED else None,
        note=note, recorded_by=actor,
    )  # fmt: skip
    recommendation.status = answer.kind
    recommendation.follow_up_due = (
        None if recommendation.is_final else clocks.after_days(today, clocks.FOLLOW_UP_DAYS)
    )
    recommendation.save(update_fields=["status", "follow_up_due"])
    case.follow_up_due = nearest(case.recommendations.all())
    return row


@dataclass(frozen=True)
class Tally:
    """How the recommendations of a case stand, in the petitioner's categories."""

    implemented: int = 0
    partly: int = 0  # accepted in part, neither implemented nor refused
    refused: int = 0
    still_open: int = 0  # no answer, accepted, or a plan received: not yet carried out

    @property
    def total(self) -> int:
        return self.implemented + self.partly + self.refused + self.still_open

    @property
    def unfinished(self) -> int:
        return self.partly + self.still_open

    def context(self) -> dict[str, int]:
        """The notification's context (notifications.events.CONTEXT)."""
        return {"implemented": self.implemented, "partly": self.partly,
                "refused": self.refused, "still_open": self.still_open}  # fmt: skip


def tally(case: Case) -> Tally:
    """Two queries: the statuses, and whether the last acceptance of each was partial."""
    statuses = dict(case.recommendations.values_list("pk", "status"))
    accepted = RecommendationResponse.objects.filter(case=case, kind__in=ACCEPTING)
    last: dict[int, str] = dict(
        accepted.order_by("recorded_at", "pk").values_list("recommendation_id", "kind")
    )
    counts = {"implemented": 0, "partly": 0, "refused": 0, "still_open": 0}
    for pk, status in statuses.items():
        if status == Kind.IMPLEMENTED:
            counts["implemented"] += 1
        elif status == Kind.NOT_ACCEPTED:
            counts["refused"] += 1
        elif status == Kind.PARTIALLY_ACCEPTED or last.get(pk) == Kind.PARTIALLY_ACCEPTED:
            counts["partly"] += 1
        else:
            counts["still_open"] += 1
    return Tally(**counts)


def check_closing(case: Case, *, reason: str) -> None:
    """Monitoring closes when every recommendation has a final status, or with a reason."""
    if not reason.strip() and tally(case).unfinished:
        raise Unfinished(case.reference)
