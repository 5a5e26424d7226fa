"""Intake throughput: realistic complaint submissions against gunicorn, over loopback only.

    .venv/bin/python bench/intake.py [--requests 3000] [--concurrency 4] [--workers 2] [--threads 1]
                                     [--database sqlite|postgres] [--json results.json]

Creates a fresh data directory, migrates, starts gunicorn (`ombuds.wsgi` wrapped by
bench/instrumented_wsgi.py, sync workers, or gthread ones with `--threads`, a free loopback
port) with the rate limits raised and mail going to the locmem backend, waits for it, then
drives a fixed number of complaint POSTs: each client GETs the form once for its CSRF cookie and
token, then posts ~12-field complaints with a fresh `submission` UUID each (two in three with an
email address). Reports submissions/s, p50/p95 latency, errors (non-200; and 200s without a
receipt), the share of server time spent in encryption, and the rows created against the
receipts shown (nothing lost). `--database postgres` runs a throwaway cluster the way
tests/with_postgres.py does. Encryption stays on: the wrapper only times the real functions."""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import percentile, postgres  # noqa: E402

from tests.with_postgres import free_port  # noqa: E402

PYTHON = Path(sys.executable)
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT_RE = re.compile(rb'id="reference">(\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')
NARRATIVE = (
    "2026년 10월 2일 오전, 충장동 주민센터에서 기초생활수급 신청서를 내려고 했으나 담당 직원이 "
    "휠체어를 사용하는 저에게 2층 상담실로 올라오라고 했습니다. 엘리베이터가 고장 나 있다고 "
    "말씀드렸지만, 다른 날 다시 오라며 접수를 거부했습니다. 같은 일이 지난달에도 있었습니다. "
) * 2


@dataclass
class Result:
    status: int
    seconds: float
    receipt: bool
    email: bool = False
    server_us: int = 0
    cpu_us: int = 0
    encrypt_us: int = 0
    hmac_us: int = 0
    sql_us: int = 0
    queue_us: int = 0


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_index: int = 0
    client_cpu: float = 0.0  # the load generator's own CPU time (it shares the machine)

    def take(self, limit: int) -> int | None:
        with self.lock:
            if self.next_index >= limit:
                return None
            self.next_index += 1
            return self.next_index - 1


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="measured submissions")
    parser.add_argument("--warmup", type=int, default=60, help="submissions before measuring")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (1: sync workers; more: gthread)")  # fmt: skip
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--conn-max-age", help="DATABASE_CONN_MAX_AGE (default: as configured)")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop driving after this")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def server_env(data_dir: Path, database_url: str, args: argparse.Namespace) -> dict[str, str]:
    (data_dir / "static").mkdir(exist_ok=True)
    key = base64.b64encode(os.urandom(32)).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ombuds.settings",
        "OMBUDS_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "OMBUDS_DATA_DIR": str(data_dir),
        "OMBUDS_STATIC_ROOT": str(data_dir / "static"),
        "OMBUDS_KEYS": f"bench:{key}",
        "OMBUDS_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "OMBUDS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "OMBUDS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for action in ("INTAKE", "TRACK", "TRACK_ACTION"):
        env[f"OMBUDS_RATE_{action}"] = "100000000/3600"
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if args.conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = args.conn_max_age
    return env


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    kind = ["--worker-class", "sync"] if threads == 1 else ["--threads", str(threads)]
    command = [str(PYTHON.parent / "gunicorn"), "--chdir", str(ROOT),
               "--pythonpath", str(ROOT / "bench"), "--workers", str(workers), *kind,
               "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "instrumented_wsgi:application"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/complaint/")
                if connection.getresponse().status == http.client.OK:
                    break
            if server.poll() is not None:
                raise SystemExit("gunicorn exited before it answered")
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def has_email(index: int) -> bool:
    return index % 3 != 0


def complaint(token: str, index: int) -> dict[str, str | list[str]]:
    with_email = has_email(index)
    return {
        "csrfmiddlewaretoken": token,
        "filing_mode": "self",
        "name": f"김민지{index}",
        "email": f"petitioner{index}@example.org" if with_email else "",
        "phone": "" if with_email else "010-2345-6789",
        "address": "광주광역시 동구 문화전당로 38",
        "language": "ko",
        "narrative": NARRATIVE,
        "incident_date": "2026-10-02",
        "incident_place": "동구 충장동 주민센터",
        "respondent_type": "district_office",
        "respondent_name": "동구청 충장동 주민센터",
        "rights": ["equality", "disability"],
        "discrimination_ground": "disability",
        "privacy_consent": "on",
        "website": "",
        "submission": str(uuid.uuid4()),
    }


def multipart(fields: dict[str, str | list[str]], boundary: str) -> bytes:
    lines: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            lines += [f"--{boundary}".encode(),
                      f'Content-Disposition: form-data; name="{name}"'.encode(), b"",
                      item.encode()]  # fmt: skip
    return b"\r\n".join([*lines, f"--{boundary}--".encode(), b""])


class Petitioner:
    """One browser: the CSRF cookie and token from one GET, then complaint after complaint."""

    def __init__(self, port: int) -> None:
        self.port = port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/complaint/", headers={"Accept-Language": "ko"})
        response = connection.getresponse()
        body = response.read()
        cookie = response.getheader("Set-Cookie", "")
        self.cookie = cookie.split(";", 1)[0]
        match = TOKEN_RE.search(body)
        if response.status != http.client.OK or not match or not self.cookie:
            raise SystemExit(f"could not read the form: {response.status}")
        self.token = match.group(1).decode()

    def submit(self, index: int) -> Result:
        boundary = uuid.uuid4().hex
        body = multipart(complaint(self.token, index), boundary)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": self.cookie,
            "Accept-Language": "ko",
        }
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/complaint/", body=body, headers=headers)
            response = connection.getresponse()
            page = response.read()
        except OSError:
            return Result(status=0, seconds=time.perf_counter() - started, receipt=False)
        finally:
            connection.close()
        return Result(
            status=response.status,
            seconds=time.perf_counter() - started,
            receipt=bool(RECEIPT_RE.search(page)),
            email=has_email(index),
            server_us=int(response.getheader("X-Bench-Server-Us", "0")),
            cpu_us=int(response.getheader("X-Bench-Cpu-Us", "0")),
            encrypt_us=int(response.getheader("X-Bench-Encrypt-Us", "0")),
            hmac_us=int(response.getheader("X-Bench-Hmac-Us", "0")),
            sql_us=int(response.getheader("X-Bench-Sql-Us", "0")),
            queue_us=int(response.getheader("X-Bench-Queue-Us", "0")),
        )


def drive(port: int, count: int, concurrency: int, max_seconds: float) -> tuple[Run, float]:
    """Submit `count` complaints from `concurrency` clients; stop early at the deadline."""
    run, deadline = Run(), time.monotonic() + max_seconds
    petitioners = [Petitioner(port) for _ in range(concurrency)]

    def work(petitioner: Petitioner) -> None:
        while time.monotonic() < deadline and (index := run.take(count)) is not None:
            result = petitioner.submit(index)
            with run.lock:
                run.results.append(result)

    threads = [threading.Thread(target=work, args=(p,)) for p in petitioners]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.client_cpu = time.process_time() - cpu
    return run, time.perf_counter() - started


INSPECT = """
import json, sys, django
django.setup()
from django.db import connection
from cases.models import Case, CaseEvent, CaseTag, Person
from notifications.models import Notification
from ombuds.models import DataKey
vendor = connection.vendor
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
    server = cursor.fetchone()[0]
models = (Case, Person, CaseEvent, CaseTag, DataKey, Notification)
print(json.dumps({
    "rows": {m.__name__: m.objects.count() for m in models},
    "versions": {"python": sys.version.split()[0], "django": django.get_version(),
                 "database": f"{vendor} {server}"},
    "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
}))
"""


def inspect(env: dict[str, str]) -> dict[str, object]:
    """Rows in the database, and the versions and settings the server ran with."""
    output = subprocess.run([str(PYTHON), "-c", INSPECT], env=env, cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    found: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return found


def summarise(warm: Run, run: Run, wall: float, rows: dict[str, int]) -> dict[str, object]:
    """The figures of the measured run; the rows count the warm-up's submissions too."""
    results = run.results
    ok = [r for r in results if r.status == http.client.OK and r.receipt]
    receipts = [r for r in warm.results + results if r.status == http.client.OK and r.receipt]
    latencies = [r.seconds * 1000 for r in results]
    server, done = sum(r.server_us for r in ok) or 1, len(ok) or 1
    emails = sum(r.email for r in receipts)
    cpu_ms = sum(r.cpu_us for r in ok) / done / 1000 + run.client_cpu / done * 1000
    return {
        "requests": len(results),
        "submissions_per_s": round(len(ok) / wall, 1),
        "wall_s": round(wall, 2),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "errors": sum(r.status != http.client.OK for r in results),
        "no_receipt": sum(r.status == http.client.OK and not r.receipt for r in results),
        "server_ms_per_submission": round(server / done / 1000, 2),
        "server_cpu_ms_per_submission": round(sum(r.cpu_us for r in ok) / done / 1000, 2),
        "client_cpu_ms_per_submission": round(run.client_cpu / done * 1000, 2),
        # What the machine's cores could do if they ran nothing but this, gunicorn aside.
        "cpu_bound_ceiling_per_s": round((os.cpu_count() or 1) * 1000 / cpu_ms, 1),
        "encrypt_us_per_submission": round(sum(r.encrypt_us for r in ok) / done, 1),
        "encrypt_share_pct": round(100 * sum(r.encrypt_us for r in ok) / server, 2),
        "hmac_share_pct": round(100 * sum(r.hmac_us for r in ok) / server, 2),
        "sql_share_pct": round(100 * sum(r.sql_us for r in ok) / server, 2),
        "writer_queue_ms_per_submission": round(sum(r.queue_us for r in ok) / done / 1000, 2),
        "posted_with_warmup": len(warm.results) + len(results),
        "receipts_with_warmup": len(receipts),
        "rows": rows,
        "nothing_lost": rows.get("Case") == len(receipts)
        and rows.get("Person") == len(receipts)
        and rows.get("CaseEvent") == len(receipts)
        and rows.get("Notification") == emails,
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()  # the machine may be shared: say how busy it was
    data_dir = Path(tempfile.mkdtemp(prefix="ombuds-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            url = (
                stack.enter_context(postgres("-c max_connections=50"))
                if args.database == "postgres"
                else ""
            )
            env = server_env(data_dir, url, args)
            subprocess.run([str(PYTHON), "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT,
                           check=True)  # fmt: skip
            port = free_port()
            stack.enter_context(gunicorn(env, port, args.workers, args.threads))
            warm, _ = drive(port, args.warmup, args.concurrency, args.max_seconds)
            run, wall = drive(port, args.requests, args.concurrency, args.max_seconds)
            found = inspect(env)
            figures = summarise(warm, run, wall, found.pop("rows"))  # type: ignore[arg-type]
            figures.update(found, database=args.database, workers=args.workers,
                           threads=args.threads, concurrency=args.concurrency,
                           loadavg_before=load_before,
                           loadavg_after=os.getloadavg())  # fmt: skip
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    failed = figures["errors"] or figures["no_receipt"] or not figures["nothing_lost"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
