"""Fail when a Korean translation is missing or fuzzy, or a compiled catalogue is stale."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    po_path = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    catalogue = polib.pofile(str(po_path))
    problems = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    if any(compiled.get((e.msgctxt, e.msgid)) != e.msgstr for e in catalogue.translated_entries()):
        problems.append(f"{mo_path.name} is older than {po_path.name}: run `make messages`")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"ko: {len(catalogue.translated_entries())} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
