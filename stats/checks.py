"""The disclosure threshold k: a setting (default 10), refused below 5 (docs/statistics.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

MINIMUM_K = 5


@checks.register(checks.Tags.security)
def check_threshold(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    k = settings.OMBUDS_STATS_K
    if isinstance(k, int) and k >= MINIMUM_K:
        return []
    message = f"OMBUDS_STATS_K must be a whole number of at least {MINIMUM_K}, not {k!r}."
    return [checks.Error(message, id="stats.E001")]
