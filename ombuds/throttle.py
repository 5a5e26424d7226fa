"""Rate limits for public endpoints, counted in the database so every process and host agrees.

A limit is "count/seconds" per action and client address (`OMBUDS_RATE_LIMITS`). The client
address is never stored: the bucket is a keyed hash of the action and the address.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from ombuds import crypto
from ombuds.models import Throttle

_UPSERT = (
    "INSERT INTO {table} (bucket, slot, count, expires_at) VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (bucket, slot) DO UPDATE SET count = {table}.count + 1 RETURNING count"
)


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting exactly OMBUDS_TRUSTED_PROXY_COUNT proxies in front."""
    proxies = settings.OMBUDS_TRUSTED_PROXY_COUNT
    if proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def allow(action: str, request: HttpRequest) -> bool:
    """Count one attempt at `action` by this client; False once the window's limit is passed."""
    limit, period = parse_rate(settings.OMBUDS_RATE_LIMITS[action])
    now = int(time.time())
    slot = now // period
    bucket = crypto.keyed_hash(f"{action}|{client_address(request)}", purpose="throttle")[:40]
    table = connection.ops.quote_name(Throttle._meta.db_table)
    # A transaction, so that on SQLite the upsert queues for the write lock instead of polling.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [bucket, slot, (slot + 1) * period])
        (count,) = cursor.fetchone()
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        Throttle.objects.filter(expires_at__lt=now).delete()
    return bool(count <= limit)
