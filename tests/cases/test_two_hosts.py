"""Two app hosts and two outbox workers on one PostgreSQL database and one S3 bucket, as
docs/deploy.md describes: real gunicorn and `send_notifications` processes, moto's S3 server, a
real SMTP server. A complaint filed with evidence through host A is tracked, read, downloaded
and moved on through host B; every message is sent exactly once.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
import requests
from django.db import connection
from django.test import Client

from cases.models import Attachment, Case, State
from notifications.models import Notification
from tests import factories
from tests.conftest import sign_in
from tests.notifications.support import SMTPServer, free_port
from tests.notifications.test_worker_faults import ROOT, start_worker, worker_env
from tests.s3 import Bucket, s3_env

pytestmark = pytest.mark.django_db(transaction=True)

ACCESS_KEY = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6}\b")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "several hosts share one PostgreSQL database (SQLite serves one host): "
            "run it under tests/with_postgres.py"
        )


@pytest.fixture
def relay() -> Iterator[SMTPServer]:
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def environment(relay: SMTPServer, s3_bucket: Bucket, tmp_path: Any) -> dict[str, str]:
    return {**worker_env(relay.port), **s3_env(s3_bucket), "OMBUDS_DATA_DIR": str(tmp_path),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "OMBUDS_LOG_LEVEL": "WARNING"}  # fmt: skip


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    running: list[subprocess.Popen[bytes]] = []
    yield running
    for process in running:
        process.terminate()
    for process in running:
        process.wait(30)


def start_host(env: dict[str, str], running: list[subprocess.Popen[bytes]]) -> str:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:ombuds.gunicorn_config",
               "ombuds.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--no-control-socket",
               "--access-logfile", "/dev/null"]  # fmt: skip
    running.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
    return f"http://127.0.0.1:{port}"


def wait_healthy(host: str, deadline: float) -> dict[str, Any]:
    while True:
        try:
            response = requests.get(f"{host}/healthz", timeout=10)
            if response.status_code == HTTPStatus.OK:
                return dict(response.json())
        except requests.RequestException:  # not listening yet, or still importing Django
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{host} did not become healthy")
        time.sleep(0.2)


def csrf_token(page: requests.Response) -> str:
    found = CSRF_FIELD.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def test_filed_on_one_host_handled_on_the_other_and_each_message_sent_once(
    environment, processes, relay, s3_bucket, staff
):
    deadline = time.monotonic() + 45
    host_a, host_b = (start_host(environment, processes) for _ in range(2))
    processes += [start_worker(environment) for _ in range(2)]
    for host in (host_a, host_b):
        assert wait_healthy(host, deadline)["failed"] == []

    # Host A: a resident files a complaint with evidence.
    petitioner = requests.Session()
    form = petitioner.get(f"{host_a}/complaint/", timeout=10)
    data = {**factories.complaint_post(), "csrfmiddlewaretoken": csrf_token(form)}
    files = {"evidence": ("proof.pdf", factories.PDF_BYTES, "application/pdf")}
    receipt = petitioner.post(f"{host_a}/complaint/", data=data, files=files, timeout=30)
    assert receipt.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert case.reference in receipt.text
    found = ACCESS_KEY.search(receipt.text)
    assert found, "no access key on the receipt"
    item = Attachment.objects.get()
    assert s3_bucket.keys() == [f"attachments/{item.storage_name}"]

    # Host B: the petitioner opens the case with the receipt's details.
    tracker = requests.Session()
    page = tracker.get(f"{host_b}/track/", timeout=10)
    tracked = tracker.post(f"{host_b}/track/", timeout=10, data={
        "reference": case.reference, "access_key": found.group(0),
        "csrfmiddlewaretoken": csrf_token(page)})  # fmt: skip
    assert (tracked.status_code, tracked.url) == (HTTPStatus.OK, f"{host_b}/track/case/")
    assert case.reference in tracked.text

    # Host B: the intake officer reads the case, downloads the evidence and moves it on.
    signed_in = sign_in(Client(), staff.intake)
    officer = requests.Session()
    officer.cookies.set("sessionid", signed_in.cookies["sessionid"].value)
    case_page = officer.get(f"{host_b}/staff/cases/{case.reference}/", timeout=10)
    assert case_page.status_code == HTTPStatus.OK
    assert case.narrative in case_page.text
    download = officer.get(
        f"{host_b}/staff/cases/{case.reference}/attachments/{item.uid}/", timeout=10
    )
    assert (download.status_code, download.content) == (HTTPStatus.OK, factories.PDF_BYTES)
    moved = officer.post(
        f"{host_b}/staff/cases/{case.reference}/act/start_screening/",
        data={"version": case.version, "message": "", "note": "",
              "csrfmiddlewaretoken": csrf_token(case_page)},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert moved.status_code == HTTPStatus.FOUND, moved.text[:500]
    case.refresh_from_db()
    assert case.state == State.SCREENING

    # Both workers drain the one outbox: every message once.
    while Notification.objects.exclude(status=Notification.Status.SENT).exists():
        assert time.monotonic() < deadline + 15, "the workers did not drain the outbox"
        time.sleep(0.2)
    sent = Counter(str(message["Message-ID"]) for message in relay.received)
    expected = {n.message_id for n in Notification.objects.all()}
    assert len(expected) >= 1
    assert set(sent) == expected
    assert set(sent.values()) == {1}
