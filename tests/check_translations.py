"""Fail when the Korean catalogue is incomplete or wrong, or a compiled catalogue is stale.

Checks locale/ko: every entry translated and not fuzzy, placeholders (%(name)s, %s) kept exactly,
one plural form (Korean has no plural), no msgstr that merely copies the English; and for ko and en:
the .po exists and its .mo holds exactly what the .po says (the .mo files are committed, because a
fresh machine may have no gettext tools). Run `make messages` to refresh the catalogues.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdif%]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")


def _forms(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def korean_problems(catalogue: polib.POFile) -> Iterator[str]:
    if catalogue.metadata.get("Plural-Forms", "").replace(" ", "") != "nplurals=1;plural=0;":
        yield "ko: Plural-Forms must be `nplurals=1; plural=0;`"
    for entry in catalogue.untranslated_entries():
        yield f"untranslated: {entry.msgid!r}"
    for entry in catalogue.fuzzy_entries():
        yield f"fuzzy: {entry.msgid!r}"
    for entry in catalogue.translated_entries():
        forms = _forms(entry)
        if entry.msgid_plural and len(forms) != 1:
            yield f"plural needs exactly one Korean form: {entry.msgid!r}"
        if "python-format" in entry.flags and any(
            _placeholders(form) != _placeholders(entry.msgid) for form in forms
        ):
            yield f"placeholders differ: {entry.msgid!r}"
        if any(form == entry.msgid for form in forms) and ENGLISH_WORDS.search(entry.msgid):
            yield f"msgstr copies the English: {entry.msgid!r}"


def compiled_problems(po_path: Path) -> Iterator[str]:
    if not po_path.exists():
        yield f"missing {po_path.relative_to(ROOT)}: run `make messages`"
        return
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        yield f"missing {mo_path.relative_to(ROOT)}: run `make messages`"
        return
    expected = {
        (e.msgctxt, e.msgid): _forms(e) for e in polib.pofile(str(po_path)).translated_entries()
    }
    compiled = {(e.msgctxt, e.msgid): _forms(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    if compiled != expected:
        yield f"{mo_path.relative_to(ROOT)} differs from {po_path.name}: run `make messages`"


def main() -> int:
    ko_path = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
    problems: list[str] = []
    for lang in ("ko", "en"):
        problems += compiled_problems(LOCALE / lang / "LC_MESSAGES" / "django.po")
    catalogue = polib.pofile(str(ko_path)) if ko_path.exists() else None
    if catalogue is not None:
        problems += korean_problems(catalogue)
    for problem in problems:
        print(problem, file=sys.stderr)
    translated = len(catalogue.translated_entries()) if catalogue is not None else 0
    print(f"ko: {translated} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
