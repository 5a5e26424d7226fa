"""Respondent correspondence: a reply asked for, reminded, received; what is outstanding shows on
the case page and in the due lists; a reply, or mail to the petitioner that never arrived, is
news for the people working the case (docs/design.md §8)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import queues
from cases import transitions as t
from cases.actions import may
from cases.models import Case, CaseEvent, State
from notifications.models import Notification
from notifications.services import deliver
from tests import factories
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    case.refresh_from_db()
    data = {"version": case.version, "message": "", "note": "", **fields}
    return client.post(reverse("staff:act", args=[case.reference, action]), data)


def listed(user: Any, view: str) -> list[str]:
    page = queues.case_queue(user=user, filters=queues.Filters(view=view))
    return [row.reference for row in page.cases]


def test_a_reply_asked_reminded_and_received(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    client = sign_in(Client(), staff.investigator)
    today = timezone.localdate()
    assert not may(staff.investigator, "reply_received", case)  # nothing asked yet
    act(client, case, "request_reply", due=(today + timedelta(days=14)).isoformat())
    later = today + timedelta(days=28)
    act(client, case, "reminder_sent", new_due=later.isoformat(), note="Called their office.")
    case.refresh_from_db()
    assert case.reply_due == later
    page = client.get(reverse("staff:case", args=[case.reference]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    assert 'id="reply-outstanding"' in page
    assert f"requested on {today:%Y-%m-%d}, due by {later:%Y-%m-%d}" in page
    assert "1 reminder sent" in page
    summary = "They deny any refusal of service; CCTV footage attached."
    response = act(client, case, "reply_received", received_on=today.isoformat(), note=summary,
                   letters=[factories.pdf("reply.pdf"), factories.png("cctv.png")])  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert case.reply_due is None
    assert case.news_since is not None  # news for the others working it...
    reply = case.events.get(action="reply_received")
    assert (reply.occurred_on, reply.internal_note, reply.public) == (today, summary, False)
    letters = case.attachments.filter(event=reply)
    assert sorted(letters.values_list("kind", "petitioner_visible", "document_date")) == [
        ("respondent_letter", False, today), ("respondent_letter", False, today),
    ]  # fmt: skip
    with connection.cursor() as cursor:  # the summary is sealed at rest
        cursor.execute("SELECT internal_note FROM cases_caseevent WHERE id = %s", [reply.pk])
        (raw,) = cursor.fetchone()
    assert "CCTV" not in str(raw)
    page = client.get(reverse("staff:case", args=[case.reference]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    assert 'id="reply-outstanding"' not in page
    assert summary in page
    assert "reply.pdf" in page
    assert not may(staff.investigator, "reminder_sent", case)  # nothing outstanding


def test_a_reply_cannot_be_dated_in_the_future(staff: Any) -> None:
    case = staff.case_in(State.MEDIATION)
    Case.objects.filter(pk=case.pk).update(reply_due=timezone.localdate())
    tomorrow = timezone.localdate() + timedelta(days=1)
    client = sign_in(Client(), staff.investigator)
    response = act(client, case, "reply_received", received_on=tomorrow.isoformat(), note="x")
    assert response.status_code == HTTPStatus.OK
    assert not case.events.filter(action="reply_received").exists()


def test_a_reminder_cannot_move_the_reply_date_into_the_past(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    Case.objects.filter(pk=case.pk).update(reply_due=timezone.localdate())
    yesterday = timezone.localdate() - timedelta(days=1)
    client = sign_in(Client(), staff.investigator)
    assert act(client, case, "reminder_sent", new_due=yesterday.isoformat()).status_code == 200
    assert act(client, case, "reminder_sent").status_code == HTTPStatus.FOUND  # no new date
    case.refresh_from_db()
    assert case.reply_due == timezone.localdate()
    assert case.events.filter(action="reminder_sent").count() == 1


def test_an_overdue_reply_is_in_the_due_lists_until_it_arrives(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    today = timezone.localdate()
    assert case.due_date is not None
    assert case.due_date > today + timedelta(days=30)  # the processing deadline is far
    assert case.reference not in listed(staff.investigator, "overdue")
    Case.objects.filter(pk=case.pk).update(reply_due=today + timedelta(days=2))
    assert case.reference in listed(staff.investigator, "due_soon")
    assert case.reference not in listed(staff.investigator, "overdue")
    Case.objects.filter(pk=case.pk).update(reply_due=today - timedelta(days=1))
    assert case.reference in listed(staff.investigator, "overdue")
    assert case.reference in listed(staff.ombudsperson, "overdue")
    page = queues.case_queue(user=staff.ombudsperson, filters=queues.Filters(view="overdue"))
    (row,) = [r for r in page.cases if r.reference == case.reference]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert (row.reply_due, row.reply_urgency) == (yesterday, "overdue")
    step = staff.step(case, staff.investigator, note="Answered by letter.")
    t.case_act(case=case, step=step, action="reply_received", received_on=today, letters=[])
    assert case.reference not in listed(staff.investigator, "overdue")


def test_mail_that_never_reached_the_petitioner_is_news(staff: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    case = staff.case_in(State.INVESTIGATION)
    Case.objects.filter(pk=case.pk).update(news_since=None)
    sent = Notification.objects.get(data_key=case.data_key, event="case_received")
    deliver(sent.pk)
    sent.refresh_from_db()
    event = AnymailTrackingEvent(event_type="bounced", timestamp=timezone.now(),
                                 message_id=sent.esp_message_id,
                                 recipient=sent.recipient)  # fmt: skip
    tracking.send(sender=object, event=event, esp_name="Test")
    case.refresh_from_db()
    assert case.news_since is not None
    bounce = case.events.get(action="mail_undeliverable")
    assert (bounce.actor_kind, bounce.public) == (CaseEvent.Actor.SYSTEM, False)
    assert case.reference in listed(staff.investigator, "news")
    page = sign_in(Client(), staff.investigator).get(reverse("staff:case", args=[case.reference]),
                                                     HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert "Mail to the petitioner could not be delivered" in page.content.decode()
