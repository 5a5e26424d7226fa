"""Two recommendations followed in the browser (issue #10): the investigator records that one was
implemented (with a file of the case as evidence) and the other refused, the ombudsperson finds
the case in the "recommendations due" list and closes monitoring, and the petitioner reads, in
Korean and English, how many were implemented and refused, never their text. axe finds no
violation on any of these pages, in the staff member's language. Once both are final, nothing
is due: the case leaves the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from cases import transitions as t
from cases.models import Case, State
from tests import factories
from tests.browser import pages
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.browser.test_staff_accessibility import sign_in
from tests.conftest import make_staff
from tests.workflow import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = ("Build a ramp at the east entrance.", "Train the counter staff in sign language.")
BODIES = ("Dong-gu Office", "Seo-gu Library")
STAFF_PAGES = [
    "recommendations due",
    "record a response",
    "case page with the history of responses",
    "close monitoring",
]
SAYS = {
    "en": ["Put into practice: 1", "Refused: 1", "Not yet carried out: 0"],
    "ko": ["이행됨: 1건", "거부됨: 1건", "아직 이행되지 않음: 0건"],
}


def upheld_with_two() -> tuple[Staff, Case, str]:
    staff = Staff(intake=make_staff("intake-recs", "intake_officer"),
                  investigator=make_staff("inv-recs", "investigator"),
                  ombudsperson=make_staff("omb-recs", "ombudsperson"))  # fmt: skip
    filed = factories.file_case(evidence=[factories.pdf("ramp-photo.pdf")])
    case = filed.case
    for action in ("start_screening", "accept", "submit_findings"):
        case = staff.advance(case, action)
    drafts = [t.RecommendationDraft("district_office", body, text)
              for body, text in zip(BODIES, TEXTS, strict=True)]  # fmt: skip
    step = staff.step(case, staff.ombudsperson, message="Your complaint is upheld.")
    case = t.case_act(case=case, step=step, action="uphold", recommendations=drafts)
    # The follow-up comes due this week: the case is in the "recommendations due" list.
    Case.objects.filter(pk=case.pk).update(follow_up_due=timezone.localdate() + timedelta(days=2))
    return staff, case, filed.access_key


def record(page: Page, case: Case, number: int, response: str, note: str,
           evidence: bool = False) -> None:  # fmt: skip
    page.goto(reverse("staff:act", args=[case.reference, "record_response"]))
    page.select_option("#id_recommendation", index=number + 1)
    page.select_option("#id_response", value=response)
    if evidence:
        page.select_option("#id_evidence", index=1)
    page.fill("#id_note", note)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_recommendations_followed_to_closure(new_page, language: str) -> None:
    staff, case, access_key = upheld_with_two()
    audit = Audit(new_page(language=language, bypass_csp=True), language)
    worker = audit.page
    sign_in(worker, staff.investigator)
    worker.goto(reverse("staff:queue") + "?view=recommendations")
    expect(worker.locator("table.cases")).to_contain_text(case.reference)
    audit.check("recommendations due")
    worker.goto(reverse("staff:act", args=[case.reference, "record_response"]))
    audit.check("record a response")
    record(worker, case, 0, "implemented", "Ramp seen on site.", evidence=True)
    record(worker, case, 1, "not_accepted", "The library refused by letter.")
    worker.goto(reverse("staff:case", args=[case.reference]))
    history = worker.locator("#recommendations")
    expect(history).to_contain_text("Ramp seen on site.")
    expect(history.locator("a", has_text="ramp-photo.pdf")).to_be_visible()
    audit.check("case page with the history of responses")
    worker.locator("form[action$='/logout/'] button").click()

    sign_in(worker, staff.ombudsperson)
    worker.goto(reverse("staff:queue") + "?view=recommendations")  # both final: nothing due
    expect(worker.locator("table.cases")).not_to_contain_text(case.reference)
    worker.goto(reverse("staff:act", args=[case.reference, "close_monitoring"]))
    expect(worker.locator("#closing-tally")).to_be_visible()
    expect(worker.locator("#id_note")).not_to_have_attribute("required", "")
    audit.check("close monitoring")
    worker.locator("main form button[type=submit]").click()
    with translation.override(language):
        closed = str(State.CLOSED.label)
    expect(worker.locator("#case-state")).to_have_text(closed)
    audit.assert_clean(STAFF_PAGES)

    for reader in LANGUAGES:  # the petitioner, in both languages
        petitioner = new_page(language=reader, bypass_csp=True)
        reading = Audit(petitioner, reader)
        pages.open_case(petitioner, case.reference, access_key)
        counts = petitioner.locator("#recommendation-counts")
        for said in SAYS[reader]:
            expect(counts).to_contain_text(said)
        for secret in (*TEXTS, *BODIES, "Ramp seen on site."):
            expect(petitioner.locator("main")).not_to_contain_text(secret)
        reading.check("tracked case, monitoring closed")
        reading.assert_clean(["tracked case, monitoring closed"])
