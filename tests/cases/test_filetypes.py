"""Evidence is what its content is, through its whole structure: never its name or first bytes."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import filetypes
from cases.models import Attachment, Case
from tests import factories
from tests.cases.samples import FORGED, GENUINE
from tests.conftest import sign_in


@pytest.mark.parametrize("content_type", sorted(GENUINE))
def test_every_accepted_type_is_recognised_from_a_real_file(content_type):
    assert filetypes.identify(GENUINE[content_type]) == content_type


def test_every_kind_of_check_has_a_real_sample():
    """One sample per way of checking (the other OOXML, ODF and OLE types differ only in the
    part or stream named in `filetypes`); HEIC has a test of its own."""
    checked = {check(content) for content in GENUINE.values() for check in filetypes.CHECKS}
    assert len({c.__name__ for c in filetypes.CHECKS}) == 6
    assert checked - {None} == set(GENUINE)


@pytest.mark.parametrize("forgery", sorted(FORGED))
def test_forgeries_are_refused_whatever_their_name_or_head(forgery):
    content, _name = FORGED[forgery]
    assert filetypes.identify(content) is None


def test_heic_is_accepted_only_when_its_boxes_tile_the_file():
    ftyp = (24).to_bytes(4, "big") + b"ftypheic" + b"\0\0\0\0" + b"mif1heic"
    meta = (16).to_bytes(4, "big") + b"meta" + b"\0" * 8
    assert filetypes.identify(ftyp + meta) == filetypes.HEIC
    assert filetypes.identify(ftyp + meta + b"<script>") is None
    assert filetypes.identify(ftyp + (99).to_bytes(4, "big") + b"meta") is None


@pytest.mark.parametrize(
    ("name", "content_type", "stored"),
    [
        ("evil.html", "application/pdf", "evil.pdf"),
        ("scan.PDF", "application/pdf", "scan.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("", "image/gif", "attachment.gif"),
        ("보고서.hwp.exe", "application/x-hwp", "보고서.hwp.hwp"),
    ],
)
def test_the_type_found_decides_the_extension(name, content_type, stored):
    assert filetypes.download_name(name, content_type) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", sorted(FORGED))
def test_a_forged_upload_is_refused_by_the_form_and_nothing_is_stored(client, forgery):
    content, name = FORGED[forgery]
    client.cookies["django_language"] = "en"
    data = factories.complaint_post(evidence=[SimpleUploadedFile(name, content)])
    response = client.post(reverse("cases:complaint"), data)
    assert response.status_code == HTTPStatus.OK
    assert "is not a kind of file we accept" in response.text
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_real_pdf_named_html_is_stored_and_downloaded_as_a_pdf(client, ombudsperson):
    upload = SimpleUploadedFile("evil.html", factories.PDF_BYTES, content_type="text/html")
    filed = factories.file_case(evidence=[upload])
    attachment = Attachment.objects.get(case=filed.case)
    assert (attachment.filename, attachment.content_type) == ("evil.pdf", "application/pdf")
    sign_in(client, ombudsperson)
    url = reverse("staff:attachment", args=[filed.case.reference, attachment.uid])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
