"""The case file: staff add documents (typed, dated, sealed, staff-only unless marked), preview
images and PDFs sandboxed, download the rest, every read access-logged; the petitioner reads
only what was marked for them (docs/design.md §8)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import transitions as t
from cases.effects import Documents
from cases.models import Attachment, Case, State
from ombuds.models import AccessLogEntry
from tests import factories
from tests.cases import samples
from tests.cases.faults import failing_sql
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def add(client: Client, case: Case, **fields: Any) -> Any:
    case.refresh_from_db()
    headers = {k: fields.pop(k) for k in list(fields) if k.startswith("HTTP_")}
    data = {
        "version": case.version, "message": "", "note": "From the site visit.",
        "kind": "findings", "document_date": "2026-11-30", "documents": factories.pdf("visit.pdf"),
        **fields,
    }  # fmt: skip
    return client.post(reverse("staff:act", args=[case.reference, "add_document"]), data, **headers)


def stored_files() -> set[str]:
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_document_is_typed_dated_sealed_and_recorded(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    client = sign_in(Client(), staff.investigator)
    response = add(client, case, kind="respondent_letter", documents=factories.pdf("reply.pdf"))
    assert response.status_code == HTTPStatus.FOUND
    document = case.attachments.get(kind="respondent_letter")
    assert (document.source, document.added_by, document.petitioner_visible) == (
        Attachment.Source.STAFF, staff.investigator, False,
    )  # fmt: skip
    assert document.document_date.isoformat() == "2026-11-30"
    assert document.event is not None
    assert document.event.action == "add_document"
    assert document.event.internal_note == "From the site visit."
    assert not document.event.public
    raw = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / document.storage_name
    sealed = raw.read_bytes()
    assert b"%PDF" not in sealed
    assert b"reply.pdf" not in sealed
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get(reverse("staff:case", args=[case.reference]), **english).content.decode()
    assert "reply.pdf" in page
    assert "Letter from the respondent" in page


def test_a_file_that_is_not_what_it_says_is_refused(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    forged = SimpleUploadedFile("letter.pdf", samples.SCRIPT)
    response = add(sign_in(Client(), staff.intake), case, documents=forged)
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert not case.attachments.exists()
    assert stored_files() == set()


def test_a_failed_transaction_leaves_no_file_behind(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    files = [(factories.pdf(), "application/pdf")]
    step = staff.step(case, staff.investigator, note="Site visit.")
    documents = Documents(files=files, kind="evidence", dated=timezone.localdate())
    with failing_sql(r"INSERT INTO .cases_caseevent"), pytest.raises(Exception, match="disk"):
        t.case_act(case=case, step=step, action="add_document", documents=documents)
    assert not Attachment.objects.exists()
    assert stored_files() == set()


def test_staff_only_documents_never_reach_the_petitioner(staff: Any) -> None:
    filed = factories.file_case(language="en", evidence=[factories.png()])
    case = staff.advance(filed.case, "start_screening")
    intake = sign_in(Client(), staff.intake)
    add(intake, case, documents=factories.pdf("internal-memo.pdf"))
    add(intake, case, kind="decision", documents=factories.pdf("decision-letter.pdf"),
        petitioner_visible="on")  # fmt: skip
    hidden = case.attachments.get(kind="findings")
    shown = case.attachments.get(kind="decision")
    petitioner = Client()
    assert petitioner.get(reverse("cases:document", args=[shown.uid])).status_code == 302
    receipt = {"reference": case.reference, "access_key": filed.access_key}
    petitioner.post(reverse("cases:track"), receipt, HTTP_ACCEPT_LANGUAGE="en")
    page = petitioner.get(reverse("cases:tracked"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "decision-letter.pdf" in page
    assert "Documents from the office" in page
    assert "internal-memo.pdf" not in page
    assert str(hidden.uid) not in page
    download = petitioner.get(reverse("cases:document", args=[shown.uid]))
    assert download.status_code == HTTPStatus.OK
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == factories.PDF_BYTES
    assert petitioner.get(reverse("cases:document", args=[hidden.uid])).status_code == 404
    evidence = case.attachments.get(kind="")  # the petitioner's own: not an office document
    assert petitioner.get(reverse("cases:document", args=[evidence.uid])).status_code == 404


def test_images_and_pdfs_preview_sandboxed_and_the_rest_downloads(staff: Any) -> None:
    case = staff.case_in(State.SCREENING, evidence=[factories.pdf()])
    client = sign_in(Client(), staff.ombudsperson)
    minutes = SimpleUploadedFile("minutes.docx", samples.docx())
    assert add(client, case, kind="evidence", documents=minutes).status_code == HTTPStatus.FOUND
    pdf = case.attachments.get(kind="")  # the complaint's evidence
    docx = case.attachments.get(kind="evidence")
    preview = client.get(reverse("staff:attachment_preview", args=[case.reference, pdf.uid]))
    assert preview.status_code == HTTPStatus.OK
    assert preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")
    policy = preview["Content-Security-Policy"]
    assert policy.startswith("sandbox; default-src 'none'; img-src 'self' data:")
    assert "script-src 'none'" in policy
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert b"".join(preview.streaming_content) == factories.PDF_BYTES
    no_preview = reverse("staff:attachment_preview", args=[case.reference, docx.uid])
    assert client.get(no_preview).status_code == HTTPStatus.NOT_FOUND
    download = client.get(reverse("staff:attachment", args=[case.reference, docx.uid]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    b"".join(download.streaming_content)
    logged = list(AccessLogEntry.objects.filter(case_reference=case.reference)
                  .order_by("pk").values_list("action", "detail"))  # fmt: skip
    assert ("preview_attachment", str(pdf.uid)) in logged
    assert ("download_attachment", str(docx.uid)) in logged
    assert ("preview_attachment", str(docx.uid)) not in logged  # refused: nothing was read


def test_the_printable_case_file_is_logged_and_has_the_whole_file(staff: Any) -> None:
    case = staff.case_in(State.MONITORING)
    client = sign_in(Client(), staff.ombudsperson)
    add(client, case, kind="decision", documents=factories.pdf("decision.pdf"), note="Signed.")
    response = client.get(reverse("staff:print", args=[case.reference]),
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "case-print.css" in page
    assert "decision.pdf" in page
    assert "Decision" in page
    assert "Install a ramp." in page  # the recommendations
    assert "Findings: violation found." in page
    assert "Signed." in page
    assert "Uphold and issue recommendations" in page  # the timeline
    assert AccessLogEntry.objects.filter(case_reference=case.reference,
                                         action="print_case").count() == 1  # fmt: skip
    css = (Path(settings.BASE_DIR) / "static" / "css" / "case-print.css").read_text()
    assert "@media print" in css


def test_an_erased_case_takes_no_document(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    Case.objects.filter(pk=case.pk).update(erased_at=timezone.now() - timedelta(days=1))
    case.refresh_from_db()
    response = add(sign_in(Client(), staff.ombudsperson), case)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not case.attachments.filter(kind__gt="").exists()


def test_a_petitioners_download_is_logged_once_as_theirs(staff: Any, auditor: Any) -> None:
    """One access-log row per download (the case, the document, no user, no address); a
    refused file (staff-only) reads nothing and logs nothing; the auditor reads it in words."""
    filed = factories.file_case(language="en")
    case = staff.advance(filed.case, "start_screening")
    intake = sign_in(Client(), staff.intake)
    add(intake, case, documents=factories.pdf("internal-memo.pdf"))
    add(intake, case, kind="decision", documents=factories.pdf("decision-letter.pdf"),
        petitioner_visible="on")  # fmt: skip
    hidden, shown = case.attachments.get(kind="findings"), case.attachments.get(kind="decision")
    petitioner = Client()
    receipt = {"reference": case.reference, "access_key": filed.access_key}
    petitioner.post(reverse("cases:track"), receipt)
    last = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    download = petitioner.get(reverse("cases:document", args=[shown.uid]))
    assert b"".join(download.streaming_content) == factories.PDF_BYTES
    assert petitioner.get(reverse("cases:document", args=[hidden.uid])).status_code == 404
    logged = AccessLogEntry.objects.filter(pk__gt=last)
    columns = ("action", "case_reference", "detail", "user", "client_address")
    assert list(logged.values_list(*columns)) == [
        ("petitioner_download", case.reference, str(shown.uid), None, "")
    ]
    reviewer = sign_in(Client(), auditor)
    for language, who, what in [
        ("en", "the petitioner (tracking page)", "Downloaded a document from the tracking page"),
        ("ko", "진정인(사건 조회 페이지)", "사건 조회 페이지에서 문서 내려받기"),
    ]:
        page = reviewer.get(reverse("accounts:access_log"), {"case_reference": case.reference},
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()  # fmt: skip
        assert who in page, language
        assert what in page, language


def test_a_form_shown_again_says_next_to_the_field_which_files_were_not_kept(staff: Any) -> None:
    """A browser never refills a file input: the form shown again with an error, or in another
    language, names the files to choose again beside their field, and stores nothing."""
    case = staff.case_in(State.INVESTIGATION)
    client = sign_in(Client(), staff.investigator)
    response = add(client, case, document_date="", documents=factories.pdf("site-visit.pdf"),
                   HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    notice = "Not kept: site-visit.pdf. A form shown again cannot keep files: choose them again."
    field = page[page.index('id="id_documents-field"') :]
    assert notice in field[: field.index('name="documents"')]  # beside the input, before it
    assert 'aria-describedby="id_documents-help id_documents-lost"' in page
    switched = add(client, case, kind="evidence", documents=factories.pdf("letter.pdf"),
                   switch_language="ko")  # fmt: skip
    assert "보관되지 않음: letter.pdf." in switched.content.decode()
    url = reverse("staff:act", args=[case.reference, "reply_received"])
    Case.objects.filter(pk=case.pk).update(reply_due=timezone.localdate())
    case.refresh_from_db()
    reply = {"version": case.version, "note": "", "letters": factories.pdf("r.pdf"),
             "received_on": timezone.localdate().isoformat()}  # fmt: skip
    answer = client.post(url, reply)
    assert "보관되지 않음: r.pdf." in answer.content.decode()  # the language chosen above
    assert not case.attachments.filter(kind__gt="").exists()
    assert "보관되지 않음" not in client.get(url).content.decode()
