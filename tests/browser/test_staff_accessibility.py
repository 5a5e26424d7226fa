"""axe-core finds no WCAG 2.2 A/AA violation on the staff pages, in Korean or in English: the
queue and its lists, a case page with new information and a supplement arrived, an action
page, the person search and its results, registration."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases import services
from cases.models import State
from tests import factories
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import PASSWORD, enrolled, totp_code
from tests.workflow import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PAGES = [
    "queue",
    "queue: new information",
    "case with new information and a supplement",
    "action page",
    "person search",
    "person search with results",
    "register a complaint",
    "my settings",
    "my settings saved",
]


def sign_in(page: Page, user: Any) -> None:
    device = enrolled(user)
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("#id_token", totp_code(device))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(reverse("staff:queue"))


def awaiting_with_supplement() -> tuple[Any, Any]:
    staff = Staff(intake=make_staff("intake-a11y", "intake_officer"),
                  investigator=make_staff("inv-a11y", "investigator"),
                  ombudsperson=make_staff("omb-a11y", "ombudsperson"))  # fmt: skip
    case = staff.case_in(State.AWAITING_SUPPLEMENT, email="minji@example.org", name="김민지")
    services.case_add_information(case=case, message="The date was 3 March.")
    return staff, case


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages(new_page, language):
    staff, case = awaiting_with_supplement()
    factories.file_case()
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)
    sign_in(page, staff.intake)
    audit.check("queue")
    page.goto(reverse("staff:queue") + "?view=news")
    expect(page.locator("table.cases")).to_contain_text(case.reference)
    audit.check("queue: new information")
    page.goto(reverse("staff:case", args=[case.reference]))
    expect(page.locator("#supplement-arrived")).to_be_visible()
    expect(page.locator("#case-news")).to_be_visible()
    audit.check("case with new information and a supplement")
    page.goto(reverse("staff:act", args=[case.reference, "note"]))
    audit.check("action page")
    page.goto(reverse("staff:search"))
    audit.check("person search")
    page.fill("#id_email", "MINJI@example.org ")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(case.reference)
    audit.check("person search with results")
    page.goto(reverse("staff:register"))
    audit.check("register a complaint")
    page.goto(reverse("accounts:profile"))
    audit.check("my settings")
    page.locator("#id_alerts_1").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    audit.check("my settings saved")
    audit.assert_clean(STAFF_PAGES)
