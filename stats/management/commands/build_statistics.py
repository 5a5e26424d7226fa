"""`manage.py build_statistics [--since YEAR] [--limit N]`: build today's statistics releases.

Builds, for every standard period — each year, quarter and month from the first complaint's to
today's (years first, newest first) — the release of today that is not there yet
(stats.releases), so that no visitor waits for one (docs/statistics.md). Cron-friendly: run it
nightly after midnight; idempotent (a period whose release of today exists is skipped) and
resumable (each period is built and stored on its own: Ctrl-C stops after the current one, and
the next run carries on). It prints one line per period and what it did: periods and timings,
never a figure or a personal value.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Min
from django.utils import timezone

from stats.releases import build, standard_periods
from stats.sources import CaseSource


class Command(BaseCommand):
    help = "Build today's statistics release of every year, quarter and month with complaints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=int, default=0,
                            help="Only periods from this year on (default: all).")  # fmt: skip
        parser.add_argument("--limit", type=int, default=0,
                            help="Stop after building N releases (0: all).")  # fmt: skip

    def handle(self, *args: Any, since: int, limit: int, **options: Any) -> None:
        first = CaseSource.objects.aggregate(first=Min("received_month"))["first"]
        if first is None:
            self.stdout.write("Nothing to build: no complaint has been received yet.")
            return
        today = timezone.localdate()
        if since:
            first = max(first, first.replace(year=since, month=1, day=1))
        periods = standard_periods(first, today)
        stopping: list[int] = []
        previous = signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
        built = kept = 0
        started = time.perf_counter()
        try:
            for number, (name, period) in enumerate(periods, start=1):
                if stopping or (limit and built >= limit):
                    break
                began = time.perf_counter()
                made = build(period)[1]
                built, kept = built + made, kept + (not made)
                said = f"built in {time.perf_counter() - began:.1f} s" if made else "already built"
                self.stdout.write(f"[{number}/{len(periods)}] {name}: {said}", ending="\n")
                self.stdout.flush()
        finally:
            signal.signal(signal.SIGINT, previous)
        left = len(periods) - built - kept
        head = "Stopped on Ctrl-C" if stopping else ("Stopped at --limit" if left else "Done")
        self.stdout.write(
            f"{head}: built {built} releases as of {today.isoformat()}, {kept} already there, "
            f"{left} left (run again to carry on), in {time.perf_counter() - started:.1f} s."
        )
