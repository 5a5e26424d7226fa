"""`manage.py backup FOLDER`: a consistent backup of the database and the evidence files, with a
manifest of checksums, while the office keeps working (cases.backup). Never the keys. Run again
into the same folder to finish an interrupted run (files already copied are kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import backup


class Command(BaseCommand):
    help = "Back up the SQLite database and the evidence files, with a checksum manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            manifest = backup.take(folder, progress=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"Backed up {counts['cases']} cases and {len(manifest['files'])} attachment files"
            f" to {folder} ({len(manifest['missing_files'])} erased meanwhile). The keys are"
            f" not in it: keep OMBUDS_KEYS ({', '.join(manifest['kek_ids']) or 'none'}) and"
            " OMBUDS_INDEX_KEY apart."
        )
