"""The whole journey works on a phone without sideways scrolling, and without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_journey_never_scrolls_sideways(phone_page, evidence):
    page = phone_page
    page.goto(reverse("cases:home"))
    pages.no_horizontal_scroll(page)
    page.get_by_role("link", name="Start your complaint").click()
    pages.no_horizontal_scroll(page)
    pages.submit_complaint(page)
    expect(page.get_by_role("alert")).to_be_visible()
    pages.no_horizontal_scroll(page)

    pages.fill_complaint(page, mode="on_behalf", files=(evidence["png"],))
    pages.submit_complaint(page)
    reference, access_key = pages.read_receipt(page)
    pages.no_horizontal_scroll(page)
    expect(page.locator("#access-key")).to_be_in_viewport()

    pages.open_case(page, reference, access_key)
    pages.no_horizontal_scroll(page)
    page.get_by_role("link", name="Withdraw my complaint").click()
    pages.no_horizontal_scroll(page)
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    pages.no_horizontal_scroll(page)


def test_whole_journey_without_javascript(no_js_page, evidence):
    page = no_js_page
    pages.fill_complaint(page, mode="self", files=(evidence["png"], evidence["pdf"]))
    pages.submit_complaint(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("We have received your complaint")
    reference, access_key = pages.read_receipt(page)
    print_button = page.get_by_role("button", name="Print this receipt", include_hidden=True)
    expect(print_button).to_be_hidden()  # it needs JavaScript; the browser's own print does not
    pages.follow_case_to_withdrawal(page, reference, access_key, file=evidence["pdf"])
    filed_files = page.locator("ol.timeline > li").first.get_by_role("listitem")
    assert sorted(filed_files.all_inner_texts()) == ["letter.pdf", "photo.png"]
