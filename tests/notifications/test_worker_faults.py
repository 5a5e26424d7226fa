"""Worker processes killed at random while a relay refuses: nothing lost, dead letters exactly
for the refused, duplicates only from kills, each with its Message-ID. Real processes
(`manage.py send_notifications`), SIGKILL, a real SMTP server, the real test database.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction

from notifications.models import Notification
from notifications.services import notify
from ombuds.models import DataKey
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS
from tests.notifications.support import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


class FlakyRelay:
    """Refuses some addresses for good (5.1.1), everyone for a while (4xx: the first `busy`
    recipients it is offered), and accepts the rest."""

    def __init__(self, *, refused: set[str], busy: int) -> None:
        self.refused, self.busy = refused, busy
        self.workers: Workers | None = None
        self.kill_every, self.kills_after_acceptance = 0, 0
        self.accepted: Counter[str] = Counter()
        self.temporary_refusals = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        with self.lock:
            if self.temporary_refusals < self.busy:
                self.temporary_refusals += 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted[str(message["Message-ID"])] += 1
            total = sum(self.accepted.values())
        if self.workers and self.kill_every and total % self.kill_every == 0:
            # The message is stored here; its sender dies before it hears so and records it.
            self.workers.kill(every=True)
            self.kills_after_acceptance += 1
        return "250 Message accepted for delivery"


@pytest.fixture
def relay_factory() -> Iterator[Any]:
    controllers: list[Controller] = []

    def start(**kwargs: Any) -> tuple[FlakyRelay, int]:
        relay, port = FlakyRelay(**kwargs), free_port()
        controller = Controller(relay, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return relay, port

    yield start
    for controller in controllers:
        controller.stop()


def worker_env(port: int) -> dict[str, str]:
    """The worker's environment: this test's database, keys and relay; short lease and backoff."""
    env = {**os.environ, "OMBUDS_KEYS": TEST_KEYS, "OMBUDS_INDEX_KEY": TEST_INDEX_KEY,
           "OMBUDS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "OMBUDS_SMTP_HOST": "127.0.0.1", "OMBUDS_SMTP_PORT": str(port),
           "OMBUDS_OUTBOX_LEASE_SECONDS": "1", "OMBUDS_OUTBOX_BACKOFF_SECONDS": "0.2",
           "OMBUDS_LOG_LEVEL": "CRITICAL", "PYTHONWARNINGS": "ignore"}  # fmt: skip
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["OMBUDS_SQLITE_PATH"] = str(database["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "manage.py", "send_notifications", "--interval", "0.1",
               "--batch", "5", "--verbosity", "0"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


class Workers:
    """Worker processes, replaced as they are killed (from the test or from the relay's thread)."""

    def __init__(self, env: dict[str, str], count: int) -> None:
        self.env, self.lock, self.kills = env, threading.Lock(), 0
        self.running = [start_worker(env) for _ in range(count)]

    def kill(self, *, every: bool = False, rng: random.Random | None = None) -> None:
        with self.lock:
            victims = list(self.running) if every else [(rng or random).choice(self.running)]
            for victim in victims:
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                self.running.remove(victim)
                self.running.append(start_worker(self.env))
                self.kills += 1

    def stop(self) -> None:
        with self.lock:
            for worker in self.running:
                worker.terminate()
            for worker in self.running:
                worker.wait(30)


def queue(count: int, *, refused_every: int = 0) -> tuple[list[str], set[str]]:
    key, refused = DataKey.generate(), set()
    with transaction.atomic():
        for index in range(count):
            to = f"petitioner{index}@example.org"
            if refused_every and index % refused_every == 7:
                refused.add(to)
            notify("case_received", to=to, language=("ko", "en")[index % 2],
                   context={"reference": f"2026-TEST-{index:04d}"}, data_key=key)  # fmt: skip
    return [n.message_id for n in Notification.objects.order_by("pk")], refused


def settled() -> bool:
    open_rows = Notification.objects.exclude(
        status__in=[Notification.Status.SENT, Notification.Status.FAILED]
    )
    return not open_rows.exists()


def drain(workers: Workers, *, kills: int, timeout: float) -> None:
    """Run the workers until every row is settled, SIGKILLing one at random moments (`kills`
    times in all; each is replaced at once)."""
    rng, deadline, done = random.Random(7), time.monotonic() + timeout, 0
    try:
        while not settled() and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.2, 0.7))
            if done < kills:
                workers.kill(rng=rng)
                done += 1
    finally:
        workers.stop()


def test_1000_notifications_survive_killed_workers_and_a_refusing_relay(relay_factory):
    ids, refused = queue(1000, refused_every=50)
    relay, port = relay_factory(refused=refused, busy=150)
    workers = relay.workers = Workers(worker_env(port), 2)
    relay.kill_every = 97  # every 97th message accepted: its sender is killed before recording
    drain(workers, kills=15, timeout=240)

    rows = {n.message_id: n for n in Notification.objects.all()}
    failed = {m for m, n in rows.items() if n.status == Notification.Status.FAILED}
    refused_ids = {m for m, n in rows.items() if n.recipient in refused}
    lost = [m for m in ids if m not in refused_ids and relay.accepted[m] == 0]
    extra = sum(count - 1 for count in relay.accepted.values())
    figures = {
        "notifications": len(ids), "workers_killed": workers.kills,
        "kills_after_acceptance": relay.kills_after_acceptance, "lost": len(lost),
        "delivered": len([m for m in ids if relay.accepted[m]]),
        "duplicate_deliveries": extra, "dead_letters": len(failed),
        "permanently_refused": len(refused_ids), "temporary_refusals": relay.temporary_refusals,
        "database": connection.vendor,
    }  # fmt: skip
    if report := os.environ.get("OMBUDS_FAULT_REPORT"):
        Path(report).write_text(json.dumps(figures, indent=2))
    assert settled()
    assert lost == []
    assert failed == refused_ids  # dead letters exactly for the permanently refused
    assert all(rows[m].delivery_status == Notification.DeliveryStatus.REJECTED for m in failed)
    assert not set(relay.accepted) - set(ids)
    assert not any(relay.accepted[m] for m in refused_ids)
    # A duplicate (the same Message-ID twice) only where a sender died between the relay's
    # acceptance and its record: at least one per such kill, never more than all kills.
    assert relay.kills_after_acceptance <= extra <= workers.kills
    assert relay.kills_after_acceptance >= 5
    assert relay.temporary_refusals == 150  # the 4xx period was met, and retried through


def test_two_workers_draining_one_outbox_send_every_row_exactly_once(relay_factory):
    relay, port = relay_factory(refused=set(), busy=0)
    ids, _refused = queue(400)
    drain(Workers(worker_env(port), 2), kills=0, timeout=120)
    assert settled()
    assert Counter(relay.accepted) == Counter(dict.fromkeys(ids, 1))
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
