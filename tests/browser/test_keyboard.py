"""Everything works by keyboard alone (Tab, Space, arrows, Enter), with focus always visible."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests import factories
from tests.browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element looks like: where it is, and whether a focus indicator is drawn.
FOCUSED = """(selector) => {
  const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  const onScreen = box.width > 0 && box.height > 0 && box.top > -1 && box.left > -1
    && box.bottom < window.innerHeight + 1 && box.right < window.innerWidth + 1;
  const text = (el.innerText || "").trim().slice(0, 60);
  return {tag: el.tagName, id: el.id, name: el.name || "", text, ring, onScreen,
          wanted: el.matches(selector)};
}"""


def tab_to(page: Page, selector: str, *, limit: int = 100) -> None:
    """Press Tab until `selector` has focus; every stop on the way must show where focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, selector)
        assert focused["ring"], f"no visible focus indicator on {focused}"
        assert focused["onScreen"], f"focused element is off screen: {focused}"
        if focused["wanted"]:
            return
    raise AssertionError(f"{selector} not reached after {limit} presses of Tab")


def follow_with_enter(page: Page) -> None:
    """Press Enter on a focused link or button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_files_with_space(page: Page, selector: str, files: Any) -> None:
    """Open the focused file input's chooser with Space and pick `files`. Headless Chromium
    on a busy machine now and then opens no chooser for that keypress (twice in this session's
    runs): with the input still focused, it is pressed again, at most three times."""
    for attempt in range(3):
        expect(page.locator(selector)).to_be_focused()
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Space")
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue
        chooser.value.set_files(files)
        return


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_skip_link_is_first_and_jumps_to_the_content(page_en):
    page_en.goto(reverse("cases:complaint"))
    page_en.keyboard.press("Tab")
    skip = page_en.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page_en.keyboard.press("Enter")
    expect(page_en.locator("main")).to_be_focused()
    page_en.keyboard.press("Tab")
    expect(page_en.locator("input[name=filing_mode][value=self]")).to_be_focused()


def test_complaint_filed_and_followed_by_keyboard_alone(page_en, evidence):
    page = page_en
    page.goto(reverse("cases:complaint"))
    type_into(page, "#id_name", "Kim Minji")
    type_into(page, "#id_email", "minji.kim@example.org")
    type_into(page, "#id_narrative", pages.NARRATIVE)
    tab_to(page, "input[name=respondent_type]")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, the second: a district office
    expect(page.locator("input[name=respondent_type][value=district_office]")).to_be_checked()
    type_into(page, "#id_respondent_name", pages.RESPONDENT)
    tab_to(page, "input[name=rights][value=disability]")
    page.keyboard.press("Space")
    tab_to(page, "#id_evidence")
    choose_files_with_space(page, "#id_evidence", evidence["png"])
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.complaint-form button[type=submit]")
    follow_with_enter(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("We have received your complaint")
    reference, access_key = pages.read_receipt(page)
    tab_to(page, "main a[href$='/track/']")
    follow_with_enter(page)
    type_into(page, "#id_reference", reference)
    type_into(page, "#id_access_key", access_key)
    follow_with_enter(page)
    expect(page.locator("#case-status")).to_have_text(
        "Received: we have your complaint and will look at it soon."
    )
    expect(page.locator("ol.timeline").get_by_role("listitem").last).to_have_text("photo.png")


def test_error_summary_links_move_focus_to_the_field(page_en):
    page_en.goto(reverse("cases:complaint"))
    page_en.locator("form.complaint-form button[type=submit]").focus()
    follow_with_enter(page_en)
    summary = page_en.get_by_role("alert")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="What happened?").focus()
    page_en.keyboard.press("Enter")
    expect(page_en.locator("#id_narrative")).to_be_focused()
    page_en.keyboard.type("Typed after following the error link.")
    expect(page_en.locator("#id_narrative")).to_have_value("Typed after following the error link.")


def test_withdrawal_by_keyboard_alone(page_en):
    filed = factories.file_case()
    pages.open_case(page_en, filed.case.reference, filed.access_key)
    tab_to(page_en, "main a[href$='/withdraw/']")
    follow_with_enter(page_en)
    tab_to(page_en, "#id_confirm")
    page_en.keyboard.press("Space")
    tab_to(page_en, "form.narrow button[type=submit]")
    follow_with_enter(page_en)
    expect(page_en.locator("#case-status")).to_have_text("Closed.")
