"""`seed_cases` writes what a real case would hold: for an upheld case, the body's answers to its
recommendation (history rows, the events that recorded them, the status, plan and follow-up dates
`cases.followup` leaves). Expectations are computed here from the rows, by the rules of
docs/design.md §2, not through the code under test."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import clocks
from cases.models import Case, Outcome, Recommendation, RecommendationResponse, State

pytestmark = pytest.mark.django_db
FINAL = {"implemented", "not_accepted"}
AWAITING_PLAN = {"", "accepted", "partially_accepted"}


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("seed_cases", count=600, investigators=2, jobs=1, verbosity=0)


def _expected_dates(recommendation: Recommendation, answers: list[RecommendationResponse]):
    decided = timezone.localdate(recommendation.issued_at)
    plan_due = clocks.after_days(decided, clocks.PLAN_DAYS)
    status = answers[-1].kind if answers else ""
    since = timezone.localdate(answers[-1].recorded_at) if answers else decided
    follow_up = None if status in FINAL else clocks.after_days(since, clocks.FOLLOW_UP_DAYS)
    due = [day for day in (follow_up, plan_due if status in AWAITING_PLAN else None) if day]
    return status, plan_due, follow_up, (min(due) if status not in FINAL else None)


def test_upheld_cases_carry_the_history_of_their_answers(seeded: Any) -> None:
    upheld = Case.objects.filter(outcome=Outcome.UPHELD).order_by("pk")
    assert upheld.filter(state=State.MONITORING).exists()
    assert upheld.filter(state=State.CLOSED).exists()
    shapes: Counter[tuple[str, bool]] = Counter()
    for case in upheld:
        (recommendation,) = case.recommendations.all()
        answers = list(recommendation.responses.order_by("recorded_at", "pk"))
        recorded = list(case.events.filter(action="record_response").order_by("created_at"))
        assert [(a.recorded_at, a.note, a.recorded_by_id) for a in answers] == [
            (e.created_at, e.internal_note, e.actor_id) for e in recorded
        ]
        assert all(a.note and a.case_id == case.pk for a in answers)
        assert all(e.actor_id == case.assigned_to_id and not e.public for e in recorded)
        end = case.closed_at or timezone.now()
        assert all(case.decided_at <= a.recorded_at <= end for a in answers), case.reference
        for answer in answers:
            dated = answer.kind == "plan_received"
            assert (answer.plan_date is not None) == dated
            assert not dated or answer.plan_date <= timezone.localdate(answer.recorded_at)
        status, plan_due, follow_up, nearest = _expected_dates(recommendation, answers)
        assert (recommendation.status, recommendation.plan_due) == (status, plan_due)
        assert recommendation.follow_up_due == follow_up
        if case.state == State.MONITORING or answers:
            assert case.follow_up_due == nearest, case.reference
        closing = case.events.filter(action="close_monitoring").first()
        if case.state == State.CLOSED:
            assert closing is not None
            assert bool(closing.internal_note) == (status not in FINAL)  # the recorded reason
        assert case.version == case.events.count()
        shapes[(case.state, status in FINAL)] += 1
    assert shapes[(State.CLOSED, True)] > shapes[(State.CLOSED, False)]  # mostly final
    assert shapes[(State.MONITORING, False)] > 0


def test_other_cases_have_no_answers_and_answers_span_every_kind(seeded: Any) -> None:
    others = RecommendationResponse.objects.exclude(case__outcome=Outcome.UPHELD)
    assert not others.exists()
    kinds = set(RecommendationResponse.objects.values_list("kind", flat=True))
    assert kinds == set(Recommendation.Response.values)
    monitored = Case.objects.filter(state=State.MONITORING)
    assert monitored.filter(recommendation_responses__isnull=True).exists()  # none yet
    assert monitored.filter(recommendation_responses__isnull=False).exists()
