"""Intake while the disk fills up: every stored complaint answered with its receipt, every error
answer matching nothing stored, no orphan file.

    sudo .venv/bin/python bench/intake_faults.py [--seconds 60] [--clients 8] [--fills 4]
                                                 [--fill-seconds 3] [--size-mb 256]
                                                 [--json FILE]

Needs root: it mounts a small tmpfs as the data directory (SQLite database, its WAL and the
attachments), so that "disk full" is the real ENOSPC of a real file system. Starts gunicorn
(2 sync workers, as bench/intake.py does) on it, then `--clients` petitioners post complaints,
each with a small PDF as evidence and its own submission token, for `--seconds`. Meanwhile,
`--fills` times, a filler writes until the file system is full, holds it `--fill-seconds`, and
frees it. Afterwards it compares what each client was told with what the database holds, by
submission token, and the attachment files with the attachment rows. Exit status 1 on any
mismatch.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, free_port, machine
from intake import PYTHON, Petitioner, complaint, gunicorn, server_env


def pdf_bytes() -> bytes:
    """A real one-page PDF (evidence is checked through its structure)."""
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


RECEIPT = re.compile(rb'id="reference">([^<]+)<')
PDF = pdf_bytes()
NOT_STORED = b"nothing was filed"


@contextlib.contextmanager
def tmpfs(size_mb: int) -> Iterator[Path]:
    if os.geteuid() != 0:
        raise SystemExit("needs root: it mounts a tmpfs to fill up")
    mount = Path(tempfile.mkdtemp(prefix="ombuds-full-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)],
                   check=True)  # fmt: skip
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.rmtree(mount, ignore_errors=True)


def fill(folder: Path, hold: float) -> int:
    """Write until the file system is full, hold it full, then free it; the bytes written."""
    filler, written, chunk = folder / "filler", 0, b"\0" * (1 << 20)
    with filler.open("wb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while True:
                written += handle.write(chunk)
        with contextlib.suppress(OSError):
            while True:  # the last few kilobytes too
                written += handle.write(b"\0" * 4096)
    time.sleep(hold)
    filler.unlink()
    return written


def post(petitioner: Petitioner, index: int) -> tuple[str, int, str]:
    """One complaint with evidence: (submission token, status, receipt reference or '')."""
    fields = complaint(petitioner.token, index)
    fields["language"] = "en"
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts += [f"--{boundary}".encode(),
                      f'Content-Disposition: form-data; name="{name}"'.encode(), b"",
                      item.encode()]  # fmt: skip
    parts += [f"--{boundary}".encode(),
              b'Content-Disposition: form-data; name="evidence"; filename="letter.pdf"',
              b"Content-Type: application/pdf", b"", PDF,
              f"--{boundary}--".encode(), b""]  # fmt: skip
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Cookie": petitioner.cookie, "Accept-Language": "en"}  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", petitioner.port, timeout=60)
    try:
        connection.request("POST", "/complaint/", body=b"\r\n".join(parts), headers=headers)
        response = connection.getresponse()
        page = response.read()
    except OSError:
        return str(fields["submission"]), 0, ""
    finally:
        connection.close()
    found = RECEIPT.search(page)
    status = response.status
    if status == http.client.SERVICE_UNAVAILABLE and NOT_STORED not in page:
        status = -status  # an error page that does not say plainly nothing was filed
    return str(fields["submission"]), status, found.group(1).decode() if found else ""


def drive(port: int, clients: int, seconds: float) -> list[tuple[str, int, str]]:
    answers: list[tuple[str, int, str]] = []
    lock, deadline = threading.Lock(), time.monotonic() + seconds
    counter = iter(range(10**9))

    def work() -> None:
        petitioner = Petitioner(port)
        while time.monotonic() < deadline:
            answer = post(petitioner, next(counter))
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def compare(data_dir: Path, answers: list[tuple[str, int, str]]) -> dict[str, object]:
    with sqlite3.connect(data_dir / "ombuds.sqlite3") as db:
        stored = dict(db.execute("SELECT submission_token, reference FROM cases_case"))
        rows = {name for (name,) in db.execute("SELECT storage_name FROM cases_attachment")}
    stored = {str(uuid.UUID(token)) if token else "": ref for token, ref in stored.items()}
    files = {p.name for p in (data_dir / "attachments").iterdir()}
    statuses = Counter(status for _token, status, _ref in answers)
    told = {token: (status, ref) for token, status, ref in answers}
    return {
        "answers": dict(statuses),
        "stored": len(stored),
        "stored_and_receipt_shown": sum(
            1 for t, r in stored.items() if told.get(t, (0, ""))[1] == r
        ),
        "stored_but_error_answered": sorted(t for t in stored if told.get(t, (0, ""))[1] == ""),
        "receipt_but_not_stored": sorted(t for t, (s, r) in told.items() if r and t not in stored),
        "unclear_error_pages": statuses.get(-503, 0),
        "attachment_rows": len(rows),
        "orphan_files": sorted(files - rows),
        "rows_without_file": sorted(rows - files),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fills", type=int, default=4)
    parser.add_argument("--fill-seconds", type=float, default=3)
    parser.add_argument("--size-mb", type=int, default=256)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tmpfs(args.size_mb) as data_dir:
        env = server_env(data_dir, "", argparse.Namespace(conn_max_age=None))
        subprocess.run([str(PYTHON), "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT,
                       check=True)  # fmt: skip
        port, fills = free_port(), []
        with gunicorn(env, port, 2):
            gap = args.seconds / (args.fills + 1)

            def filler() -> None:
                for _ in range(args.fills):
                    time.sleep(gap)
                    fills.append(fill(data_dir, args.fill_seconds))

            thread = threading.Thread(target=filler)
            thread.start()
            answers = drive(port, args.clients, args.seconds)
            thread.join()
        figures = {"machine": machine(), "fills_mb": [round(b / 2**20) for b in fills],
                   **compare(data_dir, answers)}  # fmt: skip
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    bad = ("stored_but_error_answered", "receipt_but_not_stored", "orphan_files",
           "rows_without_file")  # fmt: skip
    return 1 if any(figures[k] for k in bad) or figures["unclear_error_pages"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
