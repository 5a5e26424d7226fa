from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics for auditors: a reader of the workflow's coded fields (docs/statistics.md).

    Named `stats`, not `statistics`: a top-level package of that name would shadow Python's
    own `statistics` module, which Django's SQLite backend imports."""

    name = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from stats import checks  # noqa: F401 - registers the check on OMBUDS_STATS_K
