"""axe-core finds no WCAG 2.2 A/AA violation on any public page, in Korean or in English.

Each test walks one journey through the public pages in one browser context and checks every
page it reaches, then reports every violation found on the way (page, rule, help, nodes).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import Case
from tests import factories
from tests.browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ko", "en"]
FILING_PAGES = [
    "home",
    "complaint form",
    "complaint form with errors",
    "rejected",
    "receipt",
    "receipt reissued",
    "already received",
    "not found",
]
TRACKING_PAGES = [
    "track form",
    "track form with error",
    "tracked case",
    "tracked case, addition with error",
    "withdraw confirmation",
    "withdraw confirmation with error",
    "withdrawn case",
]


class Audit:
    """Runs axe on each page reached and keeps what it finds, named by page."""

    def __init__(self, page: Page, language: str) -> None:
        self.page, self.language, self.checked = page, language, []
        self.report: list[str] = []

    def check(self, name: str) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.language, name
        self.checked.append(name)
        if violations := pages.axe_violations(self.page):
            self.report.append(f"--- {name} ({self.language}, {self.page.url})")
            self.report.append(pages.describe(violations))

    def assert_clean(self, expected: list[str]) -> None:
        assert self.checked == expected
        assert not self.report, "axe found violations:\n" + "\n".join(self.report)


def submit_first_form(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_filing_pages(new_page, language):
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)
    page.goto(reverse("cases:home"))
    audit.check("home")
    page.goto(reverse("cases:complaint"))
    audit.check("complaint form")
    page.fill("#id_name", "Kim Minji")
    page.check("input[name=rights][value=equality]")
    pages.submit_complaint(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("complaint form with errors")
    page.locator("#id_website").evaluate("input => { input.value = 'http://spam.example' }")
    pages.submit_complaint(page)
    audit.check("rejected")
    reference, first_key = pages.file_complaint(page, mode="anonymous")
    audit.check("receipt")
    page.reload()  # sends the same form again: its receipt, with a new access key
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("#access-key")).not_to_have_text(first_key)
    audit.check("receipt reissued")
    case = Case.objects.get(reference=reference)
    Case.objects.filter(pk=case.pk).update(received_at=case.received_at - timedelta(days=2))
    page.reload()  # again, two days later: the reference only
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("#access-key")).to_have_count(0)
    audit.check("already received")
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    audit.check("not found")
    audit.assert_clean(FILING_PAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_tracking_pages(new_page, language):
    filed = factories.file_case()
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)
    page.goto(reverse("cases:track"))
    audit.check("track form")
    page.fill("#id_reference", filed.case.reference)
    page.fill("#id_access_key", "not-the-key")
    submit_first_form(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("track form with error")
    pages.open_case(page, filed.case.reference, filed.access_key)
    audit.check("tracked case")
    page.locator("form[action$='/add/'] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("tracked case, addition with error")
    page.goto(reverse("cases:withdraw"))
    audit.check("withdraw confirmation")
    submit_first_form(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("withdraw confirmation with error")
    page.check("#id_confirm")
    submit_first_form(page)
    expect(page.locator(".messages")).to_be_visible()
    audit.check("withdrawn case")
    audit.assert_clean(TRACKING_PAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_names_are_marked_in_their_own_language(new_page, language):
    """WCAG 3.1.2: "한국어" is read as Korean and "English" as English, in header and form."""
    page = new_page(language=language)
    page.goto(reverse("cases:complaint"))
    for code, name in [("ko", "한국어"), ("en", "English")]:
        expect(page.locator(f"form.language-switch button[value={code}]")).to_have_attribute(
            "lang", code
        )
        expect(page.locator(f"label[for^=id_language_][lang={code}]")).to_have_text(name)
