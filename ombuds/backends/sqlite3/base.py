"""Django's SQLite backend, with writers that queue for the write lock instead of polling it.

SQLite lets one transaction write at a time. A connection that finds the lock taken calls the
busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries: a writer that would have
waited 3 ms sleeps 8, and with two or more processes writing, much of every request is spent
asleep with the lock free (measured in docs/performance.md, "Where a submission waits").

Here every transaction (all are `BEGIN IMMEDIATE`, see `SQLITE_OPTIONS`) first takes an
exclusive `flock` on a file beside the database and gives it back at COMMIT or ROLLBACK. The
kernel hands the file lock to the next writer the moment it is released, so writers queue
instead of sleeping. The file lock is only a queue: SQLite's own lock still decides who writes,
so a writer that does not take it (the `sqlite3` shell, a statement outside a transaction)
is as safe as before, and waits as before. A writer that cannot get the file lock within the
connection's `timeout` goes on without it, to SQLite's busy handler and its timeout.

The hooks overridden are Django's (private, so absent from django-stubs: hence the ignores).
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base

# Polls of a held file lock: short sleeps, because the wait is usually a few milliseconds.
_FIRST_SLEEP = 0.0001
_LONGEST_SLEEP = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    writer_lock: int | None = None  # the open lock file, while this connection is open
    holds_writer_lock = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db() and self.writer_lock is None:
            path = f"{self.settings_dict['NAME']}-writers"
            self.writer_lock = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writer_lock()
            if self.writer_lock is not None:
                os.close(self.writer_lock)
                self.writer_lock = None

    def _take_writer_lock(self) -> None:
        if self.writer_lock is None or self.holds_writer_lock:
            return
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        sleep = _FIRST_SLEEP
        while True:
            try:
                fcntl.flock(self.writer_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy handler takes over, with its own timeout
                time.sleep(sleep)
                sleep = min(sleep * 2, _LONGEST_SLEEP)
            else:
                self.holds_writer_lock = True
                return

    def _release_writer_lock(self) -> None:
        if self.holds_writer_lock and self.writer_lock is not None:
            fcntl.flock(self.writer_lock, fcntl.LOCK_UN)
        self.holds_writer_lock = False
