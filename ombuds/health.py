"""`/healthz`: may a load balancer send requests to this host? (docs/design.md §7)

Answers 200 with `{"status": "ok", …}` when the database answers, the keys load and the
attachment storage (a folder or an S3 bucket) takes a write and gives it back; 503 with the
failing checks' names and the kind of each failure (an exception's class name) otherwise. Apps add
figures of their own with `register` (the outbox's oldest due message, say) without the core
importing them. No personal data, no case content: names of checks and numbers only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ombuds import crypto

logger = logging.getLogger(__name__)
_FIGURES: dict[str, Callable[[], Any]] = {}


def register(name: str, figure: Callable[[], Any]) -> None:
    """Report `figure()` under `name` (informational: it never makes the host unhealthy)."""
    _FIGURES[name] = figure


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _keys() -> None:
    crypto.keyring()  # parsed once per process; settings changes reset it (crypto)


def _storage() -> None:
    """Write, read back and delete a probe through the storage API: the local folder or the
    bucket every host shares (a store that is down, refuses these credentials or lost the
    bucket fails here, whatever its client raises)."""
    name = default_storage.save(f".healthz-{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise OSError("the storage returned other bytes than those written")
    finally:
        default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "keys": _keys, "storage": _storage}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    failed, reasons = [], {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure of a check makes the host unhealthy
            failed.append(name)
            reasons[name] = type(error).__name__  # the kind of failure, never its message
            logger.warning("health check %s failed: %s", name, type(error).__name__)
    body: dict[str, Any] = {"status": "unavailable" if failed else "ok", "failed": failed}
    if reasons:
        body["reasons"] = reasons
    if "database" not in failed:
        for name, figure in _FIGURES.items():
            try:
                body[name] = figure()
            except DatabaseError:
                body[name] = None
    status = HTTPStatus.SERVICE_UNAVAILABLE if failed else HTTPStatus.OK
    return JsonResponse(body, status=status)
