"""A person files a complaint, keeps the receipt, and follows the case to its withdrawal."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("mode", "file", "mail_promised"),
    [("self", "png", True), ("anonymous", "pdf", False), ("on_behalf", "png", True)],
)
def test_file_and_follow_a_complaint(page_en, evidence, mode, file, mail_promised):
    pages.fill_complaint(page_en, mode=mode, files=(evidence[file],))
    pages.submit_complaint(page_en)

    expect(page_en.get_by_role("heading", level=1)).to_have_text("We have received your complaint")
    expect(page_en.locator(".receipt")).to_contain_text("The access key is shown only once.")
    # Switching language would leave the receipt, and the key with it: no switch here.
    expect(page_en.locator("form.language-switch")).to_have_count(0)
    expect(page_en.get_by_role("button", name="Print this receipt")).to_be_visible()
    promise = page_en.get_by_text("If you gave an email address, we will write to you there.")
    expect(promise).to_have_count(1 if mail_promised else 0)
    reference, access_key = pages.read_receipt(page_en)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){6}", access_key)  # 140 bits

    page_en.get_by_role("link", name="Follow my case").last.click()
    expect(page_en).to_have_url(re.compile(r"/track/$"))
    pages.follow_case_to_withdrawal(page_en, reference, access_key, file=evidence["pdf"])
    first_entry = page_en.locator("ol.timeline > li").first
    expect(first_entry.get_by_role("listitem")).to_have_text(evidence[file].name)


def test_wrong_access_key_opens_nothing(page_en):
    reference = factories.file_case().case.reference
    page_en.goto(reverse("cases:track"))
    page_en.fill("#id_reference", reference)
    page_en.fill("#id_access_key", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG")
    page_en.get_by_role("button", name="Open my case").click()
    expect(page_en.get_by_role("alert")).to_contain_text(
        "We could not open a case with this reference and access key."
    )
    expect(page_en.locator("#id_reference")).to_have_value(reference)
    page_en.goto(reverse("cases:tracked"))
    expect(page_en).to_have_url(re.compile(r"/track/$"))
    expect(page_en.locator("#case-status")).to_have_count(0)


def test_language_switch_keeps_the_page(page_ko):
    page_ko.goto(reverse("cases:track"))
    expect(page_ko.locator("html")).to_have_attribute("lang", "ko")
    page_ko.get_by_role("button", name="English").click()
    expect(page_ko.locator("html")).to_have_attribute("lang", "en")
    expect(page_ko.get_by_role("heading", level=1)).to_have_text("Follow my case")
    expect(page_ko.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    page_ko.get_by_role("button", name="한국어").click()
    expect(page_ko.locator("html")).to_have_attribute("lang", "ko")
