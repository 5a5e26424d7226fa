"""django-helpdesk's public ticket form under bench/intake.py's load, over loopback only.

    .venv/bin/python bench/helpdesk.py [--requests 3000] [--warmup 60] [--concurrency 4]
                                       [--workers 2] [--max-seconds 300] [--post-only]
                                       [--work-dir DIR] [--json results.json]
    .venv/bin/python bench/helpdesk.py --compare [--rounds 3] [same options]

Issue #2 sets Ombuds' intake goal at 1.5x what django-helpdesk's public form reaches on the
same machine; this measures that baseline here, the way bench/intake.py measures Ombuds.
First use builds a separate virtualenv under --work-dir (default: ombuds-bench-helpdesk in the
system temp dir) with django-helpdesk 2.6.1 from PyPI and the Django and gunicorn versions this
venv runs, plus a minimal Django project following helpdesk's installation docs: SQLite with the
same options as Ombuds (WAL, synchronous=NORMAL, busy timeout, immediate transactions,
CONN_MAX_AGE=60), DEBUG off, mail to the locmem backend, teams mode off (pinax-teams is an
optional extra). Later runs reuse it. Each run migrates a fresh database, creates one public
queue, and checks in a Django shell that one submission makes its ticket and the templated
"newticket_submitter" email (the statements it runs are counted there). Then gunicorn (sync
workers, a free 127.0.0.1 port) serves it and the clients drive /helpdesk/tickets/submit/: each
GETs the form once for its CSRF cookie and token, then posts multipart tickets (queue, title,
the ~300-character Korean narrative of bench/intake.py, priority, empty due date, and an email
address every time: helpdesk's public form requires one). A submission counts when the POST
answers 302 to the public ticket view and, unless --post-only, the GET a browser then makes to
that page answers 200 showing the ticket (latency covers both). Reports submissions/s, p50/p95,
errors, the workers' CPU per submission, and checks the database holds exactly one ticket, one
follow-up and one delivered submitter email per counted submission (warm-up included).

--compare alternates this with bench/intake.py (same --requests, --warmup, --concurrency,
--workers, --max-seconds) for --rounds rounds, helpdesk first in each, and prints each system's
median submissions/s and the ratio Ombuds/helpdesk: the machine's speed drifts, so only figures
taken side by side compare.
"""

from __future__ import annotations

import argparse
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
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _common import machine, percentile
from intake import NARRATIVE, TOKEN_RE, Result, Run, multipart

from ombuds.settings import SQLITE_OPTIONS
from tests.with_postgres import free_port

BENCH = Path(__file__).resolve().parent
HELPDESK = "django-helpdesk==2.6.1"
FORM_PATH = "/helpdesk/tickets/submit/"
VIEW_PATH = "/helpdesk/view/"
QUEUE_SLUG = "complaints"
PACKAGE = "hdbench"  # the generated project's settings package

SETTINGS = '''"""Bench only: a minimal project serving django-helpdesk (from bench/helpdesk.py)."""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["HELPDESK_BENCH_DATA"])
SECRET_KEY = os.environ["HELPDESK_BENCH_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk builds the links in its emails from the Site
    "django.contrib.humanize",  # its templates use naturaltime
    "rest_framework",  # helpdesk.urls routes its API
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "PACKAGE.urls"
WSGI_APPLICATION = "PACKAGE.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",  # required by helpdesk
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# The SQLite options Ombuds runs with (ombuds/settings.py), so that only the application differs.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "helpdesk.sqlite3"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": SQLITE_OPTIONS,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = str(DATA_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = str(DATA_DIR / "media")
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@ombuds.example.org"

HELPDESK_SUBMIT_A_TICKET_PUBLIC = True  # the public form (2.x; HELPDESK_PUBLIC_ENABLED is gone)
HELPDESK_VIEW_A_TICKET_PUBLIC = True  # the page the form redirects to
HELPDESK_TEAMS_MODE_ENABLED = False  # teams need the optional pinax-teams apps
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
'''.replace("PACKAGE", PACKAGE).replace("SQLITE_OPTIONS", repr(SQLITE_OPTIONS))

URLS = """from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
"""

WSGI = f"""import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{PACKAGE}.settings")
application = get_wsgi_application()
"""

MANAGE = f"""import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{PACKAGE}.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

# Run in the helpdesk venv after migrate: the public queue, then one submission through Django's
# test client to see what a submission does, email included. Its ticket is deleted again.
SETUP = """
import json, os, re, django
django.setup()
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from helpdesk.models import EmailTemplate, FollowUp, Queue, Ticket

sample = json.loads(os.environ["HELPDESK_BENCH_SAMPLE"])
queue = Queue.objects.create(
    title="Human rights complaints", slug=sample["slug"], allow_public_submission=True,
    email_address="complaints@ombuds.example.org",
)
client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
form = client.get(sample["form"])
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
fields = dict(sample["fields"], csrfmiddlewaretoken=token, queue=str(queue.id))
with CaptureQueriesContext(connection) as queries:
    response = client.post(sample["form"], fields)
verbs = {}
for query in queries.captured_queries:
    verb = query["sql"].split(None, 1)[0].upper()
    verbs[verb] = verbs.get(verb, 0) + 1
view = client.get(response["Location"])
outbox = getattr(mail, "outbox", [])
ticket = Ticket.objects.get()
print(json.dumps({
    "queue": queue.id,
    "form_fields": sorted(set(re.findall(r'name="([a-z_]+)"', form.text))),
    "post_status": response.status_code,
    "location": response["Location"],
    "view_status": view.status_code,
    "view_shows_ticket": ticket.ticket_for_url in view.text,
    "statements": verbs,
    "emails": [{"to": m.to, "subject": m.subject, "parts": 1 + len(m.alternatives)}
               for m in outbox],
    "followup_email_recipients": FollowUp.objects.get().email_recipients,
    "email_templates": EmailTemplate.objects.count(),
    "submitter_template": EmailTemplate.objects.filter(
        template_name="newticket_submitter", locale="en").exists(),
}))
Ticket.objects.all().delete()
"""

INSPECT = """
import json, sys, django
from importlib.metadata import version
django.setup()
from django.db import connection
from helpdesk.models import FollowUp, Ticket
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("SELECT sqlite_version()")
    server = cursor.fetchone()[0]
emailed = sum(
    f.email_recipients == [f.ticket.submitter_email]
    for f in FollowUp.objects.select_related("ticket").only("email_recipients", "ticket")
)
print(json.dumps({
    "rows": {"Ticket": Ticket.objects.count(), "FollowUp": FollowUp.objects.count(),
             "FollowUp emailed to the submitter": emailed},
    "versions": {"python": sys.version.split()[0], "django": django.get_version(),
                 "django_helpdesk": version("django-helpdesk"),
                 "database": f"sqlite {server}", "journal_mode": journal},
    "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
}))
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    for option, kind, default, meaning in (
        ("--requests", int, 3000, "measured submissions"),
        ("--warmup", int, 60, "submissions before measuring, not timed"),
        ("--concurrency", int, 4, "client threads, one browser each"),
        ("--workers", int, 2, "gunicorn sync workers"),
        ("--max-seconds", float, 300, "stop each drive (warm-up, measured) after this"),
    ):
        parser.add_argument(option, type=kind, default=default, help=f"{meaning} ({default})")
    parser.add_argument("--post-only", action="store_true",
                        help="count the 302 alone, without the GET of the ticket page")  # fmt: skip
    parser.add_argument("--work-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "ombuds-bench-helpdesk",
                        help="where the helpdesk virtualenv and project are kept")  # fmt: skip
    parser.add_argument("--compare", action="store_true", help="alternate with bench/intake.py")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.rounds) < 1:
        parser.error("--requests, --concurrency, --workers and --rounds must be at least 1")
    return args


def python_output(python: Path, code: str, project: Path, env: dict[str, str]) -> dict[str, Any]:
    """The JSON that `code` prints last, run by the helpdesk venv's python in the project."""
    done = subprocess.run([str(python), "-c", code], cwd=project, env=env, timeout=300,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"helpdesk's python failed:\n{done.stdout}{done.stderr}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def requirements() -> list[str]:
    """django-helpdesk, with the Django and gunicorn that Ombuds runs on here."""
    return [HELPDESK, f"Django=={metadata.version('Django')}",
            f"gunicorn=={metadata.version('gunicorn')}"]  # fmt: skip


def prepare(work_dir: Path) -> Path:
    """The helpdesk virtualenv (made once, kept) and the project (rewritten); its python."""
    venv, wanted = work_dir / "venv", "\n".join(requirements())
    marker = venv / "bench-requirements.txt"
    if not marker.exists() or marker.read_text() != wanted:
        shutil.rmtree(venv, ignore_errors=True)
        work_dir.mkdir(parents=True, exist_ok=True)
        print(f"installing {', '.join(requirements())} into {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                   "--disable-pip-version-check", *requirements()]  # fmt: skip
        done = subprocess.run(install, capture_output=True, text=True, timeout=900)
        if done.returncode:
            raise SystemExit(f"pip install failed:\n{done.stdout}{done.stderr}")
        marker.write_text(wanted)
    package = work_dir / "project" / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    for name, text in {"__init__.py": "", "settings.py": SETTINGS, "urls.py": URLS,
                       "wsgi.py": WSGI}.items():  # fmt: skip
        (package / name).write_text(text)
    (package.parent / "manage.py").write_text(MANAGE)
    return venv / "bin" / "python"


def sample_fields(index: int) -> dict[str, str]:
    """What a person types into helpdesk's public form (CSRF token and queue added later)."""
    return {
        "title": f"주민센터에서 접수를 거부당했습니다 ({index})",
        "body": NARRATIVE,
        "priority": "3",
        "due_date": "",
        "submitter_email": f"petitioner{index}@example.org",
    }


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HELPDESK_", "DJANGO_")) and k != "PYTHONPATH"}  # fmt: skip
    env.update(
        DJANGO_SETTINGS_MODULE=f"{PACKAGE}.settings",
        HELPDESK_BENCH_DATA=str(data_dir),
        HELPDESK_BENCH_SECRET=uuid.uuid4().hex * 2,
    )
    return env


def set_up(python: Path, project: Path, env: dict[str, str]) -> dict[str, Any]:
    """Migrate a fresh database, make the public queue, and try one submission in process."""
    subprocess.run([str(python), "manage.py", "migrate", "-v", "0"], cwd=project, env=env,
                   check=True, timeout=600)  # fmt: skip
    fields = sample_fields(0)
    sample = {"slug": QUEUE_SLUG, "form": FORM_PATH, "fields": fields}
    found = python_output(python, SETUP, project,
                          {**env, "HELPDESK_BENCH_SAMPLE": json.dumps(sample)})  # fmt: skip
    emails = found["emails"]
    if not (found["post_status"] == 302 and found["view_shows_ticket"] and len(emails) == 1
            and emails[0]["to"] == [fields["submitter_email"]]):  # fmt: skip
        raise SystemExit(f"helpdesk's submission did not do what was expected: {found}")
    return found


def answered(port: int, path: str) -> bool:
    with contextlib.suppress(OSError):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        return connection.getresponse().status == http.client.OK
    return False


@contextlib.contextmanager
def serving(python: Path, project: Path, env: dict[str, str], port: int,
            workers: int) -> Iterator[subprocess.Popen[bytes]]:  # fmt: skip
    """gunicorn on 127.0.0.1:port until the block ends; up once the form answers 200."""
    command = [str(python.parent / "gunicorn"), "--chdir", str(project), "--workers",
               str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", f"{PACKAGE}.wsgi:application"]  # fmt: skip
    server = subprocess.Popen(command, cwd=project, env=env)
    try:
        started = time.monotonic()
        while not answered(port, FORM_PATH):
            if server.poll() is not None:
                raise SystemExit("gunicorn (helpdesk) exited before it answered")
            if time.monotonic() - started > 60:
                raise SystemExit("gunicorn (helpdesk) did not answer within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it is still there after 30 s."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=30)
    if server.poll() is None:
        server.kill()
        server.wait()


def workers_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn workers (the master's children)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:  # ppid; utime and stime follow at 11 and 12
                total += int(fields[11]) + int(fields[12])
    return total / tick


class Submitter:
    """One browser on helpdesk's public form: one GET for the CSRF cookie, then ticket after
    ticket, following each redirect to the ticket page unless `follow` is off."""

    def __init__(self, port: int, queue: int, follow: bool) -> None:
        self.port, self.queue, self.follow = port, queue, follow
        self.ticket_page = f"{VIEW_PATH}?ticket={QUEUE_SLUG}-"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", FORM_PATH)
        response = connection.getresponse()
        page = response.read()
        cookies = [c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []]
        self.cookie = "; ".join(c for c in cookies if c.startswith("csrftoken="))
        match = TOKEN_RE.search(page)
        if response.status != http.client.OK or not match or not self.cookie:
            raise SystemExit(f"could not read helpdesk's form: {response.status}")
        self.token = match.group(1).decode()

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body or None,
                               headers={"Cookie": self.cookie, **(headers or {})})  # fmt: skip
            response = connection.getresponse()
            return response.status, response.getheader("Location", ""), response.read()
        finally:
            connection.close()

    def submit(self, index: int) -> Result:
        fields = {**sample_fields(index), "csrfmiddlewaretoken": self.token,
                  "queue": str(self.queue)}  # fmt: skip
        boundary = uuid.uuid4().hex
        content_type = f"multipart/form-data; boundary={boundary}"
        started = time.perf_counter()
        try:
            status, location, _ = self.request("POST", FORM_PATH, multipart(fields, boundary),
                                               {"Content-Type": content_type})  # fmt: skip
            ticket = re.match(rf"{re.escape(self.ticket_page)}(\d+)&email=(.+)&key=", location)
            ticket = ticket if ticket and ticket[2] == quote(fields["submitter_email"]) else None
            receipt = status == http.client.FOUND and ticket is not None
            if receipt and ticket and self.follow:
                shown, _, page = self.request("GET", location)
                receipt = shown == http.client.OK and f"{QUEUE_SLUG}-{ticket[1]}".encode() in page
        except OSError:
            return Result(status=0, seconds=time.perf_counter() - started, receipt=False)
        return Result(status=status, seconds=time.perf_counter() - started, receipt=receipt,
                      email=True)  # fmt: skip


def run_clients(clients: list[Submitter], count: int, max_seconds: float) -> tuple[Run, float]:
    """`count` submissions shared among the clients, one thread each; stops at the deadline."""
    run, stop_at = Run(), time.monotonic() + max_seconds

    def loop(client: Submitter) -> None:
        index = run.take(count)
        while index is not None and time.monotonic() < stop_at:
            outcome = client.submit(index)
            with run.lock:
                run.results.append(outcome)
            index = run.take(count)

    cpu, wall = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(loop, clients))  # list(): an exception in a client is raised here
    run.client_cpu = time.process_time() - cpu
    return run, time.perf_counter() - wall


def figures(warm: Run, run: Run, wall: float, server_cpu: float,
            found: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The measured run's figures; the database check counts the warm-up too."""
    measured = run.results
    counted = [r for r in measured if r.receipt]
    everything = [r for r in warm.results + measured if r.receipt]
    latencies = [r.seconds * 1000 for r in measured] or [0.0]
    done, rows = len(counted) or 1, found.pop("rows")
    server_ms, client_ms = server_cpu / done * 1000, run.client_cpu / done * 1000
    return {
        "requests": len(measured),
        "submissions_per_s": round(len(counted) / wall, 1),
        "wall_s": round(wall, 2),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "errors": sum(r.status != http.client.FOUND for r in measured),
        "no_receipt": sum(r.status == http.client.FOUND and not r.receipt for r in measured),
        "server_cpu_ms_per_submission": round(server_ms, 2),
        "client_cpu_ms_per_submission": round(client_ms, 2),
        "cpu_bound_ceiling_per_s": round((os.cpu_count() or 1) * 1000 / (server_ms + client_ms), 1),
        "posted_with_warmup": len(warm.results) + len(measured),
        "submitted_with_warmup": len(everything),
        "rows": rows,
        "nothing_lost": all(count == len(everything) for count in rows.values()),
        **found,
    }


def measure_helpdesk(args: argparse.Namespace) -> dict[str, Any]:
    """One helpdesk run on a fresh database: set up, serve, warm up, measure, inspect."""
    python = prepare(args.work_dir)
    project, load_before = args.work_dir / "project", os.getloadavg()
    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-run-"))
    try:
        env = server_env(data_dir)
        checked = set_up(python, project, env)
        port = free_port()
        with serving(python, project, env, port, args.workers) as server:
            browsers = [Submitter(port, checked["queue"], follow=not args.post_only)
                        for _ in range(args.concurrency)]  # fmt: skip
            warm, _ = run_clients(browsers, args.warmup, args.max_seconds)
            cpu = workers_cpu(server.pid)
            run, wall = run_clients(browsers, args.requests, args.max_seconds)
            server_cpu = workers_cpu(server.pid) - cpu
        found = python_output(python, INSPECT, project, env)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    result = figures(warm, run, wall, server_cpu, found)
    result.update(
        counted="POST 302 to the ticket page" + ("" if args.post_only else " + its GET 200"),
        one_submission_in_process=checked, workers=args.workers, concurrency=args.concurrency,
        loadavg_before=load_before, loadavg_after=os.getloadavg(),
    )  # fmt: skip
    return result


def failed(result: dict[str, Any]) -> bool:
    return bool(result.get("errors") or result.get("no_receipt") or not result.get("nothing_lost"))


def measure_ombuds(args: argparse.Namespace) -> dict[str, Any]:
    """One run of bench/intake.py with the same load, as its own process."""
    with tempfile.TemporaryDirectory(prefix="ombuds-bench-compare-") as scratch:
        out = Path(scratch) / "intake.json"
        command = [sys.executable, str(BENCH / "intake.py"), "--requests", str(args.requests),
                   "--warmup", str(args.warmup), "--concurrency", str(args.concurrency),
                   "--workers", str(args.workers), "--max-seconds", str(args.max_seconds),
                   "--json", str(out)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=args.max_seconds * 2 + 600)  # fmt: skip
        if not out.exists():
            raise SystemExit(f"bench/intake.py failed:\n{done.stdout}{done.stderr}")
        found: dict[str, Any] = json.loads(out.read_text())
    return found


def compare(args: argparse.Namespace) -> dict[str, Any]:
    """Helpdesk, then Ombuds, --rounds times; medians and their ratio."""
    keep = ("submissions_per_s", "p50_ms", "p95_ms", "errors", "no_receipt", "nothing_lost",
            "server_cpu_ms_per_submission", "loadavg_before")  # fmt: skip
    rounds: list[dict[str, dict[str, Any]]] = []
    for number in range(1, args.rounds + 1):
        helpdesk = measure_helpdesk(args)
        print(f"round {number}: helpdesk {helpdesk['submissions_per_s']}/s", file=sys.stderr)
        ombuds = measure_ombuds(args)
        print(f"round {number}: ombuds {ombuds['submissions_per_s']}/s", file=sys.stderr)
        rounds.append({"helpdesk": {k: helpdesk.get(k) for k in keep},
                       "ombuds": {k: ombuds.get(k) for k in keep}})  # fmt: skip

    def median(name: str, figure: str) -> float:
        return round(statistics.median(r[name][figure] for r in rounds), 2)

    medians = {name: median(name, "submissions_per_s") for name in ("helpdesk", "ombuds")}
    return {
        "rounds": rounds,
        "helpdesk_median_per_s": medians["helpdesk"],
        "ombuds_median_per_s": medians["ombuds"],
        "ratio_ombuds_to_helpdesk": round(medians["ombuds"] / (medians["helpdesk"] or 1), 3),
        # Less swayed by other work on the machine than the rates: CPU each submission costs.
        # Helpdesk's is the workers' whole CPU (/proc), gunicorn's HTTP handling included;
        # Ombuds' is timed around Django by bench/instrumented_wsgi.py: ~1-2 ms a request less.
        "server_cpu_ms_per_submission_medians": {
            name: median(name, "server_cpu_ms_per_submission") for name in medians
        },
        "p50_p95_ms_medians": {
            name: [median(name, "p50_ms"), median(name, "p95_ms")] for name in medians
        },
        "goal_per_s_at_1_5x_helpdesk": round(1.5 * medians["helpdesk"], 1),
        "counted": helpdesk["counted"],
        "versions": helpdesk["versions"],
        "requests": args.requests,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "failed_runs": sum(failed(r[name]) for r in rounds for name in r),
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    state = machine()  # how fast and busy the machine is now: figures drift with it
    result = compare(args) if args.compare else measure_helpdesk(args)
    result["machine"] = state
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    if args.compare:
        print(f"helpdesk {result['helpdesk_median_per_s']}/s, "
              f"ombuds {result['ombuds_median_per_s']}/s (medians of {args.rounds}), "
              f"ombuds/helpdesk {result['ratio_ombuds_to_helpdesk']}")  # fmt: skip
        return 1 if result["failed_runs"] else 0
    return 1 if failed(result) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
