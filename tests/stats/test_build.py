"""`manage.py build_statistics`: today's release of every standard period, built ahead of visitors,
idempotent and resumable; and the audit's closed forms and groups agree with one whole LP."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from stats.models import Release
from stats.releases import Period, standard_periods
from stats.suppression import Relation, Table, _solve, audit
from tests.conftest import sign_in
from tests.stats.test_differencing import CANARIES


def build(*args: str) -> str:
    out = io.StringIO()
    call_command("build_statistics", *args, stdout=out)
    return out.getvalue()


def test_the_standard_periods_are_every_year_quarter_and_month_newest_first():
    found = standard_periods(date(2024, 11, 15), date(2025, 2, 3))
    assert [name for name, _period in found] == [
        "2025", "2024", "2025-Q1", "2024-Q4", "2025-02", "2025-01", "2024-12", "2024-11",
    ]  # fmt: skip
    periods = dict(found)
    assert periods["2024-Q4"] == Period(date(2024, 10, 1), date(2024, 12, 31))
    assert periods["2025-02"] == Period(date(2025, 2, 1), date(2025, 2, 28))
    assert periods["2024"] == Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.django_db
def test_nothing_to_build_without_complaints():
    assert "Nothing to build" in build()
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_it_builds_what_is_missing_resumes_and_then_has_nothing_to_do(
    client, auditor, staff, django_assert_max_num_queries
):
    call_command("seed_cases", count=40, investigators=1, verbosity=0)
    staff.case_in("closed", name=CANARIES[0], narrative=CANARIES[1], email=CANARIES[2],
                  respondent_name=CANARIES[3])  # fmt: skip
    year = timezone.localdate().year
    expected = len(standard_periods(date(year, 1, 1), timezone.localdate()))

    first = build("--since", str(year), "--limit", "2")
    assert f"[1/{expected}] {year}: built in" in first
    assert f"Stopped at --limit: built 2 releases as of {timezone.localdate()}" in first
    assert f"{expected - 2} left (run again to carry on)" in first
    assert Release.objects.count() == 2

    second = build("--since", str(year))
    assert f"Done: built {expected - 2} releases" in second
    assert "2 already there, 0 left" in second
    assert f"[1/{expected}] {year}: already built" in second
    assert Release.objects.count() == expected

    third = build("--since", str(year))
    assert f"Done: built 0 releases as of {timezone.localdate()}, {expected} already there" in third
    for text in (first, second, third):
        assert not any(canary in text for canary in CANARIES)

    # The dashboard of this year reads the built release: no record is read, nothing is built.
    sign_in(client, auditor)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("stats:dashboard"), {"year": year})
    assert response.status_code == 200
    assert Release.objects.count() == expected


def random_table(seed: int) -> tuple[Table, set[str]]:
    """A two-way table (some relations inexact) and a random set of hidden figures."""
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 4), rng.randint(1, 4)
    cells = {(i, j): rng.choice([0, 1, 2, 5, 9, 12, 30]) for i in range(rows) for j in range(cols)}
    values = {f"x{i}{j}": v for (i, j), v in cells.items()}
    values |= {f"r{i}": sum(cells[i, j] for j in range(cols)) for i in range(rows)}
    values |= {f"c{j}": sum(cells[i, j] for i in range(rows)) for j in range(cols)}
    values["t"] = sum(cells.values())
    exact = rng.random() < 0.7
    relations = [
        *(Relation(f"r{i}", tuple(f"x{i}{j}" for j in range(cols))) for i in range(rows)),
        *(Relation(f"c{j}", tuple(f"x{i}{j}" for i in range(rows)), exact) for j in range(cols)),
        Relation("t", tuple(f"r{i}" for i in range(rows)), exact),
        Relation("t", tuple(f"c{j}" for j in range(cols))),
    ]
    hidden = {key for key, value in values.items() if value and rng.random() < 0.4}
    return Table(values, relations), hidden


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10**9))
def test_the_audit_by_groups_and_closed_forms_equals_one_lp_over_the_whole_table(seed):
    table, hidden = random_table(seed)
    if not hidden:
        return
    fast, whole = audit(table, hidden), _solve(table, hidden, 0)
    assert fast.keys() == whole.keys()
    for key, (low, high) in whole.items():
        assert fast[key][0] == pytest.approx(low, abs=1e-6), (key, fast[key], whole[key])
        assert (fast[key][1] is None) == (high is None), (key, fast[key], whole[key])
        if high is not None:
            assert fast[key][1] == pytest.approx(high, abs=1e-6), (key, fast[key], whole[key])
