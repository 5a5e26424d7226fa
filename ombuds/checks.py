"""System checks: production refuses to start without valid keys and a real secret key."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from ombuds import crypto


def _secret_key_set() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return False


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    index_set = settings.OMBUDS_INDEX_KEYS or settings.OMBUDS_INDEX_KEY
    if settings.PRODUCTION:
        if not settings.OMBUDS_KEYS or not index_set:
            errors.append(
                checks.Error(
                    "OMBUDS_KEYS and OMBUDS_INDEX_KEYS (or OMBUDS_INDEX_KEY) must be set in "
                    "production.",
                    hint="Generate keys with `manage.py rotate_keys --new-key` on a dev machine.",
                    id="ombuds.E001",
                )
            )
        if not _secret_key_set():
            errors.append(checks.Error("DJANGO_SECRET_KEY must be set.", id="ombuds.E002"))
    try:
        crypto.parse_keys(settings.OMBUDS_KEYS) if settings.OMBUDS_KEYS else None
        if index_set:
            crypto.parse_index_keys(settings.OMBUDS_INDEX_KEYS, settings.OMBUDS_INDEX_KEY)
    except crypto.KeyConfigurationError as error:
        errors.append(checks.Error(str(error), id="ombuds.E003"))
    return errors


@checks.register(checks.Tags.compatibility)
def check_storage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.OMBUDS_STORAGE == "s3" and not settings.OMBUDS_S3_BUCKET:
        return [
            checks.Error(
                "OMBUDS_STORAGE=s3 needs OMBUDS_S3_BUCKET.",
                hint="Name the bucket every app host stores evidence in (README, Configuration).",
                id="ombuds.E004",
            )
        ]
    return []


def refuse_to_serve_without_keys() -> None:
    """For the WSGI/ASGI entry points: exit with the key checks' plain messages, no traceback."""
    errors = check_keys()
    if not errors:
        return
    for error in errors:
        hint = f" ({error.hint})" if error.hint else ""
        sys.stderr.write(f"Ombuds cannot start: {error.msg}{hint} [{error.id}]\n")
    raise SystemExit(1)
