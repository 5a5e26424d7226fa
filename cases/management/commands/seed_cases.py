"""`manage.py seed_cases --count N`: synthetic cases at scale, for benchmarks (never production).

Realistic cases (see `_seeding`), every personal value sealed with the case's own data key.
Each batch is inserted in its own transaction, with progress (cases/s, ETA). Ctrl-C stops after
the current batch and says what is stored; running the command again continues towards
`--count`, counting what is there first.

With `--jobs 2` (the default on a machine with two cores or more) one process builds batches
(random content, encryption) while this one inserts them; each batch's primary keys are chosen
ahead and checked to be free inside the inserting transaction.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Generator as Gen
from functools import partial
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, connection, connections, transaction

from cases.management.commands._rows import Built, Tables, reserve_ids
from cases.management.commands._seeding import Generator, Staffing, seed_staff
from cases.models import Case
from ombuds.models import DataKey

Batches = Gen[Callable[[], Built], None, None]


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


class Run:
    """What this run adds: `todo` cases in batches of `size`, after the `existing` ones."""

    def __init__(self, *, seed: int, existing: int, todo: int, size: int) -> None:
        self.seed, self.existing, self.todo, self.size = seed, existing, todo, size
        self.batches = -(-todo // size)

    def size_of(self, batch: int) -> int:
        return min(self.size, self.todo - batch * self.size)

    def generator(self, staffing: Staffing, worker: int = 0) -> Generator:
        # Content only: keys come from `secrets`. A resumed run draws a fresh stream.
        rng = random.Random(f"{self.seed}:{self.existing}:{worker}")  # noqa: S311
        return Generator(rng=rng, staffing=staffing, serial=2 * self.existing + worker * 10**9)


def _bulk_load_pragmas() -> None:
    """Settings for this connection while it loads. SQLite: a large page cache for the indexes;
    no fsync (a killed or interrupted run loses nothing committed, only an operating-system
    crash could, and this data is synthetic); a checkpoint every 200 MB of log rather than
    after each batch, so that index pages touched by several batches are written back once.
    At 1M cases: 460 cases/s without them, 650 with them (one process, busy machine)."""
    if connection.in_atomic_block:  # inside a test's transaction: leave it as it is
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA wal_autocheckpoint = 50000")  # pages of 4 KiB
        elif connection.vendor == "postgresql":  # a crash loses the last batches, never more
            cursor.execute("SET synchronous_commit = off")


def _build_here(generator: Generator, size: int) -> Built:
    """Build a batch in this process, its keys numbered by the open transaction."""
    return generator.build(reserve_ids(DataKey, size), reserve_ids(Case, size))


def _given(built: Built) -> Built:
    return built


def _produce(jobs: Any, run: Run, staffing: Staffing, worker: int, workers: int,
             bases: tuple[int, int]) -> None:  # fmt: skip
    """A builder process: batches worker, worker + workers, … with keys numbered ahead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the inserting process decides when to stop
    try:
        generator = run.generator(staffing, worker)
        for batch in range(worker, run.batches, workers):
            size = run.size_of(batch)
            if connection.vendor == "sqlite":
                first = [base + batch * run.size for base in bases]
                ids = [list(range(start, start + size)) for start in first]
            else:  # sequences hand out numbers that no other transaction will get
                ids = [reserve_ids(DataKey, size), reserve_ids(Case, size)]
            jobs.put(generator.build(*ids))
    except BaseException as error:  # reported by the inserting process
        jobs.put(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Add synthetic, realistic cases until the database holds --count (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        add = parser.add_argument
        add("--count", type=int, required=True, help="How many cases the database should hold.")
        add("--batch", type=int, default=5000, help="Cases per transaction.")
        add("--investigators", type=int, default=20, help="Seeded investigators to assign.")
        add("--seed", type=int, default=42, help="Seed of the random (non-secret) content.")
        add("--jobs", type=int, default=min(2, os.cpu_count() or 1),
            help="Processes: 1 builds and inserts; 2 or more build in parallel.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_cases writes synthetic cases: never in production.")
        count, size, jobs = options["count"], options["batch"], options["jobs"]
        if count < 0 or min(size, jobs, options["investigators"]) < 1:
            raise CommandError("--count must be 0 or more; --batch, --jobs, --investigators 1+.")
        self.verbosity = int(options["verbosity"])
        existing = Case.objects.count()
        if existing >= count:
            self._say(f"The database holds {existing:,} cases already: nothing to add.")
            return
        staffing = seed_staff(investigators=options["investigators"])
        run = Run(seed=options["seed"], existing=existing, todo=count - existing, size=size)
        # Builders are forked: not inside a transaction (tests), whose rows they could not see.
        parallel = jobs > 1 and not connection.in_atomic_block
        self._say(
            f"Adding {run.todo:,} cases to the {existing:,} there ({size:,} per transaction, "
            f"{'parallel builders' if parallel else 'one process'}; Ctrl-C stops after the "
            "current batch)."
        )
        batches = (
            self._parallel(run, staffing, jobs - 1) if parallel else self._serial(run, staffing)
        )
        added, elapsed, stopped = self._insert(batches, run)
        self._report(added, elapsed, stopped=stopped, total=existing + added["cases"])

    def _serial(self, run: Run, staffing: Staffing) -> Batches:
        """Each batch built inside its own transaction, which numbers its keys."""
        generator = run.generator(staffing)
        for batch in range(run.batches):
            size = run.size_of(batch)
            yield partial(_build_here, generator, size)

    def _parallel(self, run: Run, staffing: Staffing, workers: int) -> Batches:
        """Batches built by forked processes, keys numbered ahead, while this one inserts."""
        bases = (self._next_id(DataKey), self._next_id(Case))
        connections.close_all()  # each process opens its own connection
        context = multiprocessing.get_context("fork")
        jobs = context.Queue(maxsize=2 * workers)
        builders = [
            context.Process(target=_produce, args=(jobs, run, staffing, w, workers, bases))
            for w in range(workers)
        ]
        for builder in builders:
            builder.start()
        try:
            for _batch in range(run.batches):
                built = self._next(jobs, builders)  # waits outside any transaction
                yield partial(_given, built)
        finally:
            for builder in builders:
                builder.terminate()
                builder.join()

    @staticmethod
    def _next(jobs: Any, builders: list[Any]) -> Built:
        while True:
            try:
                built = jobs.get(timeout=5)
            except queue.Empty:
                if not any(builder.is_alive() for builder in builders):
                    raise CommandError("the builder processes stopped unexpectedly") from None
                continue
            if isinstance(built, str):
                raise CommandError(f"building a batch failed: {built}")
            return built

    @staticmethod
    def _next_id(model: type[Any]) -> int:
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def _insert(self, batches: Batches, run: Run) -> tuple[Counter[str], float, bool]:
        stop = {"asked": False}

        def ask_to_stop(signum: int, frame: FrameType | None) -> None:
            if stop["asked"]:  # a second Ctrl-C abandons the current batch (it rolls back)
                raise KeyboardInterrupt
            stop["asked"] = True
            self.stderr.write("\nStopping after the current batch (Ctrl-C again to abandon it)…")

        previous = signal.signal(signal.SIGINT, ask_to_stop)
        added: Counter[str] = Counter()
        started = last_report = time.monotonic()
        _bulk_load_pragmas()
        tables = Tables()
        try:
            for make in batches:
                with transaction.atomic():
                    built = make()
                    self._check_free(built)
                    added.update(built.store(tables))
                now = time.monotonic()
                if now - last_report >= 2 or added["cases"] >= run.todo or stop["asked"]:
                    self._progress(added["cases"], run.todo, now - started)
                    last_report = now
                if stop["asked"]:
                    break
        except KeyboardInterrupt:  # the second Ctrl-C: the current batch was rolled back
            stop["asked"] = True
        except IntegrityError as error:
            raise CommandError(f"{error}: another process is adding rows? Run again.") from error
        finally:
            signal.signal(signal.SIGINT, previous)
            batches.close()
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                # Fold the write-ahead log into the database.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return added, time.monotonic() - started, stop["asked"] and added["cases"] < run.todo

    @staticmethod
    def _check_free(built: Built) -> None:
        """Keys numbered ahead must still be free (nobody else inserted meanwhile)."""
        for model, ids in ((DataKey, built.key_ids), (Case, built.case_ids)):
            if ids and model.objects.filter(pk__range=(min(ids), max(ids))).exists():
                raise CommandError(
                    "Another process added cases while seeding; the batches stored so far are "
                    "kept. Stop it, then run the same command again to continue."
                )

    def _say(self, line: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(line)

    def _progress(self, done: int, todo: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed else 0.0
        eta = _duration((todo - done) / rate) if rate else "?"
        self._say(f"  {done:>11,} / {todo:,} cases  {rate:,.0f} cases/s  ETA {eta}")

    def _report(self, added: Counter[str], elapsed: float, *, stopped: bool, total: int) -> None:
        rate = added["cases"] / elapsed if elapsed else 0.0
        rows = ", ".join(f"{n:,} {name}" for name, n in added.items() if name != "cases")
        self._say(
            f"{'Stopped: a' if stopped else 'A'}dded {added['cases']:,} cases in "
            f"{_duration(elapsed)} ({rate:,.0f} cases/s), with {rows}."
        )
        again = " Run the same command again to continue." if stopped else ""
        self._say(f"The database now holds {total:,} cases.{again}")
