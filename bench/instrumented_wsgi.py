"""Bench only: `ombuds.wsgi` with the time spent in cryptography measured per request.

The encryption functions of `ombuds.crypto` are wrapped with `time.perf_counter` accumulators
(the real functions still run: nothing is switched off), and each response carries bench-only
headers with the request's server time and the part of it spent in them:

    X-Bench-Server-Us   time from the request reaching Django to the response starting
    X-Bench-Cpu-Us      the CPU time of that (this process), the rest is waiting
    X-Bench-Encrypt-Us  AES-GCM: seal, unseal, wrap and unwrap of data keys
    X-Bench-Hmac-Us     keyed hashes (blind indexes, access-key hashes, throttle buckets)
    X-Bench-Sql-Us      SQL statements, waits for locks included (BEGIN IMMEDIATE on SQLite)
    X-Bench-Queue-Us    SQLite: waiting in the writers' queue before BEGIN (ombuds.backends.sqlite3)

A thread serves one request at a time (a sync worker has one thread, a gthread worker
several), so the accumulators are kept per thread and reset at each request. Never used
outside bench/.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from ombuds import crypto
from ombuds.backends.sqlite3.base import DatabaseWrapper as SQLite
from ombuds.wsgi import application as django_application

ENCRYPT = ("seal", "unseal", "wrap_data_key", "unwrap_data_key")
HMAC = ("keyed_hash",)


class _PerThread(threading.local):
    """Each request's accumulators, per thread (gunicorn's gthread workers run several)."""

    def __init__(self) -> None:
        self.spent = {"encrypt": 0.0, "hmac": 0.0, "sql": 0.0, "queue": 0.0}
        self.depth = {"encrypt": 0, "hmac": 0}  # seal() may unwrap a data key: the outer call


_here = _PerThread()


def _timed(kind: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        _here.depth[kind] += 1
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _here.depth[kind] -= 1
            if not _here.depth[kind]:
                _here.spent[kind] += time.perf_counter() - started

    return timed


for _name in ENCRYPT:
    setattr(crypto, _name, _timed("encrypt", getattr(crypto, _name)))
for _name in HMAC:
    setattr(crypto, _name, _timed("hmac", getattr(crypto, _name)))
_take_writer_lock = SQLite._take_writer_lock


def _queued(wrapper: SQLite) -> None:
    started = time.perf_counter()
    try:
        _take_writer_lock(wrapper)
    finally:
        _here.spent["queue"] += time.perf_counter() - started


SQLite._take_writer_lock = _queued  # type: ignore[method-assign]


def _timed_sql(execute: Callable[..., Any], *args: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(*args)
    finally:
        _here.spent["sql"] += time.perf_counter() - started


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    _here.spent.update(encrypt=0.0, hmac=0.0, sql=0.0, queue=0.0)
    spent = _here.spent
    started, cpu = time.perf_counter(), time.thread_time()  # this thread's CPU only

    def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        server = time.perf_counter() - started
        headers = [
            *headers,
            ("X-Bench-Server-Us", str(round(server * 1e6))),
            ("X-Bench-Cpu-Us", str(round((time.thread_time() - cpu) * 1e6))),
            ("X-Bench-Encrypt-Us", str(round(spent["encrypt"] * 1e6))),
            ("X-Bench-Hmac-Us", str(round(spent["hmac"] * 1e6))),
            ("X-Bench-Sql-Us", str(round(spent["sql"] * 1e6))),
            ("X-Bench-Queue-Us", str(round(spent["queue"] * 1e6))),
        ]
        return start_response(status, headers, *exc_info)

    with connection.execute_wrapper(_timed_sql):
        return django_application(environ, start)
