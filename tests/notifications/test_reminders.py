"""`manage.py send_reminders`: deadlines within 3 business days or past, counted with Korean
holidays, never for a paused clock; once a day whatever the number of runs; a daily digest for
members who chose it, immediate reminders for the others."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import formats, timezone, translation

from cases import reminders as reminders_of_the_day
from cases import transitions as t
from cases.models import Case, Recommendation, State
from notifications.models import Notification, ReminderSent
from ombuds.models import User
from tests.notifications.support import PETITIONER, drain, mailbox, staff_mailbox

pytestmark = pytest.mark.django_db

# Wednesday before Chuseok 2026 (Thu 24 - Sat 26 September): 3 business days ahead is Wednesday
# 30 September, not Monday 28 as without the holidays.
EVE = date(2026, 9, 23)


def run(day: date = EVE, batch: int = reminders_of_the_day.BATCH) -> str:
    out = StringIO()
    call_command("send_reminders", "--day", day.isoformat(), "--batch", str(batch), stdout=out)
    return out.getvalue()


def case_in(crew: Any, state: str, **dates: Any) -> Case:
    case = crew.case_in(state)
    Case.objects.filter(pk=case.pk).update(**dates)
    case.refresh_from_db()
    return case


def reminders(smtp: Any) -> dict[str, list[str]]:
    """What each staff member was reminded of: subject lines."""
    boxes = mailbox_after(smtp)
    return {to: [" ".join(str(m["Subject"]).split()) for m in box] for to, box in boxes.items()}


def day(value: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_twice_in_a_day_sends_once_and_says_what_it_did(smtp, crew, language):
    User.objects.update(language=language)
    case = case_in(crew, State.RECEIVED, acknowledge_due=date(2026, 9, 28))
    first, second = run(), run()
    assert "queued 2 reminders (0 already sent today)" in first
    assert "queued 0 reminders (2 already sent today)" in second
    sent = mailbox_after(smtp)
    assert sorted(sent) == sorted([crew.intake.email, crew.intake2.email])
    (message,) = sent[crew.intake.email]
    body = message.get_content().splitlines()
    if language == "en":
        assert " ".join(str(message["Subject"]).split()) == (
            f"[Ombudsperson] Due soon: case {case.reference}"
        )
        assert body[:2] == [
            f"Case {case.reference}: the acknowledgement is due on {day(date(2026, 9, 28), 'en')}.",
            "State: Received",
        ]
    else:
        assert " ".join(str(message["Subject"]).split()) == (
            f"[시민인권보호관] 기한 임박: 사건번호 {case.reference}"
        )
        assert body[:2] == [
            f"사건번호 {case.reference}: 접수 확인 기한은 {day(date(2026, 9, 28), 'ko')}입니다.",
            "진행 단계: 접수",
        ]
    assert ReminderSent.objects.filter(day=EVE).count() == 2
    assert "queued 2 reminders" in run(date(2026, 9, 29))  # the next day, once again


def mailbox_after(smtp: Any) -> dict[str, list[Any]]:
    """Reminders and digests delivered, by staff address (alerts of the set-up left out)."""
    Notification.objects.exclude(event__in=["staff_reminder", "staff_digest"]).delete()
    return staff_mailbox(smtp)


@pytest.mark.parametrize("batch", [1, reminders_of_the_day.BATCH])  # a case per batch, or all
def test_three_business_days_skip_the_chuseok_holidays(smtp, crew, batch):
    within = case_in(crew, State.INVESTIGATION, due_date=date(2026, 9, 30))
    case_in(crew, State.INVESTIGATION, due_date=date(2026, 10, 1))  # 4 business days away
    run(batch=batch)
    assert reminders(smtp) == {
        crew.investigator.email: [f"[시민인권보호관] 기한 임박: 사건번호 {within.reference}"]
    }


@pytest.mark.parametrize("batch", [1, reminders_of_the_day.BATCH])
def test_a_paused_clock_reminds_of_no_decision(smtp, crew, batch):
    past = date(2026, 9, 1)
    supplement = case_in(crew, State.AWAITING_SUPPLEMENT, due_date=past,
                         supplement_due=date(2026, 9, 25))  # fmt: skip
    assert supplement.paused_since is not None
    case_in(crew, State.MEDIATION, due_date=past)  # paused in mediation: no decision reminder
    running = case_in(crew, State.INVESTIGATION, due_date=past)
    run(batch=batch)
    sent = Notification.objects.filter(event="staff_reminder")
    assert sorted((n.context["reference"], n.context["deadline"]) for n in sent) == sorted(
        [(supplement.reference, "supplement")] * 2 + [(running.reference, "decision")]
    )
    assert {n.context["overdue"] for n in sent if n.context["deadline"] == "decision"} == {True}


def test_each_deadline_reaches_whoever_works_the_case_and_never_the_recused(smtp, crew):
    received = case_in(crew, State.RECEIVED, acknowledge_due=EVE)
    t.case_act(case=received, step=crew.step(received, crew.intake2, note="conflict"),
               action="recuse")  # fmt: skip
    reply = case_in(crew, State.MEDIATION, reply_due=date(2026, 9, 22))
    deliberation = case_in(crew, State.DELIBERATION, due_date=date(2026, 9, 29))
    monitoring = case_in(crew, State.MONITORING, due_date=date(2026, 9, 1))
    Recommendation.objects.filter(case=monitoring).update(plan_due=date(2026, 9, 29))
    run()
    got = {(n.context["reference"], n.context["deadline"], n.recipient)
           for n in Notification.objects.filter(event="staff_reminder")}  # fmt: skip
    assert got == {
        (received.reference, "acknowledge", crew.intake.email),
        (reply.reference, "reply", crew.investigator.email),
        (deliberation.reference, "decision", crew.ombudsperson.email),
        (deliberation.reference, "decision", crew.ombudsperson2.email),
        (monitoring.reference, "plan", crew.investigator.email),
    }


def test_digest_members_get_one_digest_and_immediate_members_no_digest(smtp, crew):
    User.objects.filter(pk=crew.investigator.pk).update(alerts=User.Alerts.DIGEST, language="en")
    assigned = crew.case_in(State.INVESTIGATION)  # held: assigned to the investigator
    late = case_in(crew, State.INVESTIGATION, reply_due=date(2026, 9, 21))
    received = case_in(crew, State.RECEIVED, acknowledge_due=date(2026, 9, 29))
    assert "and 1 daily digests" in run()
    assert "and 0 daily digests" in run()
    sent = mailbox_after(smtp)
    (digest,) = sent[crew.investigator.email]
    assert " ".join(str(digest["Subject"]).split()) == (
        f"[Ombudsperson] Your daily summary, {day(EVE, 'en')}"
    )
    lines = digest.get_content().splitlines()
    assert lines[0] == "What happened on your cases, and what is due:"
    assert f"- {assigned.reference} (Investigation): assigned to you" in lines[2]
    assert f"- {late.reference} (Investigation): assigned to you" in lines[3]
    assert lines[4] == (
        f"- {late.reference} (Investigation): respondent's reply overdue — due "
        f"{day(date(2026, 9, 21), 'en')}"
    )
    assert [" ".join(str(m["Subject"]).split()) for m in sent[crew.intake.email]] == [
        f"[시민인권보호관] 기한 임박: 사건번호 {received.reference}"
    ]
    digests = Notification.objects.filter(event="staff_digest")
    assert [n.recipient for n in digests] == [crew.investigator.email]
    # The next day: the alerts were in yesterday's digest; the overdue reply is again.
    run(date(2026, 9, 24))
    (again,) = Notification.objects.filter(event="staff_digest", context__day="2026-09-24")
    assert [item["reference"] for item in again.context["items"]] == [late.reference]


def test_a_digest_member_with_nothing_to_report_gets_nothing(smtp, crew):
    User.objects.update(alerts=User.Alerts.DIGEST)
    assert "queued 0 reminders (0 already sent today) and 0 daily digests" in run()


@pytest.mark.django_db(transaction=True)
def test_two_hosts_at_once_send_each_reminder_once(crew):
    for _ in range(3):
        case_in(crew, State.RECEIVED, acknowledge_due=EVE)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def host() -> None:
        try:
            start.wait()
            reminders_of_the_day.send(EVE)  # the command's work, in a thread of its own
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    hosts = [threading.Thread(target=host) for _ in range(2)]
    for thread in hosts:
        thread.start()
    for thread in hosts:
        thread.join()
    assert errors == []
    sent = Notification.objects.filter(event="staff_reminder")
    assert sent.count() == 6  # three cases, two intake officers: each once
    assert ReminderSent.objects.count() == 6


def test_alerts_held_for_a_member_back_on_immediate_alerts_come_in_one_last_digest(smtp, crew):
    User.objects.filter(pk=crew.investigator.pk).update(alerts=User.Alerts.DIGEST)
    assigned = crew.case_in(State.INVESTIGATION)  # held for the digest
    User.objects.filter(pk=crew.investigator.pk).update(alerts=User.Alerts.IMMEDIATE)
    assert "and 1 daily digests" in run()
    (digest,) = Notification.objects.filter(event="staff_digest")
    assert [item["reference"] for item in digest.context["items"]] == [assigned.reference]
    assert "and 0 daily digests" in run(date(2026, 9, 24))


def test_the_petitioner_hears_again_60_days_after_the_decision_once(smtp, crew):
    """Decided on Tuesday 21 July 2026: 60 days later is Saturday 19 September, so the notice
    is due on Monday 21 September; withdrawn cases and older decisions get none."""
    decided = datetime(2026, 7, 21, 10, 0, tzinfo=timezone.get_current_timezone())
    upheld, dismissed = crew.case_in(State.MONITORING), crew.case_in(State.CLOSED)
    withdrawn = crew.case_in(State.INVESTIGATION)
    t.case_act(case=withdrawn, step=crew.step(withdrawn, crew.investigator), action="withdraw")
    long_ago = crew.case_in(State.CLOSED)
    Case.objects.update(decided_at=decided)
    Case.objects.filter(pk=long_ago.pk).update(decided_at=decided - timedelta(days=60))
    Case.objects.filter(pk=upheld.pk).update(language="en")
    Notification.objects.all().delete()

    assert "0 follow-up notices to petitioners" in run(date(2026, 9, 18))
    assert "2 follow-up notices to petitioners" in run(date(2026, 9, 21))
    assert "0 follow-up notices to petitioners" in run(date(2026, 9, 21))  # run again
    assert "0 follow-up notices to petitioners" in run(date(2026, 9, 25))  # and later on
    drain()
    sent = {message["Subject"]: message.get_content() for message in mailbox(smtp)[PETITIONER]}
    assert sent[f"[Ombudsperson] News on your case {upheld.reference}"].startswith(
        f"It is some time since the decision on your complaint {upheld.reference}. If anything"
        " has happened since, or the problem continues, you can tell us on the tracking page."
    )
    (closed,) = (body for subject, body in sent.items() if dismissed.reference in subject)
    assert closed.startswith(f"진정 {dismissed.reference} 사건의 결정 후 시간이 지났습니다.")
    assert "새 진정을 제기하실 수 있습니다" in closed  # closed: no news on its tracking page
    assert len(sent) == 2
    assert ReminderSent.objects.filter(key__startswith="follow_up:").count() == 2


def test_a_missed_run_still_sends_the_follow_up_notice(smtp, crew):
    case = crew.case_in(State.MONITORING)
    decided = datetime(2026, 7, 21, 10, 0, tzinfo=timezone.get_current_timezone())
    Case.objects.filter(pk=case.pk).update(decided_at=decided)
    assert "1 follow-up notices to petitioners" in run(date(2026, 9, 30))  # nine days late
    assert "0 follow-up notices to petitioners" in run(date(2026, 10, 1))
