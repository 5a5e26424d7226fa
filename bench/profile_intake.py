"""Where an intake POST spends its time: N complaints in one process, under a profiler.

    .venv/bin/python bench/profile_intake.py [--requests 300] [--pyinstrument]

Same settings as bench/intake.py (fresh data directory, SQLite, DEBUG off, locmem mail, rate
limits raised), requests through Django's full handler and middleware (CSRF enforced), no
network. Prints CPU time per submission and the top of a cProfile (or a pyinstrument tree
when `--pyinstrument` is given and installed).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="ombuds-profile-"))
    try:
        from intake import parse_args, server_env

        os.environ.update(server_env(data_dir, "", parse_args([])))
        return profile(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def profile(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.test import Client
    from intake import TOKEN_RE, complaint

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ko", HTTP_HOST="127.0.0.1")
    token = TOKEN_RE.search(client.get("/complaint/").content).group(1).decode()  # type: ignore[union-attr]

    def submit(index: int) -> None:
        response = client.post("/complaint/", complaint(token, index))
        if response.status_code != 200 or b'id="reference"' not in response.content:
            raise SystemExit(f"no receipt: {response.status_code}")

    for index in range(20):  # warm-up: templates, translations, connections
        submit(index)
    started, cpu = time.perf_counter(), time.process_time()
    if args.pyinstrument:
        from pyinstrument import Profiler

        with Profiler(interval=0.0005) as profiler:
            for index in range(args.requests):
                submit(1000 + index)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        with cProfile.Profile(time.process_time) as profiler:  # CPU time, not wall
            for index in range(args.requests):
                submit(1000 + index)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{args.requests} submissions: {wall / args.requests * 1000:.2f} ms wall, "
          f"{cpu / args.requests * 1000:.2f} ms CPU each (profiler overhead included)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
