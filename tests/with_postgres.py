"""Run a command against a throwaway PostgreSQL cluster of its own.

    python tests/with_postgres.py -- python -m pytest

Finds PostgreSQL's server binaries, creates a cluster in a temporary directory, starts it on a
free loopback port, runs the command with DATABASE_URL pointing at it, and removes it all
afterwards. No running server and no root are needed; as root it runs the server as the
`postgres` user (initdb refuses root). Without the binaries it says so and exits 0, unless
OMBUDS_REQUIRE_POSTGRES=1 (CI), when that is an error.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = [os.environ.get("OMBUDS_PG_BINDIR", "")]
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(result.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in filter(None, candidates):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.environ.get("OMBUDS_REQUIRE_POSTGRES") == "1":
            print(f"ERROR: {message}; the PostgreSQL run is required here.", file=sys.stderr)
            return 1
        print(f"NOTICE: {message}: skipping the PostgreSQL test run (SQLite ran).")
        return 0
    root = Path(tempfile.mkdtemp(prefix="ombuds-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    try:
        subprocess.run(
            as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "ombuds",
                            "--auth=trust", "--encoding=UTF8", "--no-locale"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                            "-l", str(root / "server.log"), "-w", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"PostgreSQL ({bindir}) on 127.0.0.1:{port}: running {' '.join(command)}")
        env = {**os.environ, "DATABASE_URL": f"postgres://ombuds@127.0.0.1:{port}/postgres"}
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        subprocess.run(
            as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
