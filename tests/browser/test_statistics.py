"""An auditor signs in (password and TOTP), opens the statistics dashboard, a cross-tabulation and
the annual report in Korean and in English, and downloads a CSV; axe-core finds no WCAG 2.2 A/AA
violation on any of those pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from stats.releases import Period, crosstab_key, release_for, tables
from tests.browser import pages
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import PASSWORD, enrolled, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, user: Any) -> None:
    device = enrolled(user)
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("#id_token", totp_code(device))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{page.url.split('/staff/')[0]}{reverse('accounts:access_log')}")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_auditor_reads_the_statistics_and_downloads_a_csv(new_page, language):
    call_command("seed_cases", count=400, investigators=1, jobs=1, verbosity=0)
    auditor = make_staff(f"auditor-{language}", "auditor")
    page = new_page(language=language, bypass_csp=True)  # axe is injected as a script
    sign_in(page, auditor)
    year = timezone.localdate().year
    # The day's first request of a period builds its release (seconds on a busy machine):
    # built here, so that the browser's 10 s timeouts measure the pages, not the build.
    release = release_for(Period(date(year, 1, 1), date(year, 12, 31)))
    # A cross-tab with figures shown: over ten years (in a small year they are withheld whole).
    today = timezone.localdate()
    decade = Period(today - timedelta(days=3650), today)
    span = f"date_from={decade.start.isoformat()}&date_to={decade.end.isoformat()}"
    release = release_for(decade)
    pairs = [("right", "outcome"), ("right", "group"), ("right", "respondent_type"),
             ("channel", "filing_mode"), ("body", "outcome")]  # fmt: skip
    rows, cols = next(
        (a, b)
        for a, b in pairs
        if any(
            v is not None
            for v in tables(release, [crosstab_key(a, b)])[crosstab_key(a, b)]["cells"].values()
        )
    )
    report = []
    link = page.get_by_role("link", name={"ko": "통계", "en": "Statistics"}[language])
    expect(link).to_have_attribute("href", reverse("stats:dashboard"))
    for name, url in (
        ("dashboard", f"{reverse('stats:dashboard')}?year={year}"),
        ("cross-tab", f"{reverse('stats:crosstab')}?rows={rows}&cols={cols}&{span}"),
        ("annual report", f"{reverse('stats:report')}?year={year}"),
    ):
        page.goto(url)
        expect(page.locator("table.stats").first).to_be_visible()
        assert page.locator("html").get_attribute("lang") == language
        if violations := pages.axe_violations(page):
            report.append(f"--- {name} ({language})\n{pages.describe(violations)}")
    assert page.locator("svg[role=img] title").count() >= 1
    with page.expect_download() as download:
        page.locator("a[href*='/export/']").first.click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"[c]" in data or b"0" in data
    assert not report, "axe found violations:\n" + "\n".join(report)
