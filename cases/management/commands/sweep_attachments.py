"""`manage.py sweep_attachments [--older-than-minutes M]`: remove orphaned attachment files.

A process killed between writing an evidence file and the end of its transaction leaves a
sealed file that no row names (a transaction that fails while its process lives removes its own
files). This removes such files once they are older than `OMBUDS_ORPHAN_FILE_AGE` (default an
hour, so no transaction still under way loses its files). The files are listed through the
storage API: the local folder, or the S3 bucket (`OMBUDS_STORAGE=s3`) every host shares.
Cron-friendly: safe to run at any time, on any host, as often as wanted; `make run` runs it on
start.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cases.attachments import sweep_orphans


class Command(BaseCommand):
    help = "Remove attachment files that no attachment row names (left by killed processes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=float,
            default=None,
            help="Only files last written this long ago (default OMBUDS_ORPHAN_FILE_HOURS).",
        )

    def handle(self, *args: Any, older_than_minutes: float | None, **options: Any) -> None:
        age = (
            settings.OMBUDS_ORPHAN_FILE_AGE
            if older_than_minutes is None
            else timedelta(minutes=older_than_minutes)
        )
        removed = sweep_orphans(older_than=age)
        minutes = round(age.total_seconds() / 60)
        self.stdout.write(f"Removed {removed} orphaned attachment files older than {minutes} min.")
