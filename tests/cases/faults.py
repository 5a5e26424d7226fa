"""Faults injected where the real world puts them: the database driver and the disk.

`failing_sql` raises a database error from the driver boundary (Django's `execute_wrapper`)
when a statement matches; `FullDiskStorage` is Django's file storage on a disk that fills up
part-way through a write. Neither replaces any of Ombuds' own code.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection, transaction


class DiskFullError(OSError):
    def __init__(self) -> None:
        super().__init__(errno.ENOSPC, "No space left on device")


@contextmanager
def failing_sql(pattern: str, *, times: int = 1) -> Iterator[list[str]]:
    """The first `times` statements matching `pattern` fail as a lost disk or server would."""
    matcher, failed = re.compile(pattern, re.IGNORECASE), []

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if len(failed) < times and matcher.search(sql):
            failed.append(sql)
            raise OperationalError("disk I/O error")
        return execute(sql, *args)

    with connection.execute_wrapper(wrapper):
        yield failed


@contextmanager
def failing_after_commit(pattern: str) -> Iterator[None]:
    """When a statement matching `pattern` runs, queue after-commit work that fails (as the
    old send-on-commit did when its database write failed)."""

    def fail() -> None:
        raise OperationalError("disk I/O error")

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        if re.search(pattern, sql, re.IGNORECASE) and connection.in_atomic_block:
            transaction.on_commit(fail)
        return result

    with connection.execute_wrapper(wrapper):
        yield


class FullDiskStorage(FileSystemStorage):
    """A file storage whose disk fills up after `room` bytes of a file have been written."""

    room = 16

    def _save(self, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(content.read()[: self.room])
        raise DiskFullError


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def fill_the_disk(settings: Any) -> None:
    """Point the attachment storage at a disk that is full (settings: pytest-django's fixture)."""
    default = settings.STORAGES["default"]
    backend = "tests.cases.faults.FullDiskStorage"
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "BACKEND": backend}}
