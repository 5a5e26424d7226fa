"""`manage.py rotate_index_key [--check] [--batch 500]`: move to the current index key.

    manage.py rotate_index_key          # recompute people's blind indexes (Ctrl-C: after a batch)
    manage.py rotate_index_key --check  # per index key id, what still uses it; 1 while needed

Put a new key first in `OMBUDS_INDEX_KEYS` (`manage.py rotate_keys --new-key` makes one), keep
the old one after it, restart every process, then run this. The work is in `cases.people` and
`cases.indexkeys`; this command prints and handles interruption. Resumable and idempotent: run
it again after an interruption (or a kill) and it goes on with the people not done yet.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import indexkeys, people
from ombuds import crypto
from ombuds.management.commands.rotate_keys import INTERRUPTED, stop_on_interrupt


class Command(BaseCommand):
    help = (
        "Recompute every person's blind indexes under the current index key (the first in "
        "OMBUDS_INDEX_KEYS), in batches. --check reports what still uses an old key."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report per index key id; exit 1 while an old key is still needed.",
        )
        parser.add_argument("--batch", type=int, default=500, help="people per transaction")

    def handle(self, *args: Any, check: bool, batch: int, **options: Any) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            current = crypto.index_key_id()
        except crypto.KeyConfigurationError as error:
            raise CommandError(f"The keys are not configured correctly: {error}") from None
        if check:
            self.report()
            return
        waiting = people.stale().count()
        self.stdout.write(
            f"Re-indexing {waiting} people under the index key {current!r}, {batch} per "
            "transaction (Ctrl-C stops after the current batch)."
        )
        try:
            with stop_on_interrupt(self.stderr.write) as should_stop:
                done = people.reindex(
                    batch=batch,
                    progress=lambda n: self.stdout.write(f"{n}/{waiting}"),
                    should_stop=should_stop,
                )
        except KeyboardInterrupt:
            done = -1
        left = people.stale().count()
        if left:
            raise CommandError(
                f"Interrupted: {left} people still to re-index. Run rotate_index_key again to "
                "finish.",
                returncode=INTERRUPTED,
            )
        self.stdout.write(f"Done: re-indexed {max(done, 0)} people under {current!r}.")
        self.report(strict=False)

    def report(self, *, strict: bool = True) -> None:
        """Print the usage per key id; with `strict`, fail while an old key is still needed."""
        entries = indexkeys.usage()
        self.stdout.write(
            f"{'index key id':<24}  {'people':>8}  {'open cases':>10}  {'closed cases':>12}  "
            f"{'access log':>10}"
        )
        for entry in entries:
            if entry.current:
                note = "current"
            elif not entry.configured and (entry.people or entry.open_cases):
                note = "NOT CONFIGURED: these hashes no longer match"
            elif entry.people:
                note = "old: run rotate_index_key"
            elif entry.open_cases:
                note = "old: keep it until these cases close"
            elif entry.configured:
                note = "may be removed from OMBUDS_INDEX_KEYS"
            else:
                note = "not configured"
            self.stdout.write(
                f"{entry.key_id:<24}  {entry.people:>8}  {entry.open_cases:>10}  "
                f"{entry.closed_cases:>12}  {entry.access_log:>10}  {note}"
            )
        needed = [e for e in entries if not e.current and e.configured and not e.retirable]
        if needed:
            message = (
                "Still needed: "
                + ", ".join(
                    f"{e.key_id!r} ({e.people} people, {e.open_cases} open cases)" for e in needed
                )
                + ". People: run rotate_index_key. Open cases' access keys: keep the key until "
                "they close (a petitioner who opens the case moves it to the current key)."
            )
            if strict:
                raise CommandError(message, returncode=1)
            self.stdout.write(message)
            return
        for entry in entries:
            if entry.current or not entry.configured:
                continue
            self.stdout.write(
                f"No person and no open case uses {entry.key_id!r}: it may be removed from "
                f"OMBUDS_INDEX_KEYS. Then the access keys of {entry.closed_cases} closed cases "
                f"stop working, and verify_access_log needs it back for {entry.access_log} "
                "access-log rows until purge_access_log removes them: keep it in the key safe."
            )
