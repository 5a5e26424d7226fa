"""A complaint's whole life in the browser: filed by a resident, taken from screening to closure
by three staff members who sign in with a password and a TOTP code, with a recommendation and
its response; the petitioner follows the timeline all along."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import pages
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import PASSWORD, enrolled, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, user: Any) -> None:
    device = enrolled(user)
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.fill("#id_token", totp_code(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")


def take(page: Page, reference: str, action: str, **fields: str) -> None:
    """Open the case, follow the action's link, fill its form and submit it."""
    page.goto(reverse("staff:case", args=[reference]))
    page.locator(f"a[href$='/act/{action}/']").click()
    for selector, value in fields.items():
        element = page.locator(f"#id_{selector}")
        if element.evaluate("e => e.tagName") == "SELECT":
            label = element.locator("option", has_text=value).first.inner_text()
            element.select_option(label=label)
        else:
            element.fill(value)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("Done:")


def petitioner_sees(page: Page, reference: str, access_key: str, status: str, entry: str) -> None:
    pages.open_case(page, reference, access_key)
    expect(page.locator("#case-status")).to_have_text(status)
    expect(page.locator("ol.timeline > li").last).to_contain_text(entry)


def test_a_complaint_from_filing_to_closure(new_page, evidence):
    intake = make_staff("mina.intake", "intake_officer")
    investigator = make_staff("jun.investigator", "investigator")
    ombudsperson = make_staff("ombudsperson", "ombudsperson")
    petitioner = new_page(language="en")
    reference, access_key = pages.file_complaint(petitioner, files=(evidence["png"],))

    officer = new_page(language="en")
    sign_in(officer, intake)
    expect(officer.get_by_role("link", name=reference)).to_be_visible()
    take(officer, reference, "start_screening", message="We are reviewing your complaint.")
    petitioner_sees(petitioner, reference, access_key,
                    "Under review: we are checking whether we can handle your complaint.",
                    "We are reviewing your complaint.")  # fmt: skip

    chief = new_page(language="en")
    sign_in(chief, ombudsperson)
    take(chief, reference, "accept", investigator="jun.investigator")

    worker = new_page(language="en")
    sign_in(worker, investigator)
    worker.goto(reverse("staff:queue") + "?view=mine")
    expect(worker.get_by_role("link", name=reference)).to_be_visible()
    worker.goto(reverse("staff:case", args=[reference]))
    with worker.expect_download() as download:
        worker.get_by_role("link", name="photo.png", exact=True).click()
    assert download.value.suggested_filename == "photo.png"
    take(worker, reference, "submit_findings", note="The ramp was refused for two years.")
    # The intake officer no longer sees the case once it is under investigation.
    officer.goto(reverse("staff:case", args=[reference]))
    expect(officer.get_by_role("heading", level=1)).to_have_text("Page not found")

    take(chief, reference, "uphold", message="Your rights were violated.",
         agency_type_1="District office", agency_name_1="Dong-gu Office",
         text_1="Install a ramp at the community centre.")  # fmt: skip
    petitioner_sees(petitioner, reference, access_key,
                    "Recommendations issued: we are following how they are put into practice.",
                    "Your rights were violated.")  # fmt: skip

    take(worker, reference, "record_response", recommendation="Dong-gu Office",
         response="Implemented", note="Ramp built.")  # fmt: skip
    take(chief, reference, "close_monitoring")
    expect(chief.locator("#case-state")).to_have_text("Closed")

    petitioner_sees(petitioner, reference, access_key, "Closed.",
                    "We finished following the recommendations; the case is closed")  # fmt: skip
    timeline = petitioner.locator("ol.timeline")
    expect(timeline).not_to_contain_text("The ramp was refused for two years.")  # internal note
    expect(petitioner.locator(".status-box")).to_contain_text("Outcome: Upheld")
