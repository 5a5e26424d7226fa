"""Key rotation at scale: `manage.py rotate_keys` over 100k and 1M data keys.

    .venv/bin/python bench/rotation.py [--sizes 100000,1000000] [--database sqlite|postgres]
                                       [--batch 5000] [--json FILE]

Rotation reads and writes the data-key table only (one data key per case; the cases and
everything sealed with their keys are never touched), so this seeds that table: N data keys,
each a random 256-bit key wrapped by the "old" key-encryption key exactly as intake wraps it.
Then it puts a "new" key first in OMBUDS_KEYS and runs `manage.py rotate_keys` as a separate
process, as an operator would, timing it and reading its peak memory (the child's maximum
resident set); then `rotate_keys --check` must pass. The goal: 1M data keys in 60 s or less.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, django_env, machine, postgres

OLD = "old:" + base64.b64encode(os.urandom(32)).decode()
NEW = "new:" + base64.b64encode(os.urandom(32)).decode()
GOAL_SECONDS = 60.0


def seed(count: int) -> None:
    """`count` data keys wrapped by OLD, inserted in batches of 10,000."""
    from django.db import transaction

    from ombuds import crypto
    from ombuds.models import DataKey

    ring = crypto.keyring()
    have = DataKey.objects.count()
    for start in range(have, count, 10_000):
        rows = [
            DataKey(kek_id=kek_id, wrapped=wrapped)
            for kek_id, wrapped in (
                crypto.wrap_data_key(os.urandom(32), ring=ring)
                for _ in range(min(10_000, count - start))
            )
        ]
        with transaction.atomic():
            DataKey.objects.bulk_create(rows, batch_size=2000)
        print(f"seeded {start + len(rows)}/{count}", end="\r", flush=True)
    print()


def rotate(batch: int) -> dict[str, Any]:
    env = {**os.environ, "OMBUDS_KEYS": f"{NEW},{OLD}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "rotate_keys", "--batch", str(batch)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "manage.py", "rotate_keys", "--check"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(max(peak_kb, before) / 1024),
            "rss_note": "the largest child so far (ru_maxrss of all children)"}  # fmt: skip


def run(args: argparse.Namespace, database_url: str) -> list[dict[str, Any]]:
    django_env(Path(tempfile.mkdtemp(prefix="ombuds-bench-rotation-")), database_url)
    os.environ["OMBUDS_KEYS"] = OLD
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures = []
    for size in (int(n) for n in args.sizes.split(",")):
        from django.db import connection

        from ombuds.models import DataKey

        # Back to OLD for the keys of the next size; the keys rotated already stay on NEW, so
        # wrap them again under OLD (a rotation backwards, not timed) before growing the table.
        os.environ["OMBUDS_KEYS"] = f"{OLD},{NEW}"
        subprocess.run([sys.executable, "manage.py", "rotate_keys"], cwd=ROOT, env=os.environ,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        os.environ["OMBUDS_KEYS"] = OLD
        seed(size)
        connection.close()
        assert DataKey.objects.count() == size
        figure = {"database": args.database, "data_keys": size, **rotate(args.batch)}
        figure["keys_per_second"] = round(size / figure["seconds"])
        figure["goal_met"] = size < 1_000_000 or figure["seconds"] <= GOAL_SECONDS
        print(json.dumps(figure), flush=True)
        figures.append(figure)
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    print(machine(), flush=True)
    if args.database == "postgres":
        with postgres("-c shared_buffers=512MB") as url:
            figures = run(args, url)
    else:
        figures = run(args, "")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if all(f["goal_met"] for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
