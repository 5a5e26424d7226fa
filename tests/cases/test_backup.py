"""Backup while complaints keep coming, restore into a fresh directory, verify with the keys;
a corrupted backup is reported and not restored. SQLite (PostgreSQL uses pg_dump)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from cases import backup
from cases.models import Case
from tests import factories
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL the database is backed up with pg_dump")


def manage(
    *args: str, data: Path, keys: str = TEST_KEYS, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`manage.py` in another process, on the data directory `data` (a restored install);
    `env` adds variables (another attachment storage, say)."""
    env = {**os.environ, "OMBUDS_DATA_DIR": str(data), "OMBUDS_MEDIA_ROOT": str(data / "files"),
           "OMBUDS_SQLITE_PATH": str(data / "ombuds.sqlite3"), "OMBUDS_KEYS": keys,
           "OMBUDS_INDEX_KEY": TEST_INDEX_KEY, "PYTHONWARNINGS": "ignore",
           **(env or {})}  # fmt: skip
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def file_complaints(count: int, failures: list[BaseException]) -> None:
    try:
        for _ in range(count):
            factories.file_case(evidence=[factories.pdf(), factories.png()])
    except BaseException as error:
        failures.append(error)
    finally:
        connection.close()


def test_a_backup_taken_during_intake_restores_and_verifies(tmp_path):
    for _ in range(5):
        factories.file_case(evidence=[factories.pdf()])
    failures: list[BaseException] = []
    intake = threading.Thread(target=file_complaints, args=(15, failures))
    intake.start()
    manifest = backup.take(tmp_path / "backup")
    intake.join()
    assert failures == []
    assert 5 <= manifest["counts"]["cases"] <= 20
    assert len(manifest["files"]) == manifest["counts"]["attachments"]
    assert manifest["kek_ids"] == ["test1"]
    assert TEST_KEYS.split(":")[1] not in (tmp_path / "backup" / "manifest.json").read_text()

    restored = manage("restore", str(tmp_path / "backup"), data=tmp_path / "restored")
    assert restored.returncode == 0, restored.stderr
    verified = manage("verify_backup", str(tmp_path / "backup"), data=tmp_path / "restored")
    assert verified.returncode == 0, verified.stderr
    assert f"Verified: {manifest['counts']['cases']} cases" in verified.stdout
    assert Case.objects.count() == 20  # the live install went on meanwhile


def test_a_corrupted_backup_is_reported_and_not_restored(tmp_path):
    factories.file_case(evidence=[factories.pdf()])
    manifest = backup.take(tmp_path / "backup")
    (name,) = manifest["files"]
    damaged = tmp_path / "backup" / "attachments" / name
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    restored = manage("restore", str(tmp_path / "backup"), data=tmp_path / "restored")
    assert restored.returncode != 0
    assert f"Not restored: attachment file {name} does not match the manifest" in restored.stderr
    assert not (tmp_path / "restored" / "ombuds.sqlite3").exists()


def test_a_restore_without_the_right_keys_fails_verification(tmp_path):
    factories.file_case(evidence=[factories.pdf()])
    backup.take(tmp_path / "backup")
    assert manage("restore", str(tmp_path / "backup"), data=tmp_path / "r").returncode == 0
    other = "test1:" + base64.b64encode(b"x" * 32).decode()
    verified = manage("verify_backup", str(tmp_path / "backup"), data=tmp_path / "r", keys=other)
    assert verified.returncode != 0
    assert "does not unwrap" in verified.stderr
