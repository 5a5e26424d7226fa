"""axe-core finds no WCAG 2.2 A/AA violation on the new staff pages, in Korean and in English,
walked as a person would: enrolment and the backup codes shown once, the backup-code sign-in,
the codes page; a legal hold set, the held list, and the two steps of an erasure on request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from cases.models import Case, State
from tests import factories
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import PASSWORD, totp_code
from tests.workflow import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "backup codes shown at enrolment",
    "backup-code sign-in",
    "backup codes page",
    "case page with holds and erasure",
    "legal hold",
    "cases under legal hold",
    "erasure step 1",
    "erasure step 2",
    "erased case",
]


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


def password(page: Page, user: Any) -> None:
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    submit(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_recovery_and_retention_pages(new_page: Any, language: str) -> None:
    staff = Staff(intake=make_staff("intake-r", "intake_officer"),
                  investigator=make_staff("inv-r", "investigator"),
                  ombudsperson=make_staff("omb-r", "ombudsperson"))  # fmt: skip
    case = staff.case_in(State.CLOSED, evidence=[factories.pdf()])
    boss = staff.ombudsperson
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)

    password(page, boss)
    expect(page).to_have_url(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=boss)
    page.fill("#id_token", totp_code(device))
    submit(page)
    codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(codes) == 10
    audit.check("backup codes shown at enrolment")
    page.locator("main a.button").click()
    expect(page).to_have_url(reverse("staff:queue"))

    page.locator("form[action='/staff/logout/'] button").click()
    password(page, boss)
    expect(page).to_have_url(reverse("accounts:verify"))
    page.locator(f"main a[href='{reverse('accounts:recover')}']").click()
    audit.check("backup-code sign-in")
    page.fill("#id_code", codes[0])
    submit(page)
    expect(page).to_have_url(reverse("staff:queue"))
    page.goto(reverse("accounts:backup_codes"))
    expect(page.locator("#codes-left")).to_contain_text("9")
    audit.check("backup codes page")

    page.goto(reverse("staff:case", args=[case.reference]))
    audit.check("case page with holds and erasure")
    page.locator(f"a[href='{reverse('staff:legal_hold', args=[case.reference])}']").click()
    audit.check("legal hold")
    page.fill("#id_reason", "Court order 2026-77")
    submit(page)
    expect(page.locator("#legal-hold")).to_be_visible()
    page.goto(reverse("staff:held_cases"))
    expect(page.locator("#held-cases")).to_contain_text(case.reference)
    audit.check("cases under legal hold")

    page.goto(reverse("staff:erase", args=[case.reference]))
    audit.check("erasure step 1")
    page.locator("input[name=ground][value=petitioner_asked]").check()
    submit(page)
    expect(page.locator("#what-goes")).to_be_visible()
    audit.check("erasure step 2")
    page.fill("#id_reference", case.reference)
    submit(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("staff:case", args=[case.reference]))))
    expect(page.locator("#erased")).to_be_visible()
    audit.check("erased case")
    assert Case.objects.get(pk=case.pk).erased_at is not None
    audit.assert_clean(PAGES)
