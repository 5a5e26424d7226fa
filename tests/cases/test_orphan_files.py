"""Files left by a process killed mid-transaction are swept; no other file ever is."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.attachments import sweep_orphans
from tests import factories
from tests.cases.faults import files_in

pytestmark = pytest.mark.django_db


def orphan(folder: Path, name: str, *, age: timedelta) -> None:
    path = folder / name
    path.write_bytes(b"sealed bytes of a rolled-back row")
    then = time.time() - age.total_seconds()
    os.utime(path, (then, then))


def test_only_old_files_without_a_row_are_swept(settings):
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    filed = factories.file_case(evidence=[factories.pdf()])
    (kept,) = filed.case.attachments.values_list("storage_name", flat=True)
    os.utime(folder / kept, (0, 0))  # old, but its row exists
    orphan(folder, "a" * 32 + ".sealed", age=timedelta(hours=2))
    orphan(folder, "b" * 32 + ".sealed", age=timedelta(minutes=5))  # a transaction under way
    orphan(folder, "notes.txt", age=timedelta(days=9))  # not ours

    assert sweep_orphans(older_than=timedelta(hours=1)) == 1
    assert files_in(folder) == {kept, "b" * 32 + ".sealed", "notes.txt"}


def test_the_command_says_what_it_removed(settings):
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    folder.mkdir(parents=True, exist_ok=True)
    orphan(folder, "c" * 32 + ".sealed", age=timedelta(hours=3))
    out = StringIO()
    call_command("sweep_attachments", stdout=out)
    assert out.getvalue() == "Removed 1 orphaned attachment files older than 60 min.\n"
    assert files_in(folder) == set()


def test_a_new_install_without_a_single_file_sweeps_nothing(settings):
    assert not Path(settings.STORAGES["default"]["OPTIONS"]["location"]).exists()
    out = StringIO()
    call_command("sweep_attachments", stdout=out)
    assert out.getvalue().startswith("Removed 0 orphaned attachment files")
