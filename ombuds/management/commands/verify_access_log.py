"""Walk the access log's hash chain and report the first row that does not verify."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ombuds.accesslog import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the access log's hash chain, in batches. Exits non-zero at the first broken row. "
        "Keep the head it prints elsewhere: deleting the newest rows shows only against it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, batch_size: int, verbosity: int, **options: Any) -> None:
        def progress(rows: int) -> None:
            if verbosity >= 1:
                self.stderr.write(f"… {rows} rows verified so far")

        report = verify_chain(batch_size=max(batch_size, 1), progress=progress)
        if not report.ok:
            where = f"row {report.broken_id}" if report.broken_id is not None else "the anchor"
            raise CommandError(
                f"Access log chain broken at {where}: {report.problem} "
                f"({report.rows} rows before it verified)."
            )
        self.stdout.write(f"{report.rows} rows verified.")
        if report.head_id is not None:
            self.stdout.write(f"Head: row {report.head_id}, MAC {report.head_mac}")
