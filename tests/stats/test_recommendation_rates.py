"""The statistics count a recommendation by its current status, the kind of the body's latest
response (cases.followup), never its first answer; the rates read it that way too."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from cases import transitions as t
from cases.models import State
from stats import records
from stats.dimensions import NONE
from stats.reports import _rates
from stats.tables import RESPONSES, twoway_free

pytestmark = pytest.mark.django_db


def respond(staff: Any, case: Any, kind: str, **more: Any) -> None:
    case.refresh_from_db()
    step = t.Step(actor=staff.investigator, version=case.version, note="Answered.")
    t.case_act(case=case, step=step, action="record_response",
               recommendation_id=case.recommendations.get().pk, response=kind, **more)  # fmt: skip


def test_records_read_the_latest_response(staff: Any) -> None:
    first, second, third = (staff.case_in(State.MONITORING) for _ in range(3))
    respond(staff, first, "accepted")
    respond(staff, first, "implemented")
    respond(staff, second, "partially_accepted")
    respond(staff, second, "plan_received", plan_date=timezone.localdate())
    today = timezone.localdate()
    read = records.read(today.replace(day=1), today)
    assert sorted(status for _body, status in read.recommendations) == [
        "", "implemented", "plan_received",
    ]  # fmt: skip
    assert third.recommendations.get().status == ""


def test_a_plan_received_counts_as_accepted_and_only_implemented_as_implemented() -> None:
    k = 5
    counts = Counter({("7", "plan_received"): 10, ("7", "implemented"): 10,
                      ("7", "not_accepted"): 10, ("7", NONE): 10})  # fmt: skip
    payload = twoway_free(counts, ["7"], RESPONSES, k)
    (rate,) = _rates(payload, lambda body: f"body {body}", k)
    assert rate.issued == "40"
    assert rate.implemented == "25%"  # 10 of 40 issued
    assert rate.accepted == "67%"  # plan received or implemented: 20 of the 30 answered
