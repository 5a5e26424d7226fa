"""Statistics at scale: dashboard, cross-tab, annual report and CSV export at 100k and 1M cases.

    .venv/bin/python bench/stats.py [--sizes 100000,1000000] [--requests 100] [--warmup 5]
                                    [--rounds 5] [--database sqlite|postgres]
                                    [--database-url postgres://…]
                                    [--data-dir DIR] [--json FILE]

Seeds (or reuses, with `--data-dir`) the databases as bench/staff.py does, then measures, as a
signed-in auditor with a verified second factor (django.test.Client, in process):

- cold: the first request of the day for a period, which reads the period's coded records
  and builds its release (stats.releases), and the first request of a cross-tabulation;
- warm: p50 and p95 of every page over `--requests` requests, in `--rounds` rounds taking
  turns between sizes, and the SQL queries a page makes (the release is read, never rebuilt).

Pages: the dashboard for last year and for ten years, a two-way cross-tab (right by respondent
body), the annual report of last year, and a CSV export (complaints by respondent body).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, machine, percentile, postgres
from staff import connect, migrate_kept, seed, signed_in, snapshot

# This script's own name would hide the `stats` app: the project's root comes first.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in {_HERE, ""}] + [_HERE]
sys.modules.pop("stats", None)

GOAL_MS, RATIO_GOAL = 100.0, 1.5


@dataclass
class Figure:
    size: int
    page: str
    cold_ms: float
    p50_ms: float
    p95_ms: float
    queries: int


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="case counts, ascending")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument("--rounds", type=int, default=5, help="turns taken between the sizes")
    parser.add_argument("--batch", type=int, default=5000, help="seed_cases --batch")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="",
                        help="an existing PostgreSQL database (postgres://…) instead of a "
                        "throwaway cluster; its data is kept")  # fmt: skip
    parser.add_argument("--data-dir", help="keep the data here (and reuse it next time)")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def pages() -> dict[str, str]:
    from django.urls import reverse
    from django.utils import timezone

    year = timezone.localdate().year - 1
    ten = f"date_from={year - 9}-01-01&date_to={year}-12-31"
    return {
        "dashboard (last year)": f"{reverse('stats:dashboard')}?year={year}",
        "dashboard (ten years)": f"{reverse('stats:dashboard')}?{ten}",
        "cross-tab right x body": f"{reverse('stats:crosstab')}?rows=right&cols=body&year={year}",
        "annual report": f"{reverse('stats:report')}?year={year}",
        "CSV export (by body)": f"{reverse('stats:export')}?table=one:body&year={year}",
    }


def auditor() -> Any:
    from ombuds.models import User
    from ombuds.roles import Role, ensure_groups

    user, made = User.objects.get_or_create(username="bench-auditor")
    if made:
        user.groups.add(ensure_groups()[Role.AUDITOR])
    return signed_in(user)


def get(client: Any, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def cold(client: Any, urls: dict[str, str]) -> dict[str, float]:
    """Each page's first request with no release of today: the release is built then."""
    from stats.models import Release

    Release.objects.all().delete()
    return {page: get(client, url) for page, url in urls.items()}


def queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def measure(databases: dict[int, str], args: argparse.Namespace) -> list[Figure]:
    from django.db import connections

    wrappers = {size: connect(name) for size, name in databases.items()}
    clients, colds, counts = {}, {}, {}
    for size, wrapper in wrappers.items():
        connections["default"] = wrapper
        clients[size] = auditor()
        colds[size] = cold(clients[size], pages())
        for page, url in pages().items():
            for _ in range(args.warmup):
                get(clients[size], url)
            counts[size, page] = queries(clients[size], url)
    latencies: dict[tuple[int, str], list[float]] = {key: [] for key in counts}
    per_round = max(1, args.requests // args.rounds)
    for turn in range(args.rounds):
        print(f"Round {turn + 1}/{args.rounds}: {machine()}", flush=True)
        for size, wrapper in wrappers.items():
            connections["default"] = wrapper
            for page, url in pages().items():
                latencies[size, page] += [get(clients[size], url) for _ in range(per_round)]
    return [
        Figure(size, page, round(colds[size][page], 1), round(percentile(values, 0.5), 2),
               round(percentile(values, 0.95), 2), counts[size, page])
        for (size, page), values in latencies.items()
    ]  # fmt: skip


def report(figures: list[Figure], sizes: list[int]) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\n| page | cold at {small:,} / {large:,} (ms) | p50 / p95 at {small:,} (ms) "
          f"| p50 / p95 at {large:,} (ms) | ratio p50 / p95 | queries |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    index = {(f.size, f.page): f for f in figures}
    slow, steep = [], []
    for f in (f for f in figures if f.size == small):
        big = index[large, f.page]
        q = f"{f.queries}" if f.queries == big.queries else f"{f.queries} → {big.queries} (!)"
        print(f"| {f.page} | {f.cold_ms:,.0f} / {big.cold_ms:,.0f} | {f.p50_ms:.1f} / "
              f"{f.p95_ms:.1f} | {big.p50_ms:.1f} / {big.p95_ms:.1f} | "
              f"{big.p50_ms / f.p50_ms:.2f} / {big.p95_ms / f.p95_ms:.2f} | {q} |")  # fmt: skip
        slow += [f.page] if big.p95_ms > GOAL_MS else []
        steep += [f.page] if big.p95_ms / f.p95_ms > RATIO_GOAL else []
    print(f"\np95 ≤ {GOAL_MS:.0f} ms at {large:,}: " + ("met" if not slow else f"missed: {slow}"))
    print(f"{large:,}/{small:,} p95 ratio ≤ {RATIO_GOAL}: "
          + ("met" if not steep else f"missed: {steep}"))  # fmt: skip


def run(args: argparse.Namespace, database_url: str) -> list[Figure]:
    import tempfile

    sizes = [int(s) for s in args.sizes.split(",")]
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="ombuds-bench-stats-"))
    django_env(data_dir, database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    databases = {}
    for size in sizes:
        kept = data_dir / f"at-{size}.sqlite3"
        if size != sizes[-1] and args.database == "sqlite" and kept.exists():
            migrate_kept(str(kept))
            databases[size] = str(kept)
            continue
        if size != sizes[-1] and args.database == "postgres" and kept_on_postgres(size):
            migrate_kept(f"at_{size}")  # the copy an earlier run made (`--database-url`)
            databases[size] = f"at_{size}"
            continue
        print(f"Seeding to {size:,} cases ({args.database})…", flush=True)
        seed(size, args.batch)
        last = size == sizes[-1]
        databases[size] = str(connections_name()) if last else snapshot(size, data_dir)
    figures = measure(databases, args)
    report(figures, sizes)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(f) for f in figures], indent=1))
    return figures


def kept_on_postgres(size: int) -> bool:
    """Whether an earlier run against this server kept its copy at `size` (bench/staff.py's
    `snapshot`): then it is measured again rather than seeded again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"at_{size}"])
        return cursor.fetchone() is not None


def connections_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.database_url:
        args.database = "postgres"
        run(args, args.database_url)
    elif args.database == "postgres":
        with postgres("-c shared_buffers=512MB") as url:
            run(args, url)
    else:
        run(args, "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
