"""Dead letters: listed for the ombudsperson with their reason, and sent again on request."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from notifications.models import Notification, Suppression
from notifications.services import Outcome, deliver, email_stopped
from ombuds import crypto
from tests.conftest import sign_in
from tests.notifications.support import PETITIONER, REFERENCE

pytestmark = pytest.mark.django_db


def test_the_ombudsperson_sees_a_dead_letter_and_sends_it_again(client, smtp, queue, ombudsperson):
    smtp.refuse[PETITIONER] = "550 5.1.1 No such mailbox"
    notification = queue()
    assert deliver(notification.pk) == Outcome.FAILED
    sign_in(client, ombudsperson)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("outbox:dead_letters"))
    assert page.status_code == HTTPStatus.OK
    assert REFERENCE in page.text
    assert "SMTPRecipientsRefused 550" in page.text
    assert PETITIONER not in page.text

    del smtp.refuse[PETITIONER]  # the address was fixed at the other end
    client.post(reverse("outbox:retry"), {"notification": notification.pk})
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 0)
    assert email_stopped(crypto.blind_index(PETITIONER, purpose="email")) == ""
    assert deliver(notification.pk) == Outcome.SENT
    assert "Every message has been sent." in client.get(reverse("outbox:dead_letters")).text


def test_an_opt_out_survives_a_retry(client, smtp, queue, ombudsperson):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.FAILED)
    Suppression.objects.create(recipient_index=notification.recipient_index,
                               reason=Suppression.Reason.OPTED_OUT)  # fmt: skip
    sign_in(client, ombudsperson)
    client.post(reverse("outbox:retry"), {"notification": notification.pk})
    assert email_stopped(notification.recipient_index) == Suppression.Reason.OPTED_OUT
    assert deliver(notification.pk) == Outcome.FAILED  # the worker does not send it either
    assert smtp.received == []
    notification.refresh_from_db()
    assert notification.last_error == "Stopped (opted_out)"
