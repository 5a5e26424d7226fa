"""The outbox worker: `manage.py send_notifications [--once] [--interval S] [--batch N]`.

Claims due notifications in batches and sends each outside any transaction. When idle it
waits: on PostgreSQL for a NOTIFY from `notify()` (delivered when the queuing transaction
commits, so a new row is picked up at once) or `--interval` seconds (default 5, for retries
coming due), whichever comes first; on SQLite it polls every `--interval` seconds (default
0.25: one indexed read, which never blocks a writer in WAL mode). Safe to run on
several hosts at once. SIGTERM or SIGINT stops it after the current message: the rest of its
batch is given back at once, and it says what it did. Output holds counts only.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.core import mail
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from notifications import services
from notifications.services import Outcome

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stop:
    """Set by SIGTERM/SIGINT; `wait()` sleeps until the timeout or the signal."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name = ""

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(signum).name
        self.event.set()

    def __bool__(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> None:
        self.event.wait(seconds)


@contextmanager
def stop_on_signals(stop: Stop) -> Iterator[None]:
    """Route SIGTERM/SIGINT to `stop` (main thread only: elsewhere signals cannot be caught)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def wait_for_work(stop: Stop, seconds: float) -> None:
    """Sleep up to `seconds`; on PostgreSQL, wake as soon as `notify()` queues a row."""
    if connection.vendor != "postgresql":
        stop.wait(seconds)
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {services.WAKE_CHANNEL}")
    deadline = time.monotonic() + seconds
    # In slices, so that SIGTERM (which only sets `stop`) is heard within a fraction of a second.
    while not stop and (left := deadline - time.monotonic()) > 0:
        for _notice in connection.connection.notifies(timeout=min(left, 0.25), stop_after=1):
            return


class Command(BaseCommand):
    help = "Send queued notifications, retrying failures with backoff (the outbox worker)."
    verbose = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Send everything due now, then exit (cron, tests)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between polls when idle (default: 0.25 on SQLite; 5 on PostgreSQL,"
            " where a NOTIFY from each commit wakes the worker at once).",
        )
        parser.add_argument(
            "--batch", type=int, default=20, help="Notifications claimed at a time (default 20)."
        )

    def handle(
        self, *args: Any, once: bool, interval: float | None, batch: int, **options: Any
    ) -> None:
        stop, self.verbose = Stop(), options["verbosity"] >= 1
        if interval is None:
            interval = 5.0 if connection.vendor == "postgresql" else 0.25
        totals: Counter[str] = Counter()
        with stop_on_signals(stop):
            passes = self.run(stop=stop, totals=totals, once=once, interval=interval, batch=batch)
        reason = f"Stopped on {stop.signal_name}" if stop else "Done"
        self.stdout.write(f"{reason} after {passes} passes: {self.counts(totals)}.")

    def run(
        self, *, stop: Stop, totals: Counter[str], once: bool, interval: float, batch: int
    ) -> int:
        passes = 0
        while not stop:
            if not connection.in_atomic_block:  # a long-lived worker: drop broken connections
                close_old_connections()
            counts = self.send_batch(stop=stop, limit=max(batch, 1))
            if not counts:
                if once:
                    break
                wait_for_work(stop, interval)
                continue
            passes += 1
            totals.update(counts)
            if self.verbose:
                self.stdout.write(f"Pass {passes}: {self.counts(counts)}.")
        return passes

    def send_batch(self, *, stop: Stop, limit: int) -> Counter[str]:
        claims = services.claim_due(limit=limit)
        counts: Counter[str] = Counter()
        if not claims:
            return counts
        session = self.open_session()
        try:
            for position, claim in enumerate(claims):
                if stop:
                    counts["released"] += services.release(claims[position:])
                    break
                counts[services.send_claimed(claim, session=session)] += 1
        finally:
            if session is not None:
                with contextlib.suppress(Exception):
                    session.close()
        return counts

    @staticmethod
    def open_session() -> Any:
        """One mail session for a batch (an SMTP connection, an ESP's HTTP session); None when
        it cannot be opened now: each send then tries on its own, and its failure is recorded
        (retried with backoff) like any other."""
        session = mail.get_connection()
        try:
            session.open()
        except Exception:
            return None
        return session

    @staticmethod
    def counts(counts: Counter[str]) -> str:
        parts = [
            f"{counts[Outcome.SENT]} sent",
            f"{counts[Outcome.RETRY]} retried later",
            f"{counts[Outcome.FAILED]} failed",
        ]
        extra = (Outcome.SKIPPED, "released")
        parts += [f"{counts[name]} {name}" for name in extra if counts[name]]
        return ", ".join(parts)
