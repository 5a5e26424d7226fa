"""The statistics pages on a seeded database: what they show, CSV, access log, no personal data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ombuds.accesslog import AccessLogEntry
from stats.dimensions import DIMENSIONS
from stats.releases import Period, crosstab_key, release_for, tables
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture
def seeded(db):
    call_command("seed_cases", count=400, investigators=2, verbosity=0)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def this_year() -> int:
    return timezone.localdate().year


def numbers(text: str) -> list[int]:
    import re

    return [int(n.replace(",", "")) for n in re.findall(r'class="number">([\d,]+)<', text)]


def test_the_dashboard_publishes_no_count_below_k_and_logs_the_view(client, auditor, seeded):
    sign_in(client, auditor)
    response = client.get(reverse("stats:dashboard"), {"year": this_year()})
    assert response.status_code == HTTPStatus.OK
    shown = numbers(response.text)
    assert shown, "the dashboard shows figures"
    assert all(n == 0 or n >= K for n in shown)
    assert "[c]" in response.text
    entry = AccessLogEntry.objects.get(action="view_statistics")
    assert entry.user_id == auditor.pk
    assert entry.detail == f"t=dashboard,p={this_year()}-01-01/{this_year()}-12-31"
    log = client.get(reverse("accounts:access_log"))
    assert "Viewed statistics" in log.text
    assert "t=dashboard" in log.text


def test_a_crosstab_in_both_orders_is_the_same_table(client, ombudsperson, seeded):
    sign_in(client, ombudsperson)
    first = client.get(reverse("stats:crosstab"), {"rows": "right", "cols": "channel"})
    second = client.get(reverse("stats:crosstab"), {"rows": "channel", "cols": "right"})
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert sorted(numbers(first.text)) == sorted(numbers(second.text))
    assert all(n == 0 or n >= K for n in numbers(first.text))


def shows_figures(release, rows: str, cols: str) -> bool:
    key = crosstab_key(rows, cols)
    return any(value is not None for value in tables(release, [key])[key]["cells"].values())


def test_csv_has_a_bom_a_header_a_total_row_and_notes(client, auditor, seeded):
    sign_in(client, auditor)
    today = timezone.localdate()
    decade = Period(today - timedelta(days=3650), today)
    everything = {"date_from": decade.start.isoformat(), "date_to": decade.end.isoformat()}
    # A table with figures shown (a sparse one is withheld whole: no table, tested below).
    release = release_for(decade)
    pairs = [("outcome", "right"), ("right", "group"), ("group", "outcome"),
             ("right", "respondent_type"), ("channel", "filing_mode")]  # fmt: skip
    row_dim, col_dim = next((a, b) for a, b in pairs if shows_figures(release, a, b))
    response = client.get(reverse("stats:export"), {"table": "crosstab", "rows": row_dim,
                                                     "cols": col_dim, **everything})  # fmt: skip
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == str(DIMENSIONS[row_dim].name)
    assert header[-1] == "Total"
    assert len(header) == len(DIMENSIONS[col_dim].fixed) + 2
    blank = rows.index([])
    body = rows[1:blank]
    assert body[-1][0] == "Total"
    assert len(body) == len(DIMENSIONS[row_dim].fixed) + 1
    assert any(cell.replace(",", "").isdigit() for row in body[:-1] for cell in row[1:-1])
    for row in body:
        for cell in row[1:]:
            assert cell == "[c]" or cell.replace(",", "").isdigit()
            assert (
                cell == "[c]"
                or int(cell.replace(",", "")) in (0,)
                or int(cell.replace(",", "")) >= K
            )
    notes = dict(r for r in rows[blank + 1 :] if len(r) == 2)
    assert notes["Threshold k"] == str(K)
    assert AccessLogEntry.objects.filter(action="export_statistics").count() == 1


def test_the_annual_report_in_korean(client, auditor, seeded):
    client.cookies["django_language"] = "ko"
    sign_in(client, auditor)
    response = client.get(reverse("stats:report"), {"year": this_year() - 1})
    assert response.status_code == HTTPStatus.OK
    assert "<svg" in response.text
    assert "<title id=" in response.text
    assert "report-print.css" in response.text
    assert all(n == 0 or n >= K for n in numbers(response.text))


def test_a_right_and_a_kind_of_respondent_at_once(client, auditor, seeded):
    """Both filters: rows of the three-way tables, suppressed with the tables under them."""
    sign_in(client, auditor)
    query = {"year": this_year(), "right": "equality", "respondent_type": "city_office"}
    response = client.get(reverse("stats:dashboard"), query)
    assert response.status_code == HTTPStatus.OK
    assert "chosen categories" in response.text
    assert all(n == 0 or n >= K for n in numbers(response.text))
    entry = AccessLogEntry.objects.get(action="view_statistics")
    assert entry.detail.endswith(",f=right:equality,f=respondent_type:city_office")
    export = client.get(reverse("stats:export"), {**query, "table": "one:channel"})
    assert export.status_code == HTTPStatus.OK
    text = export.content.decode("utf-8-sig")
    assert "right=equality, respondent_type=city_office" in text


def test_a_table_withheld_whole_is_not_drawn_on_screen_or_in_csv(client, auditor, staff):
    """One case in the period: its total is below k, so no table can be protected and none is
    drawn (a `[c]` stands only for a figure nothing published determines)."""
    case = staff.case_in("closed")
    day = timezone.localtime(case.received_at).date().isoformat()
    period = {"date_from": day, "date_to": day}
    sign_in(client, auditor)
    page = client.get(reverse("stats:crosstab"), {**period, "rows": "right", "cols": "outcome"})
    assert page.status_code == HTTPStatus.OK
    assert "Not published for this period" in page.text
    assert '<table class="stats"' not in page.text
    dashboard = client.get(reverse("stats:dashboard"), period)
    assert "Not published for this period" in dashboard.text
    assert "<svg" not in dashboard.text.split("<main", 1)[-1]  # no chart of nothing
    export = client.get(reverse("stats:export"), {**period, "table": "crosstab",
                                                   "rows": "right", "cols": "outcome"})  # fmt: skip
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Right concerned"
    assert rows[1] == []
    assert not any("[c]" in cell for row in rows for cell in row)
    assert rows[-1][0] == "Withheld"
