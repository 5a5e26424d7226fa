"""`manage.py purge_expired [--dry-run] [--limit N]`: erase the personal data of cases past
their retention period (cases.retention). Cron-friendly and idempotent: each case is erased in
its own transaction and never twice, so a run that is interrupted (Ctrl-C stops after the
current case; a kill loses at most that one transaction) is simply run again. `--dry-run` lists
what would go and changes nothing. Output holds references, rules and counts: no personal data.
"""

from __future__ import annotations

import signal
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases import retention

BATCH = 200


class Command(BaseCommand):
    help = "Erase the personal data of closed cases past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")
        parser.add_argument("--limit", type=int, default=0, help="Stop after N cases (0: all).")

    def handle(self, *args: Any, dry_run: bool, limit: int, **options: Any) -> None:
        due = retention.expired()
        total = due.count() if not limit else min(limit, due.count())
        if dry_run:
            for reference, outcome, closed in due.values_list("reference", "outcome", "closed_at")[
                : total or None
            ]:
                rule = retention.rule_of(outcome)
                self.stdout.write(f"{reference}  {rule}  closed {closed:%Y-%m-%d}")
            self.stdout.write(f"Would erase {total} cases (dry run: nothing changed).")
            return
        stopping: list[int] = []
        previous = signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
        try:
            counts = self.erase(total, stopping)
        finally:
            signal.signal(signal.SIGINT, previous)
        said = "Stopped on Ctrl-C" if stopping else "Done"
        self.stdout.write(
            f"{said}: erased {counts['cases']} of {total} cases ({counts['decided']} decided,"
            f" {counts['unexamined']} never examined); removed {counts['people']} people,"
            f" {counts['files']} files, {counts['mail']} queued messages."
        )

    def erase(self, total: int, stopping: list[int]) -> Counter[str]:
        counts: Counter[str] = Counter()
        while counts["cases"] < total and not stopping:
            batch = list(retention.expired()[: min(BATCH, total - counts["cases"])])
            if not batch:
                break
            for case in batch:
                if stopping:
                    break
                erased = retention.erase(case, rule=retention.rule_of(case.outcome))
                if erased is not None:
                    counts.update(cases=1, people=erased.people, files=erased.files,
                                  mail=erased.messages, **{erased.rule: 1})  # fmt: skip
            self.stdout.write(f"{counts['cases']}/{total} erased", ending="\r")
        return counts
