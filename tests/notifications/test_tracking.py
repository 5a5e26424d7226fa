"""ESP webhooks: anymail's tracking events record what became of a message; staff see bounces."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.core.checks.registry import registry
from django.urls import reverse
from django.utils import timezone

from notifications.checks import check_webhook_secret
from notifications.models import Notification
from notifications.selectors import bounced_recipient_indexes, unreachable_recipients
from notifications.services import MAX_ATTEMPTS, deliver, email_stopped
from ombuds import crypto
from tests.notifications.support import PETITIONER

pytestmark = pytest.mark.django_db

DeliveryStatus = Notification.DeliveryStatus


@pytest.fixture
def index() -> str:
    """The petitioner's email blind index (keyed: computed under the test keys)."""
    return crypto.blind_index(PETITIONER, purpose="email")


@pytest.fixture
def esp(settings):
    """anymail's test backend stands in for the ESP: it gives each message an ESP id."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def sent(esp, queue) -> Notification:
    notification = queue()
    deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    return notification


def track(event_type: str, *, at: datetime | None = None, **fields) -> None:
    fields.setdefault("recipient", PETITIONER)
    event = AnymailTrackingEvent(event_type=event_type, timestamp=at or timezone.now(), **fields)
    tracking.send(sender=object, event=event, esp_name="Test")


def delivery(notification: Notification) -> str:
    return Notification.objects.values_list("delivery_status", flat=True).get(pk=notification.pk)


def test_the_esp_id_and_an_opaque_metadata_id_are_kept_at_send_time(sent):
    (message,) = mail.outbox
    assert sent.esp_message_id == str(message.anymail_status.message_id)
    assert message.anymail_test_params["metadata"] == {"notification": str(sent.uid)}


@pytest.mark.parametrize(
    "event_type", [DeliveryStatus.BOUNCED, DeliveryStatus.REJECTED, DeliveryStatus.COMPLAINED]
)
def test_a_bounce_by_esp_id_shows_staff_to_reach_the_petitioner_another_way(
    sent, event_type, index
):
    track(event_type, message_id=sent.esp_message_id)
    assert delivery(sent) == event_type
    assert bounced_recipient_indexes(indexes=[index, "other"]) == {index}
    assert unreachable_recipients(indexes=[index]) == {index: event_type}


def test_events_match_by_metadata_or_by_our_message_id(sent, queue):
    track("delivered", metadata={"notification": str(sent.uid)})
    assert delivery(sent) == DeliveryStatus.DELIVERED
    other = queue()
    deliver(other.pk)
    track("bounced", message_id=other.message_id)
    assert delivery(other) == DeliveryStatus.BOUNCED


@pytest.mark.parametrize(
    "fields",
    [
        {"message_id": "someone-elses-message"},
        {"recipient": "stranger@example.org"},
        {"event_type": "opened"},
        {"event_type": "deferred"},
    ],
    ids=["unknown message", "other recipient", "opened", "deferred"],
)
def test_events_not_ours_or_not_recorded_change_nothing(sent, fields, index):
    fields = {"event_type": "bounced", "message_id": sent.esp_message_id, **fields}
    track(fields.pop("event_type"), **fields)
    assert delivery(sent) == ""
    assert bounced_recipient_indexes(indexes=[index]) == set()


def test_a_later_event_wins_and_a_late_arriving_older_one_is_ignored(sent):
    now = timezone.now()
    track("bounced", message_id=sent.esp_message_id, at=now)
    track("delivered", message_id=sent.esp_message_id, at=now - timedelta(minutes=5))
    assert delivery(sent) == DeliveryStatus.BOUNCED
    track("delivered", message_id=sent.esp_message_id, at=now + timedelta(minutes=5))
    assert delivery(sent) == DeliveryStatus.DELIVERED


def test_a_later_delivered_message_clears_an_old_bounce(sent, queue, index):
    later = queue()  # queued before the bounce came in
    deliver(later.pk)
    later.refresh_from_db()
    track("bounced", message_id=sent.esp_message_id)
    assert bounced_recipient_indexes(indexes=[index]) == {index}
    assert email_stopped(index) == "bounced"
    track("delivered", message_id=later.esp_message_id, at=timezone.now() + timedelta(seconds=1))
    assert bounced_recipient_indexes(indexes=[index]) == set()
    assert email_stopped(index) == ""  # the address works after all: mail goes to it again


def test_a_dead_letter_counts_as_unreachable(queue, settings, index):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, attempts=MAX_ATTEMPTS
    )
    assert unreachable_recipients(indexes=[index, ""]) == {index: "failed"}
    assert unreachable_recipients(indexes=[]) == {}


def postmark_bounce(notification: Notification) -> bytes:
    return json.dumps(
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "ID": 42,
            "MessageID": notification.esp_message_id,
            "Email": PETITIONER,
            "BouncedAt": "2026-11-28T10:00:00Z",
        }
    ).encode()


def basic_auth(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def test_the_webhook_url_records_a_bounce_with_the_shared_secret(client, sent, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "esp:s3cret-webhook-password"}
    url = reverse("anymail:postmark_tracking_webhook")
    assert url == "/anymail/postmark/tracking/"

    forged = client.post(
        url,
        postmark_bounce(sent),
        content_type="application/json",
        headers={"authorization": basic_auth("esp:guess")},
    )
    assert forged.status_code == HTTPStatus.BAD_REQUEST
    assert delivery(sent) == ""

    response = client.post(
        url,
        postmark_bounce(sent),
        content_type="application/json",
        headers={"authorization": basic_auth("esp:s3cret-webhook-password")},
    )
    assert response.status_code == HTTPStatus.OK
    assert delivery(sent) == DeliveryStatus.BOUNCED


def test_deploy_check_wants_a_webhook_secret_with_an_esp_backend(settings):
    assert check_webhook_secret in registry.get_checks(include_deployment_checks=True)
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {}
    assert [message.id for message in check_webhook_secret()] == ["notifications.W001"]
    settings.ANYMAIL = {"WEBHOOK_SECRET": "esp:s3cret-webhook-password"}
    assert check_webhook_secret() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ANYMAIL = {}
    assert check_webhook_secret() == []
