"""Email stops when the petitioner says so (at intake or on the tracking page, and starts
again), and for good when an address bounces, is refused or complains."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from notifications.models import Notification, Suppression
from notifications.services import Outcome, deliver, email_stopped, notify
from ombuds import crypto
from tests import factories
from tests.notifications.support import PETITIONER
from tests.notifications.test_tracking import track

pytestmark = pytest.mark.django_db

INDEX_OF = lambda address: crypto.blind_index(address, purpose="email")  # noqa: E731


def open_tracking(client, filed) -> None:
    client.cookies["django_language"] = "en"
    client.post(reverse("cases:track"),
                {"reference": filed.case.reference, "access_key": filed.access_key})  # fmt: skip


def test_a_petitioner_who_asks_for_no_email_at_intake_gets_none(client):
    data = factories.complaint_post(no_email_updates="on")
    assert client.post(reverse("cases:complaint"), data).status_code == HTTPStatus.OK
    assert not Notification.objects.exists()
    assert email_stopped(INDEX_OF(data["email"])) == Suppression.Reason.OPTED_OUT


def say(data_key) -> Notification | None:
    return notify("case_updated", to=PETITIONER, language="en",
                  context={"reference": "2026-TEST-0001"}, data_key=data_key)  # fmt: skip


def test_the_tracking_page_stops_and_restarts_email(client, data_key):
    filed = factories.file_case(email=PETITIONER)
    open_tracking(client, filed)
    assert "Stop email updates" in client.get(reverse("cases:tracked")).text
    client.post(reverse("cases:email_updates"), {"updates": "stop"})
    assert "Send me email updates again" in client.get(reverse("cases:tracked")).text
    assert say(data_key) is None  # nothing queued while stopped
    client.post(reverse("cases:email_updates"), {"updates": "start"})
    assert email_stopped(INDEX_OF(PETITIONER)) == ""
    assert say(data_key) is not None


def test_a_bounce_stops_all_mail_to_the_address_and_the_petitioner_is_told(client, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    filed = factories.file_case(email=PETITIONER)
    first = Notification.objects.get()
    assert deliver(first.pk) == Outcome.SENT
    track("bounced", message_id=Notification.objects.get().esp_message_id)
    assert email_stopped(INDEX_OF(PETITIONER)) == Suppression.Reason.BOUNCED
    factories.file_case(email=PETITIONER)  # a second case from the same address
    assert Notification.objects.count() == 1  # nothing more was queued
    open_tracking(client, filed)
    page = client.get(reverse("cases:tracked")).text
    assert "could not be delivered" in page
    assert "Send me email updates again" not in page
    client.post(reverse("cases:email_updates"), {"updates": "start"})
    assert email_stopped(INDEX_OF(PETITIONER)) == Suppression.Reason.BOUNCED  # stays stopped


def test_a_mailbox_refused_for_good_is_suppressed(smtp, queue):
    smtp.refuse[PETITIONER] = "550 5.1.1 No such mailbox"
    notification = queue()
    assert deliver(notification.pk) == Outcome.FAILED
    assert email_stopped(INDEX_OF(PETITIONER)) == Suppression.Reason.REJECTED
