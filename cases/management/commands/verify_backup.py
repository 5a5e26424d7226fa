"""`manage.py verify_backup FOLDER`: prove a restored backup usable with the keys at hand:
counts as in the manifest, every data key unwraps, a sample of sealed values and every
attachment decrypt, the access log's chain verifies. Exit 1, naming what failed, otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import backup


class Command(BaseCommand):
    help = "Verify a restored backup against its manifest, with the configured keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            manifest = backup.check(folder)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        result = backup.verify(manifest)
        for problem in result.problems[:20]:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(f"The restored copy failed {len(result.problems)} checks.")
        counts = result.counts
        self.stdout.write(
            f"Verified: {counts['cases']} cases, {counts['data_keys']} data keys unwrap,"
            f" {counts['attachments']} attachments decrypt, access log chain intact"
            f" ({counts['access_log']} rows)."
        )
