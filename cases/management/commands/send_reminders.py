"""`manage.py send_reminders [--day YYYY-MM-DD] [--batch 5000]`: today's deadline reminders and
staff digests (cases.reminders), reading the cases a batch of primary keys at a time (memory
holds one batch). Cron-friendly and idempotent: each reminder and each digest is recorded per
day in the transaction that queues it, so a second run the same day (or a run on another host
at the same moment) queues nothing twice; a run stopped by Ctrl-C is simply run again. The
outbox worker sends what it queued. Output holds counts only.
"""

from __future__ import annotations

import signal
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases import reminders


class Command(BaseCommand):
    help = "Queue today's deadline reminders and daily digests for the staff (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day to remind for (default: today, local time).")
        parser.add_argument(
            "--batch", type=int, default=reminders.BATCH, help="Case primary keys read at a time."
        )

    def handle(self, *args: Any, day: str | None, batch: int, **options: Any) -> None:
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError("--day takes a date such as 2026-12-24.") from None
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        stopping: list[int] = []
        previous = signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
        try:
            sent = reminders.send(today, progress=self.progress, stopping=lambda: bool(stopping),
                                  batch=batch)  # fmt: skip
        finally:
            signal.signal(signal.SIGINT, previous)
        if sent.cases:
            self.stdout.write("")  # past the progress line
        said = "Stopped on Ctrl-C (run again: nothing is sent twice)" if stopping else "Done"
        self.stdout.write(
            f"{said} for {today.isoformat()}: {sent.cases} cases with a deadline within"
            f" {reminders.SOON_BUSINESS_DAYS} business days or past; queued {sent.reminders}"
            f" reminders ({sent.repeated} already sent today) and {sent.digests} daily digests;"
            f" {sent.follow_ups} follow-up notices to petitioners."
        )

    def progress(self, done: int, total: int) -> None:
        """About every tenth of the way: `done/total` on one line that rewrites itself."""
        if done == total or done % max(1, total // 10) == 0:
            self.stdout.write(f"{done}/{total} cases with a deadline within reach", ending="\r")
