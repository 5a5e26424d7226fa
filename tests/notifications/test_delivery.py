"""Delivery through a real SMTP server: commit, rollback, outage, retry, dead letter, claims."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, Outcome, deliver
from tests.notifications.support import PETITIONER, REFERENCE, make_due

pytestmark = pytest.mark.django_db


class BoomError(Exception):
    pass


def test_committed_notification_waits_for_the_worker_and_arrives_with_reference_only(
    smtp, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = queue(language="en")
    assert callbacks == []  # nothing runs after the commit: the row is the promise
    assert smtp.received == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 0)

    assert deliver(notification.pk) == Outcome.SENT
    (message,) = smtp.received
    assert message["To"] == PETITIONER
    assert smtp.envelopes == [("no-reply@ombuds.example.org", [PETITIONER])]
    assert message["Subject"] == f"[Ombudsperson] Your case reference {REFERENCE}"
    assert message["Message-ID"] == notification.message_id
    assert message["Message-ID"].endswith("@ombuds.example.org>")
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    assert REFERENCE in message.get_content()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)
    assert notification.sent_at is not None
    assert notification.claim_token is None


def test_rolled_back_transaction_queues_and_sends_nothing(
    smtp, queue, django_capture_on_commit_callbacks
):
    def change_that_fails() -> None:
        with transaction.atomic():
            queue()
            raise BoomError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(BoomError),
    ):
        change_that_fails()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert smtp.received == []


def test_empty_address_queues_nothing(data_key):
    notification = services.notify(
        "case_received",
        to="",
        language="ko",
        context={"reference": REFERENCE},
        data_key=data_key,
    )
    assert notification is None
    assert not Notification.objects.exists()


def test_server_down_keeps_it_pending_and_the_worker_sends_it_when_back(smtp, queue):
    smtp.stop()
    notification = queue()
    assert deliver(notification.pk) == Outcome.RETRY
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert notification.last_error == "ConnectionRefusedError"

    smtp.start()
    assert deliver(notification.pk) == Outcome.SKIPPED  # not due yet: backing off
    make_due(notification)
    assert deliver(notification.pk) == Outcome.SENT
    assert [m["Message-ID"] for m in smtp.received] == [notification.message_id]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)
    assert notification.last_error == ""


def test_backoff_doubles_then_the_last_attempt_is_a_dead_letter(smtp, queue, settings):
    smtp.stop()
    notification = queue()
    delays, outcomes = [], []
    for _attempt in range(MAX_ATTEMPTS):
        make_due(notification)
        before = timezone.now()
        outcomes.append(deliver(notification.pk))
        notification.refresh_from_db()
        delays.append(round((notification.next_attempt_at - before).total_seconds() / 60))
    assert outcomes == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.FAILED]
    assert delays[:-1] == [1, 2, 4, 8, 16, 32, 64, 128, 240]
    assert (notification.status, notification.attempts) == (
        Notification.Status.FAILED,
        MAX_ATTEMPTS,
    )
    smtp.start()
    make_due(notification)
    assert deliver(notification.pk) == Outcome.SKIPPED
    assert smtp.received == []


def test_a_refused_mailbox_is_a_dead_letter_at_once(smtp, queue, settings):
    smtp.refuse[PETITIONER] = "550 5.1.1 No such mailbox"
    notification = queue()
    assert deliver(notification.pk) == Outcome.FAILED
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 1)
    assert notification.delivery_status == Notification.DeliveryStatus.REJECTED
    assert notification.last_error == "SMTPRecipientsRefused 550"
    assert PETITIONER not in notification.last_error


@pytest.mark.parametrize(
    "reply", ["550 5.7.1 Relaying denied", "451 4.3.0 Try again later"], ids=["policy", "temporary"]
)
def test_a_relay_or_temporary_refusal_is_retried(smtp, queue, settings, reply):
    smtp.refuse[PETITIONER] = reply
    notification = queue()
    assert deliver(notification.pk) == Outcome.RETRY
    notification.refresh_from_db()
    assert (notification.status, notification.delivery_status) == (Notification.Status.PENDING, "")


def test_a_shredded_data_key_fails_without_sending(smtp, queue, data_key, settings):
    notification = queue()
    data_key.shred()
    assert deliver(notification.pk) == Outcome.FAILED
    row = Notification.objects.values("status", "last_error").get(pk=notification.pk)
    assert row == {"status": Notification.Status.FAILED, "last_error": "DecryptionError"}
    assert smtp.received == []


def test_a_sender_that_died_mid_send_is_replaced_after_the_claim_expires(smtp, queue, settings):
    notification = queue()
    (dead,) = services.claim_due(limit=5)
    assert deliver(notification.pk) == Outcome.SKIPPED  # still held
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert deliver(notification.pk) == Outcome.SENT
    assert services.send_claimed(dead) == Outcome.SKIPPED  # the old claim is void
    assert len(smtp.received) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)


def test_a_message_that_kills_its_sender_every_time_ends_as_a_dead_letter(smtp, queue, settings):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING,
        attempts=MAX_ATTEMPTS,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )
    assert deliver(notification.pk) == Outcome.FAILED
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        Notification.Status.FAILED,
        "Interrupted",
    )
    assert smtp.received == []


def test_a_claim_is_a_lease_of_the_configured_length(smtp, queue, settings):
    settings.OMBUDS_OUTBOX_LEASE = timedelta(seconds=30)
    notification = queue()
    before = timezone.now()
    (claim,) = services.claim_due(limit=5)
    notification.refresh_from_db()
    assert before + timedelta(seconds=29) < notification.claimed_until
    assert notification.claimed_until <= timezone.now() + timedelta(seconds=30)
    assert deliver(notification.pk) == Outcome.SKIPPED  # held
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert deliver(notification.pk) == Outcome.SENT  # the lease ran out: due again
    assert services.send_claimed(claim) == Outcome.SKIPPED
    assert len(smtp.received) == 1
