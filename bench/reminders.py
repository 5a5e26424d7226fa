"""`manage.py send_reminders` at scale: wall time, peak memory and queries at 100k and 1M cases.

    .venv/bin/python bench/reminders.py [--sizes 100000,1000000] [--data-dir DIR] [--day DAY]
                                        [--repeat 3] [--batch 5000] [--json FILE]

Seeds a fresh database as bench/staff.py does (`seed_cases`, a copy kept at each size but the
last), or, with `--data-dir`, reuses one bench/staff.py left there (`ombuds.sqlite3` for the
largest size, `at-<size>.sqlite3` for the others, and their `bench-keys.json`), migrated to the
current commit. The seeded staff have no email address, so nobody would be reminded: the bench
gives each one (`<username>@bench.example.org`) and puts the ombudsperson and one intake officer
on the daily digest, the others on immediate alerts.

Each measurement starts from a fresh copy of the database (`scratch-reminders.sqlite3` in the
data directory) and runs the command twice in separate processes, as cron would on one day:
the first run queues the day's reminders, the second must queue nothing. A child process
reports its wall time (the command alone, Django's start-up left out), its peak resident memory
(`ru_maxrss`, start-up included) and the SQL statements it ran (counted by an execute wrapper,
nothing kept); the rows added to the outbox and the reminder records are counted after each run.
Medians over `--repeat` copies; the load average is printed beside each.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, django_env, machine

DIGEST_MEMBERS = ("seed-ombudsperson", "seed-intake-1")
SCRATCH = "scratch-reminders.sqlite3"
FIGURES = ("wall_s", "peak_rss_mb", "anon_growth_mb", "queries", "added_staff_reminder",
           "added_staff_digest", "added_follow_up", "load")  # fmt: skip


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="case counts, ascending")
    parser.add_argument("--data-dir", help="reuse (or keep) the databases and keys here")
    parser.add_argument("--day", default="", help="the day reminded for (default: today)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh copies measured per size")
    parser.add_argument("--batch", type=int, default=5000, help="seed_cases --batch")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--reading", action="store_true", help="only read the cases within reach (writes nothing)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a database to run the command on
    return parser.parse_args(argv)


class AnonymousPeak(threading.Thread):
    """The peak of the process's anonymous resident memory (`RssAnon`: Python's heap and
    SQLite's page cache), sampled every 50 ms. `ru_maxrss` also counts the pages of the database
    file SQLite reads through its memory map (`mmap_size`, 1 GiB), which grow with the data read
    but are the kernel's page cache, shared and dropped under pressure."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0

    @staticmethod
    def now_kb() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
        return 0

    def run(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, self.now_kb())
            time.sleep(0.05)


def reading(day: str) -> dict[str, Any]:
    """Read the cases within reach as `send` does, and nothing else (the part whose memory
    grew with the cases). The code before batching returned one list; it now yields batches."""
    from cases import reminders

    found: Any = reminders.cases_within_reach(date.fromisoformat(day))
    if isinstance(found, tuple):  # before: (every case within reach, plans)
        return {"cases_read": len(found[0])}
    return {"cases_read": sum(len(cases) for cases in found)}


def child(args: argparse.Namespace) -> None:
    """Run `send_reminders` once on `args.child`; print one JSON line of figures."""
    os.environ["OMBUDS_SQLITE_PATH"] = args.child
    django_env(Path(args.data_dir))
    os.environ["OMBUDS_SQLITE_PATH"] = args.child
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case
    from notifications.models import Notification, ReminderSent

    assert Path(sys.modules["cases"].__file__ or "").is_relative_to(ROOT)  # this checkout's code
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    def rows() -> dict[str, int]:
        found = {event: Notification.objects.filter(event=event).count()
                 for event in ("staff_reminder", "staff_digest", "follow_up")}  # fmt: skip
        return {**found, "records": ReminderSent.objects.count()}

    before, out, peak = rows(), StringIO(), AnonymousPeak()
    at_start, extra = peak.now_kb(), {}
    peak.start()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        if args.reading:
            extra = reading(args.day)
        else:
            call_command("send_reminders", "--day", args.day, stdout=out)
        wall = time.perf_counter() - started
    after = rows()
    print(json.dumps({
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "anon_growth_mb": round((max(peak.peak_kb, peak.now_kb()) - at_start) / 1024),
        "queries": statements,
        "cases": Case.objects.count(),
        **{f"added_{name}": after[name] - before[name] for name in after},
        **extra,
        "said": out.getvalue().rsplit("\r", 1)[-1].strip(),
    }))  # fmt: skip


def prepare(database: Path) -> None:
    """Give the seeded staff addresses (and two of them the digest) in `database`."""
    db = sqlite3.connect(database, isolation_level=None)  # autocommit: each statement its own
    try:
        db.execute("UPDATE ombuds_user SET email = username || '@bench.example.org' "
                   "WHERE username LIKE 'seed-%'")  # fmt: skip
        marks = ",".join("?" * len(DIGEST_MEMBERS))
        db.execute(f"UPDATE ombuds_user SET alerts = 'digest' WHERE username IN ({marks})",  # noqa: S608
                   DIGEST_MEMBERS)  # fmt: skip
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def fresh_copy(source: Path, data_dir: Path) -> Path:
    """A copy of `source` (checkpointed first) to run the command on."""
    db = sqlite3.connect(source, isolation_level=None)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    target = data_dir / SCRATCH
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    prepare(target)
    return target


def run_child(
    database: Path, data_dir: Path, day: str, *, only_read: bool = False
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(database), "--data-dir", str(data_dir),
               "--day", day, *(["--reading"] if only_read else [])]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    found["load"] = round(os.getloadavg()[0], 2)
    return found


def measure(databases: dict[int, Path], data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for size, database in databases.items():
        if args.reading:
            found = [run_child(database, data_dir, args.day, only_read=True)
                     for _ in range(args.repeat)]  # fmt: skip
            print(f"{size:,} cases, reading only: {json.dumps(found)}", flush=True)
            figures[str(size)] = {key: statistics.median(f[key] for f in found)
                                  for key in ("wall_s", "peak_rss_mb", "anon_growth_mb",
                                              "queries", "cases_read", "load")}  # fmt: skip
            continue
        runs: list[list[dict[str, Any]]] = []
        for turn in range(args.repeat):
            scratch = fresh_copy(database, data_dir)
            pair = [run_child(scratch, data_dir, args.day) for _ in range(2)]
            for number, found in enumerate(pair, start=1):
                print(f"{size:,} cases, copy {turn + 1}, run {number}: {json.dumps(found)}",
                      flush=True)  # fmt: skip
            assert pair[1]["added_staff_reminder"] == pair[1]["added_staff_digest"] == 0, pair
            assert pair[1]["added_follow_up"] == 0, pair
            runs.append(pair)
        figures[str(size)] = {
            f"run{n + 1}": {key: statistics.median(r[n][key] for r in runs) for key in FIGURES}
            for n in range(2)
        }
        figures[str(size)]["said"] = runs[-1][0]["said"]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{data_dir / SCRATCH}{suffix}").unlink(missing_ok=True)
    return figures


def report(figures: dict[str, Any], sizes: list[int]) -> None:
    small, large = (figures[str(sizes[0])], figures[str(sizes[-1])])
    print(f"\n| run | figure | {sizes[0]:,} | {sizes[-1]:,} | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for run in ("run1", "run2"):
        for key in FIGURES:
            a, b = small[run][key], large[run][key]
            ratio = f"{b / a:.2f}" if a else "-"
            print(f"| {run} | {key} | {a:,} | {b:,} | {ratio} |")


def databases_in(data_dir: Path, sizes: list[int], batch: int) -> dict[int, Path]:
    """The database of each size: kept ones migrated, missing ones seeded."""
    from django.core.management import call_command
    from staff import migrate_kept, seed, snapshot

    call_command("migrate", verbosity=0)
    found: dict[int, Path] = {}
    for size in sizes:
        kept = data_dir / f"at-{size}.sqlite3"
        if size != sizes[-1] and kept.exists():
            migrate_kept(str(kept))
            found[size] = kept
            continue
        print(f"Seeding to {size:,} cases…", flush=True)
        seed(size, batch)
        found[size] = (
            data_dir / "ombuds.sqlite3" if size == sizes[-1] else Path(snapshot(size, data_dir))
        )
    return found


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    sizes, temporary = [int(s) for s in args.sizes.split(",")], not args.data_dir
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="ombuds-bench-reminders-"))
    args.data_dir = str(data_dir)
    django_env(data_dir)
    import django

    django.setup()
    from django.utils import timezone

    args.day = args.day or timezone.localdate().isoformat()  # the command's default day
    try:
        print(f"Machine: {machine()}; reminding for {args.day}", flush=True)
        databases = databases_in(data_dir, sizes, args.batch)
        from django.db import connections

        connections.close_all()
        figures = measure(databases, data_dir, args)
        if not args.reading:
            report(figures, sizes)
        print(f"\nMachine after: {machine()}")
        if args.json:
            Path(args.json).write_text(json.dumps({"day": args.day, "figures": figures}, indent=1))
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
