"""`manage.py send_notifications`: draining, progress output, stopping, several workers at once."""

from __future__ import annotations

import os
import signal
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from notifications.management.commands.send_notifications import Stop
from notifications.models import Notification
from tests.notifications.support import PETITIONER, REFERENCE, make_due

pytestmark = pytest.mark.django_db


def run_worker(*args: str) -> str:
    out = StringIO()
    call_command("send_notifications", *args, stdout=out)
    return out.getvalue()


def test_once_drains_what_is_due_and_reports_counts_only(smtp, queue):
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such mailbox"
    queue(), queue(to="other@example.org", language="en"), queue(to="gone@example.org")
    later = queue(to="later@example.org")
    Notification.objects.filter(pk=later.pk).update(status=Notification.Status.SENT)

    output = run_worker("--once", "--batch", "2")

    assert output.splitlines() == [
        "Pass 1: 2 sent, 0 retried later, 0 failed.",
        "Pass 2: 0 sent, 0 retried later, 1 failed.",
        "Done after 2 passes: 2 sent, 0 retried later, 1 failed.",
    ]
    assert sorted(to for _sender, (to,) in smtp.envelopes) == [PETITIONER, "other@example.org"]
    for private in (PETITIONER, "@example.org", REFERENCE):
        assert private not in output
    assert run_worker("--once") == "Done after 0 passes: 0 sent, 0 retried later, 0 failed.\n"


def test_once_leaves_failures_for_a_later_pass(smtp, queue):
    notification = queue()
    smtp.stop()
    assert "0 sent, 1 retried later" in run_worker("--once")
    smtp.start()
    assert "0 passes" in run_worker("--once")  # backing off
    make_due(notification)
    assert "1 sent" in run_worker("--once")
    assert len(smtp.received) == 1


def test_sigterm_stops_after_the_current_message_and_gives_back_the_rest(smtp, queue):
    for n in range(3):
        queue(to=f"person{n}@example.org")
    original = signal.getsignal(signal.SIGTERM)
    smtp.on_message = lambda: os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-send

    output = run_worker("--interval", "60")

    assert output.splitlines()[-1] == (
        "Stopped on SIGTERM after 1 passes: 1 sent, 0 retried later, 0 failed, 2 released."
    )
    assert len(smtp.received) == 1
    waiting = Notification.objects.filter(status=Notification.Status.PENDING)
    assert sorted(waiting.values_list("attempts", "claim_token")) == [(0, None), (0, None)]
    assert signal.getsignal(signal.SIGTERM) is original


def test_an_idle_worker_stops_on_sigint(smtp):
    def interrupt_once_listening() -> None:
        deadline = time.monotonic() + 10
        while not isinstance(signal.getsignal(signal.SIGINT), Stop):
            if time.monotonic() > deadline:
                break  # the default handler then fails the test with KeyboardInterrupt
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_listening, daemon=True).start()
    output = run_worker("--interval", "60")
    assert output == "Stopped on SIGINT after 0 passes: 0 sent, 0 retried later, 0 failed.\n"


def _drain_in_thread(outputs: list[str]) -> None:
    try:
        outputs.append(run_worker("--once", "--batch", "3"))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_workers_running_at_once_send_every_message_exactly_once(smtp, queue):
    for n in range(12):
        queue(to=f"person{n}@example.org")
    outputs: list[str] = []
    workers = [threading.Thread(target=_drain_in_thread, args=(outputs,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert len(outputs) == 4
    recipients = [to for _sender, (to,) in smtp.envelopes]
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(12))
    assert len({m["Message-ID"] for m in smtp.received}) == 12
    rows = Notification.objects.values_list("status", "attempts").distinct()
    assert list(rows) == [(Notification.Status.SENT, 1)]
    assert sum(int(out.split("passes: ")[1].split(" sent")[0]) for out in outputs) == 12
