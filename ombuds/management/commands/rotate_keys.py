"""`manage.py rotate_keys`: re-wrap data keys under the primary key-encryption key.

    manage.py rotate_keys --new-key   # print a fresh key for OMBUDS_KEYS or OMBUDS_INDEX_KEYS
    manage.py rotate_keys             # re-wrap, in batches; Ctrl-C stops after the current batch
    manage.py rotate_keys --check     # per KEK id, how many data keys it wraps; non-zero if stale

The work is in `ombuds.rotation`; this command parses, prints and handles interruption.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ombuds import crypto, rotation

INTERRUPTED = 130  # the shell's exit status for a run ended by Ctrl-C


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the primary key-encryption key (the first in OMBUDS_KEYS), "
        "in batches. --check reports without changing anything; --new-key prints a fresh key."
    )
    # Must run when keys are missing or malformed: that is when --new-key and --check help.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check",
            action="store_true",
            help="Report data keys per key-encryption key; exit 1 if any still uses an old one.",
        )
        mode.add_argument(
            "--new-key",
            action="store_true",
            help="Print a freshly generated base64 key for OMBUDS_KEYS or OMBUDS_INDEX_KEYS.",
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="Data keys per transaction (default 5000)."
        )

    def handle(self, *args: Any, check: bool, new_key: bool, batch: int, **options: Any) -> None:
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            crypto.keyring()
        except crypto.KeyConfigurationError as error:
            raise CommandError(f"The keys are not configured correctly: {error}") from None
        if check:
            self.report_usage()
        else:
            self.rotate(batch)

    def report_usage(self) -> None:
        entries = rotation.usage()
        self.stdout.write(f"{'KEK id':<32}  {'data keys':>10}")
        for entry in entries:
            if entry.primary:
                note = "primary"
            elif not entry.configured:
                note = "NOT CONFIGURED: these data keys cannot be opened"
            elif entry.data_keys:
                note = "old: run rotate_keys to re-wrap"
            else:
                note = "unused: may be removed from OMBUDS_KEYS"
            self.stdout.write(f"{entry.kek_id:<32}  {entry.data_keys:>10}  {note}")
        primary = next(entry.kek_id for entry in entries if entry.primary)
        stale = sum(entry.data_keys for entry in entries if not entry.primary)
        if stale:
            raise CommandError(
                f"{stale} data keys still use a key-encryption key other than the primary "
                f"{primary!r}.",
                returncode=1,
            )
        self.stdout.write(f"Every data key uses the primary key-encryption key {primary!r}.")

    def rotate(self, batch: int) -> None:
        primary = crypto.keyring().primary_id
        total = rotation.rewrappable().count()
        if not rotation.outdated().exists():
            self.stdout.write(
                f"Nothing to re-wrap: every data key uses the primary key-encryption key "
                f"{primary!r}."
            )
            return
        if total:
            self.stdout.write(
                f"Re-wrapping {total} data keys under the primary key-encryption key "
                f"{primary!r}, {batch} per transaction (Ctrl-C stops after the current batch)."
            )
        try:
            with self.stop_on_interrupt() as should_stop:
                progress = rotation.rotate(
                    batch_size=batch,
                    on_batch=lambda p: self.stdout.write(f"{p.done}/{p.total}"),
                    should_stop=should_stop,
                )
        except KeyboardInterrupt:
            raise CommandError(
                "Stopped at once (a batch in progress was rolled back); "
                f"{rotation.outdated().count()} data keys still use an old key-encryption key. "
                "Run rotate_keys again to finish.",
                returncode=INTERRUPTED,
            ) from None
        self.summarise(progress, primary)

    def summarise(self, progress: rotation.Progress, primary: str) -> None:
        if progress.failed:
            shown = ", ".join(str(pk) for pk in progress.failed[:20])
            more = ", …" if len(progress.failed) > 20 else ""
            self.stderr.write(
                f"{len(progress.failed)} data keys did not unwrap with their key-encryption key "
                f"and were left as they were (ids {shown}{more})."
            )
        stranded = [e for e in rotation.usage() if not e.configured and e.data_keys]
        for entry in stranded:
            self.stderr.write(
                f"{entry.data_keys} data keys use the key-encryption key {entry.kek_id!r}, which "
                "is not configured: add it to OMBUDS_KEYS (after the primary) and run again."
            )
        remaining = rotation.outdated().count()
        if progress.interrupted:
            raise CommandError(
                f"Interrupted: re-wrapped {progress.done} data keys; {remaining} still use an old "
                "key-encryption key. Run rotate_keys again to finish.",
                returncode=INTERRUPTED,
            )
        if remaining:
            raise CommandError(
                f"Re-wrapped {progress.done} data keys; {remaining} could not be re-wrapped "
                "(see above).",
                returncode=1,
            )
        self.stdout.write(
            f"Done: re-wrapped {progress.done} data keys; every data key now uses the primary "
            f"key-encryption key {primary!r}. Old keys may now be removed from OMBUDS_KEYS."
        )

    def stop_on_interrupt(self) -> AbstractContextManager[Callable[[], bool]]:
        return stop_on_interrupt(self.stderr.write)


@contextmanager
def stop_on_interrupt(say: Callable[[str], object]) -> Iterator[Callable[[], bool]]:
    """Turn the first Ctrl-C (or SIGTERM) into "stop after this batch"; a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False  # signal handlers can only be set from the main thread
        return
    requested = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if requested.is_set():
            raise KeyboardInterrupt  # the batch in hand rolls back
        requested.set()
        say("Stopping after the current batch (Ctrl-C again to stop at once).")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield requested.is_set
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
