"""A form sent with mistakes: each error beside its field and in the summary, in the person's
language, tied to the field for screen readers, and everything typed still there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.core.validators import EmailValidator
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from cases.forms import ComplaintForm
from tests.browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expected_errors(language: str) -> dict[str, tuple[str, str]]:
    """field name -> (label, message), as the server says them in `language`."""
    fields = ComplaintForm.base_fields
    with translation.override(language):
        required = str(forms.Field.default_error_messages["required"])
        messages = {
            "email": str(EmailValidator.message),
            "respondent_type": required,
            "respondent_name": required,
            "discrimination_ground": translation.gettext(
                "Please choose the ground of discrimination."
            ),
            "privacy_consent": str(fields["privacy_consent"].error_messages["required"]),
        }
        return {name: (str(fields[name].label), text) for name, text in messages.items()}


def fill_with_mistakes(page: Page, photo: Path) -> None:
    page.goto(reverse("cases:complaint"))
    page.check("input[name=filing_mode][value=on_behalf]")
    page.fill("#id_name", "Kim Minji")
    page.fill("#id_email", "minji.kim(at)example.org")
    page.fill("#id_phone", "010-2345-6789")
    page.fill("#id_victim_name", "Park Youngsu")
    page.check("input[name=victim_consents][value=no]")
    page.fill("#id_narrative", pages.NARRATIVE)
    page.fill("#id_incident_place", "Chungjang-dong Community Centre")
    page.check("input[name=rights][value=equality]")
    page.check("input[name=vulnerable_groups][value=disability]")
    page.set_input_files("#id_evidence", [photo])
    pages.submit_complaint(page)


@pytest.mark.parametrize(("language", "javascript"), [("ko", True), ("en", False)])
def test_errors_beside_fields_and_in_summary_keep_what_was_typed(
    new_page, evidence, language, javascript
):
    page = new_page(language=language, javascript=javascript)
    fill_with_mistakes(page, evidence["png"])

    errors = expected_errors(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    summary = page.get_by_role("alert")
    with translation.override(language):
        heading = translation.gettext("Please check the following")
        title = translation.gettext("Error:")
    expect(page).to_have_title(re.compile(f"^{re.escape(title)} "))
    expect(summary.get_by_role("heading")).to_have_text(heading)
    if javascript:  # an enhancement: focus starts at the summary
        expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [f"{label}: {message}" for label, message in errors.values()]
    )
    expect(summary).to_contain_text("photo.png")
    for name, (_, message) in errors.items():
        expect(page.locator(f"#id_{name}-field .error")).to_have_text(message)
    for link in summary.get_by_role("link").all():
        expect(page.locator(str(link.get_attribute("href")))).to_have_count(1)
    for name in ("email", "respondent_name", "privacy_consent"):
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(errors[name][1])))
    group = page.locator("#id_respondent_type-field fieldset")
    expect(group).to_have_accessible_description(
        re.compile(re.escape(errors["respondent_type"][1]))
    )

    for selector, value in [
        ("#id_name", "Kim Minji"),
        ("#id_email", "minji.kim(at)example.org"),
        ("#id_phone", "010-2345-6789"),
        ("#id_victim_name", "Park Youngsu"),
        ("#id_narrative", pages.NARRATIVE),
        ("#id_incident_place", "Chungjang-dong Community Centre"),
    ]:
        expect(page.locator(selector)).to_have_value(value)
    for name, value in [
        ("filing_mode", "on_behalf"),
        ("victim_consents", "no"),
        ("rights", "equality"),
        ("vulnerable_groups", "disability"),
    ]:
        expect(page.locator(f"input[name={name}][value={value}]")).to_be_checked()
