"""Helpers shared by the in-process benchmarks: environment, PostgreSQL, timing, machine state."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.with_postgres import as_server_user, find_bindir, free_port  # noqa: E402


def _keys(data_dir: Path) -> dict[str, str]:
    """The keys of a benchmark data directory: made on first use, kept with the data."""
    path = data_dir / "bench-keys.json"
    if not path.exists():
        fresh = {name: base64.b64encode(os.urandom(32)).decode() for name in ("kek", "index")}
        path.write_text(json.dumps(fresh))
    return dict(json.loads(path.read_text()))


def django_env(data_dir: Path, database_url: str = "") -> None:
    """Point Django at a private data directory (and database): quiet, own keys, test host."""
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = _keys(data_dir)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ombuds.settings",
        OMBUDS_ENV="development",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        OMBUDS_DATA_DIR=str(data_dir),
        OMBUDS_KEYS=f"bench:{keys['kek']}",
        OMBUDS_INDEX_KEY=keys["index"],
        OMBUDS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        OMBUDS_LOG_LEVEL="WARNING",
    )
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url


@contextlib.contextmanager
def postgres(*options: str) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port, as tests/with_postgres.py runs."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="ombuds-bench-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "ombuds", "--auth=trust",
              "--encoding=UTF8", "--no-locale"]  # fmt: skip
    flags = " ".join([f"-p {port} -k {root} -c listen_addresses=127.0.0.1", *options])
    start = [str(bindir / "pg_ctl"), "-D", str(data), "-o", flags,
             "-l", str(root / "server.log"), "-w", "start"]  # fmt: skip
    try:
        subprocess.run(as_server_user(initdb), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_server_user(start), check=True, stdout=subprocess.DEVNULL)
        yield f"postgres://ombuds@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(as_server_user(stop), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def calibration_ms() -> float:
    """CPU milliseconds for a fixed pure-Python loop: how fast this machine is right now."""
    started = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.process_time() - started) * 1000


def machine() -> str:
    """One line about the machine and how busy it is (other processes skew every figure)."""
    load = os.getloadavg()
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f}, "
        f"calibration loop {calibration_ms():.0f} ms CPU"
    )
