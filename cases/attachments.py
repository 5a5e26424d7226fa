"""Evidence files: checked by content (not by name), sealed, and kept under a random name."""

from __future__ import annotations

import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent
from ombuds import crypto

ALLOWED_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
    "application/pdf", "application/rtf",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}  # fmt: skip
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
HWP_TYPE = "application/x-hwp"


def sniff(head: bytes, name: str) -> str | None:
    """The file's real type from its first bytes, or None when it is not an accepted kind."""
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ALLOWED_TYPES:
        return str(kind.mime)
    # Hangul word-processor files (.hwp) are OLE compound documents that filetype does not name.
    if head.startswith(OLE_MAGIC) and name.lower().endswith(".hwp"):
        return HWP_TYPE
    return None


def validate_upload(upload: UploadedFile) -> str:
    """Check size and content; return the sniffed content type or raise ValidationError."""
    name = upload.name or ""
    if upload.size is not None and upload.size > settings.OMBUDS_MAX_ATTACHMENT_BYTES:
        limit = settings.OMBUDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": limit}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff(head, name)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a kind of file we accept. Please send a photo (JPEG, PNG),"
                " a PDF or an office document."
            )
            % {"name": name}
        )
    return content_type


def store(
    *, case: Case, upload: UploadedFile, content_type: str, source: str, event: CaseEvent | None
) -> Attachment:
    """Seal the file's bytes with the case's data key and save them under a random name."""
    attachment = Attachment(
        case=case,
        data_key=case.data_key,
        event=event,
        filename=(upload.name or "attachment")[:255],
        content_type=content_type,
        size=upload.size or 0,
        storage_name=f"{uuid.uuid4().hex}.sealed",
        source=source,
    )
    upload.seek(0)
    sealed = crypto.seal(upload.read(), data_key=case.data_key, context=_context(attachment))
    default_storage.save(attachment.storage_name, ContentFile(sealed))
    attachment.save()
    return attachment


def read(attachment: Attachment) -> bytes:
    with default_storage.open(attachment.storage_name, "rb") as handle:
        token = handle.read()
    return crypto.unseal(token, data_key=attachment.data_key, context=_context(attachment))


def discard(names: list[str]) -> None:
    """Remove stored files whose rows were rolled back."""
    for name in names:
        default_storage.delete(name)


def _context(attachment: Attachment) -> str:
    return f"attachment|{attachment.uid}"
