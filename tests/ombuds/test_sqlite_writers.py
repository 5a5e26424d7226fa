"""SQLite's writers queue on a file lock beside the database (ombuds.backends.sqlite3).

Each transaction holds an exclusive `flock` on `<database>-writers` from BEGIN to COMMIT or
ROLLBACK, so a second writer waits in the kernel's queue rather than in SQLite's busy handler's
sleeps. These tests hold or probe that file from outside, with a file descriptor of their own.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from ombuds.models import Throttle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the writers' queue is SQLite's; PostgreSQL has row locks")


@pytest.fixture
def lock_file() -> Iterator[int]:
    """An outside descriptor on the writers' lock file (its own open file description)."""
    connection.ensure_connection()
    descriptor = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR)
    yield descriptor
    os.close(descriptor)


def is_free(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    return True


def write(bucket: str) -> None:
    Throttle.objects.create(bucket=bucket, slot=1, count=1, expires_at=2)


def test_a_transaction_holds_the_lock_until_it_commits(lock_file: int) -> None:
    assert is_free(lock_file)
    with transaction.atomic():
        write("a")
        assert not is_free(lock_file)
        with transaction.atomic():  # a savepoint neither takes nor gives back the lock
            write("b")
        assert not is_free(lock_file)
    assert is_free(lock_file)
    assert Throttle.objects.count() == 2


def test_a_rolled_back_transaction_gives_the_lock_back(lock_file: int) -> None:
    def fails() -> None:
        with transaction.atomic():
            write("a")
            assert not is_free(lock_file)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fails()
    assert is_free(lock_file)
    assert not Throttle.objects.exists()


def test_closing_the_connection_mid_transaction_gives_the_lock_back(lock_file: int) -> None:
    with transaction.atomic():
        write("a")
        assert not is_free(lock_file)
        connection.close()  # what Django does to a connection it finds broken
        assert is_free(lock_file)
    assert not Throttle.objects.exists()
    assert is_free(lock_file)


def test_a_second_writer_waits_for_the_first_and_both_commit(lock_file: int) -> None:
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                write("first")
                first_in.set()
                time.sleep(0.2)
                order.append("first commits")
        finally:
            connection.close()

    def second() -> None:
        try:
            first_in.wait(5)
            with transaction.atomic():
                order.append("second begins")
                write("second")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second begins"]
    assert set(Throttle.objects.values_list("bucket", flat=True)) == {"first", "second"}
    assert is_free(lock_file)


def test_a_lock_held_past_the_timeout_leaves_the_writer_to_sqlite(
    lock_file: int, settings: Any
) -> None:
    """Somebody holds the file lock and never lets go (it is only a queue): after the
    connection's timeout the writer goes on without it, and SQLite's own lock decides."""
    options = connection.settings_dict["OPTIONS"]
    timeout = options["timeout"]
    options["timeout"] = 0.2
    fcntl.flock(lock_file, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with transaction.atomic():
            write("a")
        waited = time.monotonic() - started
    finally:
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        options["timeout"] = timeout
    assert 0.2 <= waited < 5
    assert Throttle.objects.filter(bucket="a").exists()
