"""What a person does on the public pages, written once for the browser tests.

Fields are found by their id (stable in both languages); assertions in the tests read what is
shown on the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import axe_playwright_python
from django.urls import reverse
from playwright.sync_api import Page, expect

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

NARRATIVE = "A clerk at the community centre refused my application because I use a wheelchair."
RESPONDENT = "Dong-gu Office, Chungjang-dong Community Centre"


def fill_complaint(page: Page, *, mode: str = "self", files: tuple[Path, ...] = ()) -> None:
    """Open the complaint form and fill in a complete complaint filed in `mode`."""
    page.goto(reverse("cases:complaint"))
    page.check(f"input[name=filing_mode][value={mode}]")
    if mode != "anonymous":
        page.fill("#id_name", "Kim Minji")
        page.fill("#id_email", "minji.kim@example.org")
    if mode == "on_behalf":
        page.fill("#id_victim_name", "Park Youngsu")
        page.fill("#id_relationship", "Neighbour")
        page.check("input[name=victim_consents][value=yes]")
    page.fill("#id_narrative", NARRATIVE)
    page.check("input[name=respondent_type][value=district_office]")
    page.fill("#id_respondent_name", RESPONDENT)
    page.check("input[name=rights][value=disability]")
    if files:
        page.set_input_files("#id_evidence", list(files))
    page.check("#id_privacy_consent")


def submit_complaint(page: Page) -> None:
    page.locator("form.complaint-form button[type=submit]").click()


def read_receipt(page: Page) -> tuple[str, str]:
    """The case reference and access key, as printed on the receipt."""
    reference = page.locator("#reference").inner_text().strip()
    access_key = page.locator("#access-key").inner_text().strip()
    assert reference
    assert access_key
    return reference, access_key


def file_complaint(page: Page, **kwargs: Any) -> tuple[str, str]:
    fill_complaint(page, **kwargs)
    submit_complaint(page)
    return read_receipt(page)


def open_case(page: Page, reference: str, access_key: str) -> None:
    """Open a case at /track/ with its receipt details."""
    if not page.url.endswith(reverse("cases:track")):
        page.goto(reverse("cases:track"))
    page.fill("#id_reference", reference)
    page.fill("#id_access_key", access_key)
    page.locator("form.narrow button[type=submit]").click()
    expect(page.locator("#case-status")).to_be_visible()


def add_information(page: Page, *, message: str, file: Path) -> None:
    page.fill("#id_message", message)
    page.set_input_files("#id_evidence", [file])
    page.get_by_role("button", name="Add to my case").click()


def withdraw(page: Page, *, reason: str) -> None:
    page.get_by_role("link", name="Withdraw my complaint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw my complaint")
    page.fill("#id_reason", reason)
    page.get_by_label("I understand that withdrawing closes my complaint.").check()
    page.get_by_role("button", name="Withdraw my complaint").click()


def follow_case_to_withdrawal(page: Page, reference: str, access_key: str, *, file: Path) -> None:
    """Open the case, add information with a file, withdraw it: what the petitioner sees."""
    open_case(page, reference, access_key)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("#case-status")).to_have_text(
        "Received: we have your complaint and will look at it soon."
    )
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text("Complaint received")

    add_information(page, message="The ramp is still missing today.", file=file)
    expect(page.get_by_role("status")).to_have_text("Thank you. We have added this to your case.")
    expect(timeline).to_have_count(2)
    expect(timeline.last).to_contain_text("You added information")
    expect(timeline.last).to_contain_text("The ramp is still missing today.")
    expect(timeline.last.get_by_role("listitem")).to_have_text(file.name)

    withdraw(page, reason="The office apologised.")
    expect(page.get_by_role("status")).to_have_text("Your complaint has been withdrawn.")
    expect(page.locator("#case-status")).to_have_text("Closed.")
    expect(page.locator(".status-box")).to_contain_text("Outcome: Withdrawn")
    expect(timeline.last).to_contain_text("Complaint withdrawn")
    expect(page.get_by_role("button", name="Add to my case")).to_have_count(0)
    expect(page.get_by_role("link", name="Withdraw my complaint")).to_have_count(0)


def no_horizontal_scroll(page: Page) -> None:
    """Nothing scrolls sideways at the phone's width, nor at 320 CSS px (WCAG 1.4.10 reflow)."""
    size = page.viewport_size
    assert size
    for width in (size["width"], 320):
        page.set_viewport_size({"width": width, "height": size["height"]})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"
    page.set_viewport_size(size)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A and AA rules) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_JS)
    options = json.dumps(
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    result = page.evaluate(f"axe.run(document, {options})")
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)
