"""The outbox under load: commit-to-accepted latency and drain rate, one and two workers.

    .venv/bin/python bench/outbox.py [--database sqlite|postgres] [--latency 200]
                                            [--rate 20] [--drain 1000] [--workers 1,2]
                                            [--json FILE]

A fresh data directory (and, with `--database postgres`, a throwaway cluster), a local SMTP
sink (aiosmtpd, in this process) that records when it accepted each message by its Message-ID,
and `manage.py send_notifications` worker processes pointed at it, as production runs them.

- **Latency**: this process queues `--latency` notifications one per transaction at `--rate` per
  second (as requests do) and records each commit's time; the latency of a message is the time
  from its commit to the sink's acceptance. p50 / p95 / max, per worker count. No request waits
  for any of it: `notify()` only writes the row.
- **Drain rate**: with the workers stopped, `--drain` rows are queued at once; then the workers
  start, and the rate is messages accepted by the sink per second from the first to the last.

Each figure is a median over the messages of one run; the machine line says how busy it was.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, django_env, free_port, machine, percentile, postgres


class Sink:
    """An SMTP server that notes the time it accepted each Message-ID."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        at = time.time()
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted.setdefault(str(message["Message-ID"]), at)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


def worker_env(sink: Sink) -> dict[str, str]:
    return {
        **os.environ,
        "OMBUDS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OMBUDS_SMTP_HOST": "127.0.0.1",
        "OMBUDS_SMTP_PORT": str(sink.port),
    }


def start_workers(count: int, sink: Sink) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, str(ROOT / "manage.py"), "send_notifications", "--verbosity", "0"]
    return [
        subprocess.Popen(command, cwd=ROOT, env=worker_env(sink), stdout=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(30)


def wait_for(sink: Sink, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sink.count() < total and time.monotonic() < deadline:
        time.sleep(0.01)
    if sink.count() < total:
        raise SystemExit(f"only {sink.count()} of {total} messages arrived in {timeout:.0f} s")


def queue_one(data_key: Any) -> tuple[str, float]:
    from django.db import transaction

    from notifications.services import notify

    with transaction.atomic():
        row = notify("case_received", to="bench@example.org", language="ko",
                     context={"reference": "OMB-2026-BENCH"}, data_key=data_key)  # fmt: skip
    assert row is not None
    return row.message_id, time.time()


def latency(sink: Sink, workers: int, args: argparse.Namespace) -> dict[str, float]:
    from ombuds.models import DataKey

    data_key, committed = DataKey.generate(), {}
    running = start_workers(workers, sink)
    time.sleep(2)  # the workers are up and idle
    before = sink.count()
    try:
        for _ in range(args.latency):
            message_id, at = queue_one(data_key)
            committed[message_id] = at
            time.sleep(1 / args.rate)
        wait_for(sink, before + args.latency, 60)
    finally:
        stop_workers(running)
    waits = [(sink.accepted[m] - at) * 1000 for m, at in committed.items()]
    return {"p50_ms": percentile(waits, 0.5), "p95_ms": percentile(waits, 0.95),
            "max_ms": max(waits)}  # fmt: skip


def drain(sink: Sink, workers: int, args: argparse.Namespace) -> dict[str, float]:
    from django.db import transaction

    from notifications.services import notify
    from ombuds.models import DataKey

    data_key = DataKey.generate()
    with transaction.atomic():
        for _ in range(args.drain):
            notify("case_received", to="bench@example.org", language="en",
                   context={"reference": "OMB-2026-BENCH"}, data_key=data_key)  # fmt: skip
    before = sink.count()
    running = start_workers(workers, sink)
    try:
        wait_for(sink, before + args.drain, 600)
    finally:
        stop_workers(running)
    times = sorted(list(sink.accepted.values())[before:])
    return {"per_second": (len(times) - 1) / (times[-1] - times[0])}


def run(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    django_env(Path(tempfile.mkdtemp(prefix="ombuds-bench-outbox-")), database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    sink = Sink()
    sink.start()
    figures: dict[str, Any] = {"database": args.database, "machine": machine()}
    for count in (int(n) for n in args.workers.split(",")):
        waits = figures[f"latency_{count}_worker"] = latency(sink, count, args)
        rate = figures[f"drain_{count}_worker"] = drain(sink, count, args)
        print(f"{count} worker(s): commit to accepted {waits}, drain {rate}", flush=True)
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--latency", type=int, default=200, help="messages timed one by one")
    parser.add_argument("--rate", type=float, default=20, help="of those, queued per second")
    parser.add_argument("--drain", type=int, default=1000, help="messages queued at once")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.database == "postgres":
        with postgres() as url:
            figures = run(args, url)
    else:
        figures = run(args, "")
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
