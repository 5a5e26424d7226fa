"""`send_reminders` reads the cases a batch of primary keys at a time (`--batch`), so that its
memory does not grow with the number of cases: the batches find exactly what one pass over all
the cases finds, a second run the same day still sends nothing, and a digest lists at most
`DIGEST_LIMIT` items, the most urgent, and counts the rest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cases import reminders
from cases.models import Case, Recommendation, State
from notifications.alerts import DIGEST_LIMIT, DueItem, send_digest
from notifications.messages import render_message
from notifications.models import HeldAlert, Notification, ReminderSent
from ombuds.models import User
from tests.factories import file_case
from tests.notifications.support import drain, staff_mailbox
from tests.notifications.test_reminders import EVE, case_in, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(crew: Any) -> dict[str, Case]:
    """Cases with each kind of deadline, within reach or not, their primary keys interleaved."""
    within, beyond = date(2026, 9, 25), date(2026, 10, 8)
    found = {
        "received": case_in(crew, State.RECEIVED, acknowledge_due=within),
        "received later": case_in(crew, State.RECEIVED, acknowledge_due=beyond),
        "supplement": case_in(crew, State.AWAITING_SUPPLEMENT, supplement_due=within),
        "closed": case_in(crew, State.CLOSED),
        "reply": case_in(crew, State.MEDIATION, reply_due=date(2026, 9, 1)),
        "investigation": case_in(crew, State.INVESTIGATION, due_date=within),
        "investigation later": case_in(crew, State.INVESTIGATION, due_date=beyond),
        "deliberation": case_in(crew, State.DELIBERATION, due_date=date(2026, 9, 2)),
        "monitoring": case_in(crew, State.MONITORING),
        "monitoring later": case_in(crew, State.MONITORING),
    }
    Recommendation.objects.filter(case=found["monitoring"]).update(plan_due=within)
    Recommendation.objects.filter(case=found["monitoring later"]).update(plan_due=beyond)
    return found


def reach(batch: int) -> list[tuple[str, date | None]]:
    batches = list(reminders.cases_within_reach(EVE, batch=batch))
    assert all(len(cases) <= batch for cases in batches)
    return [(case.reference, plan) for cases in batches for case, plan in cases]


def test_batches_find_what_one_pass_finds(office):
    expected = [(office[name].reference, date(2026, 9, 25) if name == "monitoring" else None)
                for name in ("received", "supplement", "reply", "investigation", "deliberation",
                             "monitoring")]  # fmt: skip
    assert reach(batch=100_000) == expected  # one batch holds every case
    for batch in (1, 2, 3, 7):  # smaller than the cases: many batches, some empty
        assert reach(batch) == expected, batch
    assert reminders.count_within_reach(EVE) == len(expected)


def queued() -> set[tuple[str, str, str]]:
    return {(n.recipient, n.context["reference"], n.context["deadline"])
            for n in Notification.objects.filter(event="staff_reminder")}  # fmt: skip


def test_small_batches_send_the_same_reminders_once(office, crew):
    Notification.objects.all().delete()
    assert "queued 9 reminders (0 already sent today)" in run(batch=2)
    in_batches = queued()
    assert "queued 0 reminders (9 already sent today)" in run(batch=2)  # twice: once
    assert queued() == in_batches
    Notification.objects.all().delete()
    ReminderSent.objects.all().delete()
    assert "queued 9 reminders" in run(batch=100_000)  # the same day in one batch
    assert queued() == in_batches
    intake = {crew.intake.email, crew.intake2.email}
    assert {(to, deadline) for to, _reference, deadline in in_batches} == {
        *((to, "acknowledge") for to in intake),
        *((to, "supplement") for to in intake),
        (crew.investigator.email, "reply"),
        (crew.investigator.email, "decision"),
        (crew.ombudsperson.email, "decision"),
        (crew.ombudsperson2.email, "decision"),
        (crew.investigator.email, "plan"),
    }


def test_a_digest_lists_the_most_urgent_and_counts_the_rest(smtp, crew, settings):
    User.objects.filter(pk=crew.intake.pk).update(alerts=User.Alerts.DIGEST, language="en")
    references = []
    for number in range(DIGEST_LIMIT + 3):  # due from 53 days ago to today, in random pk order
        case = file_case().case
        due = EVE - timedelta(days=(number * 17) % (DIGEST_LIMIT + 3))
        Case.objects.filter(pk=case.pk).update(acknowledge_due=due)
        references.append((due, case.reference))
    HeldAlert.objects.all().delete()  # the intake officer's alerts of new cases: none here
    Notification.objects.all().delete()
    assert "and 1 daily digests" in run(batch=5)
    (digest,) = Notification.objects.filter(event="staff_digest")
    assert digest.recipient == crew.intake.email
    listed = [item["reference"] for item in digest.context["items"]]
    assert listed == [reference for _due, reference in sorted(references)[:DIGEST_LIMIT]]
    assert digest.context["more"] == 3
    drain()
    (message,) = staff_mailbox(smtp)[crew.intake.email]
    lines = message.get_content().splitlines()
    assert sum("acknowledgement overdue" in line for line in lines) == DIGEST_LIMIT
    assert "due soon" not in message.get_content()  # the one due today is among the three
    at = lines.index("… and 3 more, not listed here. Every overdue case is in the overdue list:")
    assert lines[at + 1] == f"{settings.OMBUDS_SITE_URL.rstrip('/')}/staff/?view=overdue"
    digest.language = "ko"
    assert "… 이 밖에 3건은 여기에 싣지 않았습니다." in render_message(digest).body
    assert "and 0 daily digests" in run(batch=5)


def test_a_digest_of_held_alerts_past_the_limit_counts_them_too(crew, data_key):
    for number in range(DIGEST_LIMIT + 2):
        context = {"reference": f"2026-{number:05}", "state": "investigation", "due": "2026-12-24"}
        HeldAlert.objects.create(member=crew.investigator, event="staff_assigned", context=context)
    item = DueItem(reference="2026-99999", state="investigation", deadline="reply",
                   due=EVE, overdue=False)  # fmt: skip
    assert send_digest(crew.investigator, [item], day=EVE, more=10)
    (digest,) = Notification.objects.filter(event="staff_digest")
    assert len(digest.context["items"]) == DIGEST_LIMIT
    assert digest.context["more"] == 2 + 1 + 10
    assert not HeldAlert.objects.filter(digest_day=None).exists()  # all told, if not all listed


def test_a_member_s_held_deadlines_stay_bounded_and_keep_the_most_urgent():
    held = reminders.Held()
    items = [DueItem(reference=f"2026-{n:05}", state="investigation", deadline="decision",
                     due=EVE - timedelta(days=(n * 7919) % 10_000), overdue=True)
             for n in range(10_000)]  # fmt: skip
    for item in items:
        held.add(item)
        assert len(held.items) < 2 * DIGEST_LIMIT
    assert held.count == 10_000
    assert held.listed() == sorted(items, key=DueItem.urgency)[:DIGEST_LIMIT]


def test_a_run_stopped_between_batches_is_finished_by_the_next(office):
    Notification.objects.all().delete()
    asked = 0

    def stopping() -> bool:  # as Ctrl-C would, once three cases were reminded of
        nonlocal asked
        asked += 1
        return asked > 3

    stopped = reminders.send(EVE, stopping=stopping, batch=2)
    assert stopped.cases == 3
    first = queued()
    assert 0 < len(first) < 9
    finished = reminders.send(EVE, batch=2)
    assert finished.cases == 6
    assert (finished.reminders, finished.repeated) == (9 - len(first), len(first))
    assert len(queued()) == Notification.objects.filter(event="staff_reminder").count() == 9


def test_the_windows_run_from_the_smallest_case_to_the_largest(office: dict[str, Case]) -> None:
    """Not from 0: primary keys need not start there (a PostgreSQL sequence never goes back, so
    a test database's first case may be number 50,000), and an empty window costs a query."""
    keys = sorted(case.pk for case in Case.objects.all())
    assert list(reminders.windows(1)) == [(pk - 1, pk) for pk in range(keys[0], keys[-1] + 1)]
    assert next(reminders.windows(1000)) == (keys[0] - 1, keys[0] + 999)
    Case.objects.all().delete()
    assert list(reminders.windows(5)) == []
