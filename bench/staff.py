"""Staff workspace at scale: queue and case-page latency at 100k and 1M cases, in process.

    .venv/bin/python bench/staff.py [--sizes 100000,1000000] [--requests 200] [--warmup 20]
                                    [--rounds 5] [--database sqlite|postgres]
                                    [--data-dir DIR] [--json FILE]

Seeds one fresh database (a temporary OMBUDS_DATA_DIR; `--database postgres` runs a throwaway
cluster the way tests/with_postgres.py does) with `manage.py seed_cases`, growing it from one
size to the next and keeping a copy at each size but the last (a file copy on SQLite, a
template database on PostgreSQL). Then it measures every size, with django.test.Client, as
signed-in staff members with a verified second factor (as tests/conftest.sign_in does):

- the case list: first page, a deep page (the `after` cursor of the case halfway down the
  member's list), a state filter, `view=overdue`, `view=due_soon` and `view=news` (new
  information);
- the person search (a POST of an exact name, over names of people in the member's cases);
- the case page (which also appends an access-log row), over a few of the member's cases in
  each state;

for the ombudsperson (every case), an investigator (their assigned cases) and an intake
officer: p50 and p95 over `--requests` requests after `--warmup`, in `--rounds` rounds that take
turns between the sizes (so that a busy moment on a shared machine falls on every size alike),
and the SQL queries per page (CaptureQueriesContext, in a pass of their own). Prints the ratio
of the largest size to the smallest. `--data-dir` keeps the databases (and their keys) for
another run: seeding then only adds what is missing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, machine, percentile, postgres

LIST_GOAL_MS, RATIO_GOAL = 25.0, 1.2
# Who is measured, and the state they filter on (one they can see).
USERS = {
    "ombudsperson": ("seed-ombudsperson", "investigation"),
    "investigator": ("seed-investigator-01", "investigation"),
    "intake officer": ("seed-intake-1", "screening"),  # not among the goals: for the record
}


@dataclass
class Figure:
    size: int
    role: str
    page: str
    p50_ms: float
    p95_ms: float
    queries: str


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="case counts, ascending")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first")
    parser.add_argument("--rounds", type=int, default=5, help="turns taken between the sizes")
    parser.add_argument("--batch", type=int, default=5000, help="seed_cases --batch")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--data-dir", help="keep the data here (and reuse it next time)")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def signed_in(user: Any) -> Any:
    """A client whose session passed the TOTP step, as the tests sign in."""
    from django.test import Client

    from tests.conftest import sign_in

    return sign_in(Client(), user)


def seed(size: int, batch: int) -> float:
    """Grow the database to `size` cases; return the seeding rate (cases per second)."""
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case

    before, started = Case.objects.count(), time.perf_counter()
    call_command("seed_cases", count=size, batch=batch)
    elapsed, added = time.perf_counter() - started, Case.objects.count() - before
    if connection.vendor == "postgresql":  # what autovacuum would do soon after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added / elapsed if added else 0.0


def sample(user: Any, per_state: int = 6) -> list[str]:
    """References of the member's cases, a few in each state, spread over the whole table."""
    from cases import access
    from cases.models import State

    mine, rng = access.visible_cases(user), random.Random(7)
    top = mine.order_by("-pk").values_list("pk", flat=True).first() or 0
    references = []
    for state in State.values:
        in_state = mine.filter(state=state).order_by("pk").values_list("reference", flat=True)
        for _ in range(per_state):
            found = in_state.filter(pk__gte=rng.randint(1, top)).first() or in_state.first()
            references += [found] if found else []
    return references


Request = str | tuple[str, dict[str, str]]  # a GET of a URL, or a POST of a form to it


def names(user: Any, count: int = 10) -> list[str]:
    """Names of people in the member's cases, spread over the table (opened with their keys)."""
    from cases import access
    from cases.models import Person

    mine, rng = access.visible_cases(user), random.Random(11)
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    found: list[str] = []
    while len(found) < count:
        person = (Person.objects.filter(pk__gte=rng.randint(1, top), case__in=mine)
                  .exclude(name_index="").order_by("pk").first())  # fmt: skip
        if person is not None and person.name:
            found.append(person.name)
    return found


def pages(user: Any, state: str) -> dict[str, list[Request]]:
    """What to time for one staff member: list pages, the person search, and case pages."""
    from django.urls import reverse

    from cases import access, queues

    mine = access.visible_cases(user).order_by("-received_at", "-pk")
    middle = mine.values("pk", "received_at", "due_date")[mine.count() // 2]
    queue = reverse("staff:queue")
    return {
        "list: first page": [queue],
        "list: deep page (after=)": [f"{queue}?{urlencode({'after': queues._cursor(middle, '')})}"],
        f"list: state={state}": [f"{queue}?state={state}"],
        "list: view=overdue": [f"{queue}?view=overdue"],
        "list: view=due_soon": [f"{queue}?view=due_soon"],
        "list: view=news": [f"{queue}?view=news"],
        "search: a name": [(reverse("staff:search"), {"name": name}) for name in names(user)],
        "case page": [reverse("staff:case", args=[ref]) for ref in sample(user)],
    }


def fetch(client: Any, request: Request) -> Any:
    if isinstance(request, tuple):
        return client.post(request[0], request[1])
    return client.get(request)


def time_page(client: Any, urls: list[Request], *, warmup: int, requests: int) -> list[float]:
    """Latencies (ms) of `requests` requests, after `warmup` more."""
    latencies = []
    for i in range(warmup + requests):
        started = time.perf_counter()
        response = fetch(client, urls[i % len(urls)])
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)
        if i >= warmup:
            latencies.append(elapsed)
    return latencies


def count_queries(client: Any, urls: list[Request]) -> str:
    """The queries a request makes, min-max over the URLs (in a pass of its own: capturing
    them slows the request down); notes an empty list page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, listed = set(), 0
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            listed = max(listed, fetch(client, url).content.count(b'<td><a href="/staff/cases/'))
        counts.add(len(captured))  # now: the next request clears the connection's query log
    found = f"{min(counts)}" if len(counts) == 1 else f"{min(counts)}-{max(counts)}"
    return found + ("" if listed or "/cases/" in urls[0] else " (empty page)")


def connect(name: str) -> Any:
    """A connection wrapper to another database with the default one's settings."""
    from django.db import connections
    from django.db.utils import load_backend

    settings_dict = {**connections.settings["default"], "NAME": name}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")


def snapshot(size: int, data_dir: Path) -> str:
    """Keep the database as it is at this size, to measure it beside the grown one later."""
    import psycopg
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target = data_dir / f"at-{size}.sqlite3"
        shutil.copyfile(connection.settings_dict["NAME"], target)  # the same pages, unvacuumed
        return str(target)
    params = connection.get_connection_params()
    connection.close()
    name = f"at_{size}"
    with psycopg.connect(**{**params, "dbname": "template1"}, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {params['dbname']}")
    return name


def measure(databases: dict[int, str], args: argparse.Namespace) -> list[Figure]:
    """Every page at every size, in `--rounds` rounds that take turns between the sizes, so
    that a busy moment on the machine falls on all of them alike."""
    from django.db import connections

    from ombuds.models import User

    wrappers = {size: connect(name) for size, name in databases.items()}
    plans, queries = {}, {}
    for size, wrapper in wrappers.items():
        connections["default"] = wrapper
        for role, (username, state) in USERS.items():
            user = User.objects.get(username=username)
            client = signed_in(user)
            for page, urls in pages(user, state).items():
                plans[size, role, page] = (client, urls)
                time_page(client, urls, warmup=args.warmup, requests=0)
                queries[size, role, page] = count_queries(client, urls)
    latencies: dict[tuple[int, str, str], list[float]] = {key: [] for key in plans}
    per_round = max(1, args.requests // args.rounds)
    for turn in range(args.rounds):
        print(f"Round {turn + 1}/{args.rounds}: {machine()}", flush=True)
        for size, wrapper in wrappers.items():
            connections["default"] = wrapper
            for (at, role, page), (client, urls) in plans.items():
                if at == size:
                    latencies[at, role, page] += time_page(client, urls, warmup=0,
                                                           requests=per_round)  # fmt: skip
    figures = []
    for key, values in latencies.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        figures.append(Figure(*key, round(p50, 2), round(p95, 2), queries[key]))
    return figures


def report(figures: list[Figure], sizes: list[int], rates: dict[int, float]) -> None:
    small, large = sizes[0], sizes[-1]
    seeded = [f"to {s:,}: {rates[s]:,.0f} cases/s" for s in sizes if rates[s]]
    print("\nSeeding: " + (", ".join(seeded) or "none (databases from an earlier run)"))
    print(f"\n| who | page | p50 / p95 at {small:,} (ms) | p50 / p95 at {large:,} (ms) "
          f"| ratio p50 / p95 | queries |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    index = {(f.size, f.role, f.page): f for f in figures}
    for f in (f for f in figures if f.size == small):
        big = index[(large, f.role, f.page)]
        queries = f"{f.queries}" if f.queries == big.queries else f"{f.queries} → {big.queries} (!)"
        print(f"| {f.role} | {f.page} | {f.p50_ms:.1f} / {f.p95_ms:.1f} | {big.p50_ms:.1f} / "
              f"{big.p95_ms:.1f} | {big.p50_ms / f.p50_ms:.2f} / {big.p95_ms / f.p95_ms:.2f} "
              f"| {queries} |")  # fmt: skip
    lists = [f for f in figures if f.size == large and f.page.startswith(("list", "search"))]
    slow = [f"{f.role} {f.page}" for f in lists if f.p95_ms > LIST_GOAL_MS]
    print(f"\nList p95 ≤ {LIST_GOAL_MS:.0f} ms at {large:,}: "
          + ("met" if not slow else "missed by " + "; ".join(slow)))  # fmt: skip


def migrate_kept(name: str) -> None:
    """Bring a copy kept by an earlier run to the current migrations, as the grown database is:
    otherwise the smaller size would be measured with the old indexes."""
    from django.core.management import call_command
    from django.db import connections

    default = connections["default"]
    connections["default"] = connect(name)
    try:
        call_command("migrate", verbosity=0)
    finally:
        connections["default"].close()
        connections["default"] = default


def connection_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def run(args: argparse.Namespace, database_url: str) -> list[Figure]:
    sizes = [int(s) for s in args.sizes.split(",")]
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="ombuds-bench-staff-"))
    django_env(data_dir, database_url)
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        databases, rates = {}, {}
        for size in sizes:
            kept = data_dir / f"at-{size}.sqlite3"
            if size != sizes[-1] and args.database == "sqlite" and kept.exists():
                migrate_kept(str(kept))
                databases[size], rates[size] = str(kept), 0.0  # from an earlier run
                continue
            print(f"Seeding to {size:,} cases ({args.database})…", flush=True)
            rates[size] = seed(size, args.batch)
            last = size == sizes[-1]
            databases[size] = connection_name() if last else snapshot(size, data_dir)
        figures = measure(databases, args)
        report(figures, sizes, rates)
        if args.json:
            found = {"database": args.database, "rates": rates,
                     "figures": [asdict(f) for f in figures]}  # fmt: skip
            Path(args.json).write_text(json.dumps(found, indent=1))
        return figures
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.database == "postgres":
        with postgres("-c shared_buffers=512MB") as url:
            run(args, url)
    else:
        run(args, "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
