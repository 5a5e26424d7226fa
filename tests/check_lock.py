"""Fail when requirements.lock no longer matches pyproject.toml's dependencies.

    python tests/check_lock.py .venv/bin/uv <the uv pip compile flags from the Makefile>

Re-locks into a copy of the lock, which uv reads as the versions to keep, and compares: a
dependency added, removed or re-ranged in pyproject.toml without `make lock` changes the copy.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def main(uv: str, *flags: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "requirements.lock"
        shutil.copy(LOCK, copy)
        subprocess.run([uv, "pip", "compile", *flags, "-o", str(copy)], check=True, cwd=LOCK.parent)
        locked, fresh = LOCK.read_text().splitlines(), copy.read_text().splitlines()
    if locked == fresh:
        print(f"{LOCK.name} matches pyproject.toml")
        return 0
    sys.stdout.writelines(
        line + "\n" for line in difflib.unified_diff(locked, fresh, "locked", "pyproject.toml")
    )
    print(f"{LOCK.name} does not match pyproject.toml: run `make lock` and commit the result.")
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
