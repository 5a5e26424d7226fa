"""A relay that hangs or crawls: requests never wait for it, and a live worker keeps its rows.

These tests commit for real (`transaction=True`): the worker and the request are separate.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.urls import reverse

from notifications.management.commands.send_notifications import Stop, wait_for_work
from notifications.models import Notification
from notifications.services import Outcome, deliver
from tests.notifications.support import PETITIONER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hanging_relay(settings) -> Iterator[int]:
    """A relay that takes the connection and never says a word (its greeting never comes)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes the handshake; nobody ever answers
        port = listener.getsockname()[1]
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 2
        yield port


def test_filing_a_complaint_never_waits_for_a_hanging_relay(client, complaint_data, hanging_relay):
    started = time.monotonic()
    response = client.post(reverse("cases:complaint"), complaint_data)
    took = time.monotonic() - started
    assert response.status_code == HTTPStatus.OK
    assert took < 1.5, f"the request took {took:.1f} s: it waited for the relay"
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING

    started = time.monotonic()
    assert deliver(notification.pk) == Outcome.RETRY  # the worker waits, up to EMAIL_TIMEOUT
    assert time.monotonic() - started >= 1.5
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)


def test_a_live_worker_renews_its_lease_so_nobody_takes_a_slow_send(smtp, queue, settings):
    settings.OMBUDS_OUTBOX_LEASE = timedelta(seconds=0.6)
    smtp.on_message = lambda: time.sleep(1.5)  # a relay that takes 1.5 s to accept
    notification = queue()
    outcomes: list[Outcome] = []

    def slow_worker() -> None:
        try:
            outcomes.append(deliver(notification.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=slow_worker)
    worker.start()
    time.sleep(1.0)  # well past the first lease
    assert deliver(notification.pk) == Outcome.SKIPPED  # still held: its sender is alive
    worker.join()
    assert outcomes == [Outcome.SENT]
    assert [m["To"] for m in smtp.received] == [PETITIONER]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)


def test_on_postgresql_a_commit_wakes_the_idle_worker_at_once(queue):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; the SQLite worker polls every second")
    woke: list[float] = []
    listening = threading.Event()

    def idle_worker() -> None:
        try:
            connection.ensure_connection()
            listening.set()
            started = time.monotonic()
            wait_for_work(Stop(), 10)
            woke.append(time.monotonic() - started)
        finally:
            connection.close()

    worker = threading.Thread(target=idle_worker)
    worker.start()
    listening.wait(5)
    time.sleep(0.3)  # the worker is now waiting on its LISTEN
    with transaction.atomic():
        queue()
    worker.join(10)
    assert woke, "the worker never woke"
    assert woke[0] < 2, f"woke after {woke[0]:.1f} s, not on the commit"
