"""`manage.py restore FOLDER`: check a backup against its manifest, then copy it into this
install's (empty) data directory: OMBUDS_SQLITE_PATH / OMBUDS_DATA_DIR, and the (empty)
attachment storage, OMBUDS_MEDIA_ROOT or the S3 bucket.
A backup that does not match its manifest is reported and nothing is written. Run
`verify_backup FOLDER` next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cases import backup


class Command(BaseCommand):
    help = "Restore a backup into an empty data directory, after checking every checksum."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("on PostgreSQL, restore the database with pg_restore (README)")
        database = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        try:
            manifest = backup.restore(folder, database=database, progress=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(f"Not restored: {error}.") from None
        self.stdout.write(
            f"Restored {manifest['counts']['cases']} cases and {len(manifest['files'])} files"
            f" from {folder}. Now run verify_backup {folder}."
        )
