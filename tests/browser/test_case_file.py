"""The case file in a real Chromium: an investigator files a respondent's letter, records the
reply, previews a PDF (inline, sandboxed), and opens the printable case file, whose print
stylesheet drops the site's chrome; the petitioner downloads the documents marked for them and
sees no other; axe finds nothing on the new pages, in Korean and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases import transitions as t
from ombuds.models import AccessLogEntry
from tests import factories
from tests.browser import pages
from tests.browser.test_accessibility import LANGUAGES, Audit
from tests.browser.test_staff_accessibility import sign_in
from tests.conftest import make_staff
from tests.workflow import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "case page: a reply outstanding",
    "add documents",
    "record the reply",
    "record the reply: shown again, the letter to choose again",
    "case page: the case file",
    "printable case file",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_letter_filed_a_reply_recorded_a_pdf_previewed_the_file_printed(
    new_page, language, evidence
):
    staff = Staff(intake=make_staff("intake-file", "intake_officer"),
                  investigator=make_staff("inv-file", "investigator"),
                  ombudsperson=make_staff("omb-file", "ombudsperson"))  # fmt: skip
    filed = factories.file_case(language=language)
    case = staff.advance(staff.advance(filed.case, "start_screening"), "accept")
    step = staff.step(case, staff.investigator)
    due = timezone.localdate() + timedelta(days=14)
    t.case_act(case=case, step=step, action="request_reply", due=due)
    page = new_page(language=language, bypass_csp=True)
    audit = Audit(page, language)
    sign_in(page, staff.investigator)
    case_url = reverse("staff:case", args=[case.reference])
    page.goto(case_url)
    expect(page.locator("#reply-outstanding")).to_contain_text(due.isoformat())
    audit.check("case page: a reply outstanding")

    page.goto(reverse("staff:act", args=[case.reference, "add_document"]))
    audit.check("add documents")
    page.select_option("#id_kind", "respondent_letter")
    page.fill("#id_document_date", timezone.localdate().isoformat())
    page.set_input_files("#id_documents", [evidence["pdf"], evidence["png"]])
    page.check("#id_petitioner_visible")  # the petitioner reads these two; nothing else
    page.fill("#id_note", "Letter received by post.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#case-file")).to_contain_text("letter.pdf")

    page.goto(reverse("staff:act", args=[case.reference, "reply_received"]))
    audit.check("record the reply")
    reply = evidence["pdf"].with_name("reply.pdf")
    reply.write_bytes(evidence["pdf"].read_bytes())
    page.set_input_files("#id_letters", [reply])
    page.locator("main form button[type=submit]").click()  # no summary: shown again
    expect(page.locator("#id_letters-lost")).to_contain_text("reply.pdf")
    described = page.locator("#id_letters").get_attribute("aria-describedby") or ""
    assert "id_letters-lost" in described.split()
    audit.check("record the reply: shown again, the letter to choose again")
    page.fill("#id_note", "The office denies refusing service.")
    page.set_input_files("#id_letters", [reply])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#reply-outstanding")).to_have_count(0)
    expect(page.locator("#correspondence")).to_contain_text("The office denies refusing service.")
    expect(page.locator("#case-file")).to_contain_text("reply.pdf")
    audit.check("case page: the case file")

    files = {f.filename: f for f in case.attachments.select_related("data_key")}
    letter = files["letter.pdf"]
    preview = page.locator(f"#case-file a[href$='{letter.uid}/preview/']")
    response = page.request.get(preview.get_attribute("href") or "")
    assert response.ok
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline")
    assert headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert headers["x-content-type-options"] == "nosniff"
    assert response.body().startswith(b"%PDF")
    photo = files["photo.png"]
    page.goto(reverse("staff:attachment_preview", args=[case.reference, photo.uid]))
    assert page.evaluate("document.images.length === 1 && document.images[0].naturalWidth > 0")
    logged = AccessLogEntry.objects.filter(case_reference=case.reference,
                                           action="preview_attachment")  # fmt: skip
    assert set(logged.values_list("detail", flat=True)) == {str(letter.uid), str(photo.uid)}

    page.goto(case_url)
    page.locator(f"a[href='{reverse('staff:print', args=[case.reference])}']").click()
    expect(page.locator("article.case-print")).to_contain_text("letter.pdf")
    expect(page.locator("article.case-print")).to_contain_text("Letter received by post.")
    audit.check("printable case file")
    page.emulate_media(media="print")
    expect(page.locator(".staff-nav")).to_be_hidden()
    expect(page.locator("article.case-print")).to_be_visible()
    page.emulate_media(media="screen")
    assert AccessLogEntry.objects.filter(case_reference=case.reference,
                                         action="print_case").exists()  # fmt: skip
    petitioner = new_page(language=language, bypass_csp=True)
    pages.open_case(petitioner, case.reference, filed.access_key)
    office = petitioner.locator("#office-documents")
    expect(office.get_by_role("link")).to_have_count(2)
    expect(office).not_to_contain_text("reply.pdf")  # the reply's letter: staff only
    tracking = Audit(petitioner, language)
    tracking.check("tracking page: documents from the office")
    with petitioner.expect_download() as download:
        office.get_by_role("link", name="letter.pdf").click()
    assert download.value.suggested_filename == "letter.pdf"
    downloaded = AccessLogEntry.objects.filter(action="petitioner_download", user=None)
    assert list(downloaded.values_list("case_reference", "detail")) == [
        (case.reference, str(letter.uid))
    ]
    audit.assert_clean(PAGES)
    tracking.assert_clean(["tracking page: documents from the office"])
