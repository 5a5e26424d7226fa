"""`rotate_keys` killed with SIGKILL mid-run: every data key still unwraps (with the old or the
new key), and running it again finishes the job. A real process, the real test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from ombuds import crypto
from ombuds.models import DataKey
from tests.conftest import TEST_INDEX_KEY
from tests.ombuds.test_rotate_keys import NEW, OLD

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KEYS = 3000


def rotate_keys_process(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "OMBUDS_KEYS": f"{NEW},{OLD}", "OMBUDS_INDEX_KEY": TEST_INDEX_KEY,
           "PYTHONWARNINGS": "ignore"}  # fmt: skip
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["OMBUDS_SQLITE_PATH"] = str(database["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    return subprocess.Popen([sys.executable, "manage.py", "rotate_keys", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip


def test_a_rotation_killed_mid_run_leaves_every_key_readable_and_a_rerun_finishes(settings):
    settings.OMBUDS_KEYS = OLD
    ring = crypto.keyring()
    with transaction.atomic():
        DataKey.objects.bulk_create(
            DataKey(kek_id=kek_id, wrapped=wrapped)
            for kek_id, wrapped in (crypto.wrap_data_key(os.urandom(32), ring=ring)
                                    for _ in range(KEYS))
        )  # fmt: skip
    settings.OMBUDS_KEYS = f"{NEW},{OLD}"

    rotation = rotate_keys_process("--batch", "100")
    assert rotation.stdout is not None
    while True:  # wait until a few batches are committed, then kill it without warning
        line = rotation.stdout.readline()
        if line.startswith("300/"):
            break
        assert line, "rotate_keys ended before it was killed"
    rotation.send_signal(signal.SIGKILL)
    rotation.wait()
    rotation.stdout.close()

    kinds = dict.fromkeys(("old", "new"), 0)
    for key in DataKey.objects.all():
        key.secret()  # raises if any key was left half-written
        kinds[key.kek_id] += 1
    assert kinds["new"] >= 300
    assert kinds["old"] > 0

    finish = rotate_keys_process()
    out, _ = finish.communicate(timeout=120)
    assert finish.returncode == 0, out
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {"new"}
    assert all(key.secret() for key in DataKey.objects.all())
