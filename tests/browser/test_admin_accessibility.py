"""The account admin (/staff/admin/) passes axe in Korean and English, as every other staff page
does, and has the same language switch: the user list, a member's change form, the roles."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ombuds.roles import grant_sysadmin
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import PASSWORD, enrolled, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = ["accounts", "user list", "change form", "roles"]


def sign_in_admin(page: Page, user: object) -> None:
    device = enrolled(user)
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", user.username)  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("#id_token", totp_code(device))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(reverse("admin:index"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_admin(new_page, language: str) -> None:
    admin = make_staff("admin-a11y", "sysadmin")
    grant_sysadmin(admin)
    member = make_staff("member-a11y", "intake_officer")
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)
    sign_in_admin(page, admin)
    audit.check("accounts")
    page.goto(reverse("admin:ombuds_user_changelist"))
    audit.check("user list")
    page.goto(reverse("admin:ombuds_user_change", args=[member.pk]))
    audit.check("change form")
    page.goto(reverse("admin:auth_group_changelist"))
    audit.check("roles")
    audit.assert_clean(ADMIN_PAGES)


def test_the_admin_switches_language_and_stays_on_its_page(new_page) -> None:
    admin = make_staff("admin-lang", "sysadmin")
    grant_sysadmin(admin)
    page = new_page(language="en", bypass_csp=True)
    sign_in_admin(page, admin)
    page.goto(reverse("admin:ombuds_user_changelist"))
    page.locator("form.language-switch button[lang=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page).to_have_url(reverse("admin:ombuds_user_changelist"))
    page.locator("form.language-switch button[lang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
