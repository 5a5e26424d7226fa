"""`manage.py reindex_people [--batch 500]`: blind-index the people indexed under older rules.

After an upgrade that adds an index or changes its rules (`cases.people.INDEX_VERSION`), every
person's name, phone and email indexes are computed again from their sealed values, one
committed batch at a time: interrupt it whenever, and run it again to go on where it stopped.
Until it has run, the person search may miss the people not yet indexed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.models import Person
from cases.people import INDEX_VERSION, reindex


class Command(BaseCommand):
    help = "Blind-index the name, phone and email of people indexed under older rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="people per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = Person.objects.filter(index_version__lt=INDEX_VERSION).count()
        self.stdout.write(f"{waiting} people to index (rules version {INDEX_VERSION}).")

        verbose = options["verbosity"] > 1

        def progress(done: int) -> None:
            if verbose or done == waiting:
                self.stdout.write(f"{done}/{waiting} indexed")

        done = reindex(batch=options["batch"], progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Done: {done} people indexed."))
