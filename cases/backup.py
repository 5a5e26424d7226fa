"""Backups that can be trusted: a consistent snapshot, a manifest, a verified restore.

`take` writes, into an empty (or a previous attempt's) folder:

- `db.sqlite3`: SQLite's online backup of the live database in one step, a consistent snapshot
  taken while the office keeps filing complaints (WAL readers do not block writers);
- `attachments/`: the sealed evidence files that the snapshot's rows name, read through the
  storage API from the local folder or the S3 bucket (a file already there is kept: a rerun
  resumes);
- `manifest.json`: when, row counts, the SHA-256 of the database file and of every file, and the
  ids of the key-encryption keys that wrap the data keys (never the keys: back those up apart).

`restore` checks every checksum against the manifest before it writes anything, and refuses a
backup that does not match; `verify` then proves the restored copy usable with the keys at
hand: every data key unwraps, a sample of sealed values and every attachment decrypt, the
access log's chain verifies, and the counts are the manifest's. `restore` writes the files back
through the storage API too, so either storage works. On PostgreSQL, the database is backed up
with `pg_dump` and the bucket or folder alongside it (README, "Backups"); these commands handle
SQLite.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from cases import attachments
from cases.models import Attachment, Case, CaseEvent, Person
from ombuds.accesslog import verify_chain
from ombuds.models import AccessLogEntry, DataKey

DATABASE, FILES, MANIFEST = "db.sqlite3", "attachments", "manifest.json"
COUNTED = {
    "cases": "cases_case",
    "people": "cases_person",
    "events": "cases_caseevent",
    "attachments": "cases_attachment",
    "data_keys": "ombuds_datakey",
    "access_log": "ombuds_accesslogentry",
}
SAMPLE = 200
Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup cannot be taken, or does not match its manifest."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _require_sqlite() -> Path:
    if connection.vendor != "sqlite":
        raise BackupError("on PostgreSQL, back the database up with pg_dump (README, Backups)")
    return Path(str(connection.settings_dict["NAME"]))


def _snapshot(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)  # every page in one step: one read transaction, one snapshot
    copy.close()


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {
            name: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for name, table in COUNTED.items()
        }


def take(folder: Path, *, progress: Progress = lambda line: None) -> dict[str, Any]:
    source = _require_sqlite()
    (folder / FILES).mkdir(parents=True, exist_ok=True)
    progress("Copying the database (one consistent snapshot)…")
    _snapshot(source, folder / DATABASE)
    with sqlite3.connect(folder / DATABASE) as db:
        names = [name for (name,) in db.execute("SELECT storage_name FROM cases_attachment")]
        kek_ids = sorted({k for (k,) in db.execute("SELECT DISTINCT kek_id FROM ombuds_datakey")})
    files, missing = {}, []
    for number, name in enumerate(names, 1):
        target = folder / FILES / name
        if not (target.exists() and target.stat().st_size > 0):
            try:
                with default_storage.open(name, "rb") as stored, target.open("wb") as out:
                    shutil.copyfileobj(stored, out)
            except FileNotFoundError:
                missing.append(name)  # erased since the snapshot: its row is gone now too
                continue
        files[name] = sha256(target)
        if number % 500 == 0 or number == len(names):
            progress(f"Copied {number} of {len(names)} attachment files")
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "counts": _counts(folder / DATABASE),
        "database_sha256": sha256(folder / DATABASE),
        "files": files,
        "missing_files": missing,
        "kek_ids": kek_ids,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def check(folder: Path) -> dict[str, Any]:
    """The manifest, once every checksum in it matches; BackupError naming the first that
    does not."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest in {folder}: {type(error).__name__}") from None
    database = folder / DATABASE
    if not database.exists() or sha256(database) != manifest["database_sha256"]:
        raise BackupError("the database file does not match the manifest")
    for name, digest in manifest["files"].items():
        path = folder / FILES / name
        if not path.exists() or sha256(path) != digest:
            raise BackupError(f"attachment file {name} does not match the manifest")
    return manifest


def restore(folder: Path, *, database: Path, progress: Progress) -> dict[str, Any]:
    """Check the backup whole, then copy it into an empty database file and an empty attachment
    storage (a folder, or a bucket: the files go through the storage API)."""
    manifest = check(folder)
    if database.exists() or _storage_in_use():
        raise BackupError("restore only into an empty data directory and attachment storage")
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / DATABASE, database)
    for number, name in enumerate(manifest["files"], 1):
        with (folder / FILES / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"the storage renamed {name} to {saved}")
        if number % 500 == 0 or number == len(manifest["files"]):
            progress(f"Restored {number} of {len(manifest['files'])} attachment files")
    return manifest


def _storage_in_use() -> bool:
    try:
        folders, files = default_storage.listdir("")
    except FileNotFoundError:  # a folder not made yet
        return False
    return bool(folders or files)


@dataclass
class Verified:
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)


def verify(manifest: dict[str, Any]) -> Verified:
    """Prove the database this process uses (a restored copy) readable with the keys at hand."""
    counts = {
        "cases": Case.objects.count(),
        "people": Person.objects.count(),
        "events": CaseEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "data_keys": DataKey.objects.count(),
        "access_log": AccessLogEntry.objects.count(),
    }
    result = Verified(counts)
    if counts != manifest["counts"]:
        result.problems.append(f"counts {counts} differ from the manifest's {manifest['counts']}")
    for key in DataKey.objects.filter(wrapped__isnull=False).iterator(chunk_size=2000):
        try:
            key.secret()
        except Exception as error:
            result.problems.append(f"data key {key.pk} does not unwrap ({type(error).__name__})")
    for case in Case.objects.select_related("data_key").filter(erased_at__isnull=True)[:SAMPLE]:
        _try(result, f"case {case.reference}", partial(getattr, case, "narrative"))
    for item in Attachment.objects.select_related("data_key").iterator(chunk_size=500):
        _try(result, f"attachment {item.uid}", partial(attachments.read, item))
    chain = verify_chain()
    if chain.problem:
        result.problems.append(f"access log: {chain.problem} at row {chain.broken_id}")
    return result


def _try(result: Verified, what: str, read: Callable[[], object]) -> None:
    try:
        read()
    except Exception as error:
        result.problems.append(f"{what} does not decrypt ({type(error).__name__})")
