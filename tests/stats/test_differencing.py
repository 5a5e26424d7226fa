"""One suppressed base per period: every page of a period publishes a figure the same way, and no
two of its figures differ by a suppressed one. Also: no name, narrative, email or reference ever
leaves through a statistics page, CSV or the annual report."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.codes import RespondentType, Right
from stats.dimensions import DIMENSIONS
from stats.releases import Period, crosstab_key, filtered_tables, release_for, tables
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
SINGLE = [key for key, dim in DIMENSIONS.items() if not dim.multiple]


def figures_of_every_page(release):
    """meaning → {published values seen}: a meaning is the set of (dimension, category)."""
    seen = defaultdict(set)
    base = tables(release, [f"one:{key}" for key in DIMENSIONS])
    for key, payload in base.items():
        dim = key.split(":")[1]
        seen[frozenset()].add(payload["total"])
        for code, value in payload["cells"].items():
            seen[frozenset({(dim, code)})].add(value)
    pairs = [(a, b) for a in DIMENSIONS for b in DIMENSIONS if a < b]
    cross = tables(release, [crosstab_key(a, b) for a, b in pairs])
    for key, payload in cross.items():
        _x, a, b = key.split(":")
        seen[frozenset()].add(payload["total"])
        for row in payload["rows"]:
            seen[frozenset({(a, row)})].add(payload["row_totals"][row])
            for col in payload["cols"]:
                seen[frozenset({(a, row), (b, col)})].add(payload["cells"][f"{row}|{col}"])
        for col in payload["cols"]:
            seen[frozenset({(b, col)})].add(payload["col_totals"][col])
    for name, codes in (("right", Right.values), ("respondent_type", RespondentType.values)):
        for code in codes:
            for key, payload in filtered_tables(release, [(name, code)]).items():
                dim = key.split(":")[1]
                seen[frozenset({(name, code)})].add(payload["total"])
                for cell, value in payload["cells"].items():
                    seen[frozenset({(name, code), (dim, cell)})].add(value)
    return seen


@pytest.fixture
def release(db):
    call_command("seed_cases", count=300, investigators=2, verbosity=0)
    today = timezone.localdate()  # a year: twelve months, every figure of every page audited
    return release_for(Period(today - timedelta(days=365), today))


def test_every_page_publishes_a_figure_alike_and_no_difference_reveals_a_suppressed_one(release):
    seen = figures_of_every_page(release)
    mixed = {meaning: values for meaning, values in seen.items() if len(values) > 1}
    assert not mixed, f"a figure published differently on two pages: {list(mixed.items())[:3]}"
    value = {meaning: next(iter(values)) for meaning, values in seen.items()}
    assert any(v is None for v in value.values()), "the seeded period has suppressed figures"
    # Differencing: a published figure minus other published figures is a suppressed one only
    # when that figure is alone unpublished in an additive line (whole = sum of its parts).
    for a in SINGLE:
        for outer in [frozenset(), *(m for m in value if len(m) == 1)]:
            if any(dim == a for dim, _c in outer):
                continue
            parts = [m for m in value if m - outer and len(m) == len(outer) + 1 and outer < m
                     and next(iter(m - outer))[0] == a]  # fmt: skip
            if not parts or outer not in value:
                continue
            hidden = [m for m in [outer, *parts] if value[m] is None]
            assert len(hidden) != 1, f"{sorted(hidden[0])} = a difference of published figures"


CANARIES = (
    "카나리아홍길동",
    "canary-narrative-5f2e",
    "canary.person@example.org",
    "canary-body-71",
)


def test_no_personal_value_or_reference_reaches_statistics(client, auditor, staff):
    call_command("seed_cases", count=60, investigators=1, verbosity=0)
    case = staff.case_in("closed", name=CANARIES[0], narrative=f"{CANARIES[1]} happened.",
                         email=CANARIES[2], respondent_name=CANARIES[3])  # fmt: skip
    sign_in(client, auditor)
    year = case.received_at.year
    urls = [
        reverse("stats:dashboard") + f"?year={year}",
        reverse("stats:dashboard") + f"?year={year}&right=equality",
        reverse("stats:crosstab") + f"?year={year}&rows=body&cols=outcome",
        reverse("stats:report") + f"?year={year}",
        *(reverse("stats:export") + f"?year={year}&table={t}"
          for t in ("one:body", "one:right", "recommendations", "closed_month")),
        reverse("stats:export") + f"?year={year}&table=crosstab&rows=group&cols=state",
    ]  # fmt: skip
    for language in ("ko", "en"):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK, url
            text = response.content.decode("utf-8")
            for canary in (*CANARIES, case.reference):
                assert canary not in text, (url, canary)
