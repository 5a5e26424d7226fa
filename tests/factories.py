"""Test data built through the same services the application uses."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image
from pypdf import PdfWriter

from cases import services
from cases.forms import ComplaintForm


def _pdf_bytes() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


def _png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return out.getvalue()


# A real one-page PDF and a real 2x2 PNG: uploads are checked through their whole structure.
PDF_BYTES = _pdf_bytes()
PNG_BYTES = _png_bytes()


def complaint_post(**overrides: Any) -> dict[str, Any]:
    """What a browser posts for a complete complaint in the petitioner's own name."""
    data: dict[str, Any] = {
        "filing_mode": "self",
        "name": "김민지",
        "email": "minji.kim@example.org",
        "phone": "010-2345-6789",
        "address": "광주광역시 동구 문화전당로 38",
        "language": "ko",
        "narrative": "주민센터 직원이 휠체어 사용을 이유로 민원 접수를 거부했습니다.",
        "incident_date": "2026-10-02",
        "incident_place": "동구 충장동 주민센터",
        "respondent_type": "district_office",
        "respondent_name": "동구청 충장동 주민센터",
        "rights": ["equality", "disability"],
        "discrimination_ground": "disability",
        "vulnerable_groups": ["disability"],
        "desired_outcome": "사과와 경사로 설치",
        "privacy_consent": "on",
        "submission": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def file_case(**overrides: Any) -> services.Filed:
    """File a complaint through the form and the intake service, as the public page does."""
    files = (
        MultiValueDict({"evidence": overrides.pop("evidence")}) if "evidence" in overrides else None
    )
    form = ComplaintForm(complaint_post(**overrides), files)
    assert form.is_valid(), form.errors
    return services.case_file(data=form.cleaned_data, evidence=form.cleaned_data["evidence"])
