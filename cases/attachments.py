"""Evidence files: checked by content through their whole structure (`cases.filetypes`), never
by name; sealed, and kept under a random name in the default storage (Django's storage API: a
local folder, or an S3 bucket that several hosts share; docs/deploy.md §3)."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import filetypes
from cases.models import Attachment, Case, CaseEvent
from ombuds import crypto
from ombuds.models import User

logger = logging.getLogger(__name__)

SUFFIX = ".sealed"
SWEEP_BATCH = 500


def validate_upload(upload: UploadedFile) -> str:
    """Check size and content; return the content's type (`cases.filetypes`) or raise
    ValidationError. The name plays no part: the type found decides the stored name's
    extension."""
    name = upload.name or ""
    if upload.size is not None and upload.size > settings.OMBUDS_MAX_ATTACHMENT_BYTES:
        limit = settings.OMBUDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": limit}
        )
    upload.seek(0)
    content_type = filetypes.identify(upload.read())  # the whole file, through its structure
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a kind of file we accept. Please send a photo (JPEG, PNG),"
                " a PDF or an office document."
            )
            % {"name": name}
        )
    return content_type


class Written:
    """The storage names of files written for one transaction, for clean-up if it fails.

    A name is recorded *before* its file is written, so a write that fails half-way (a full
    disk) leaves no file behind that nobody knows of.
    """

    def __init__(self) -> None:
        self.names: list[str] = []

    def discard_uncommitted(self) -> None:
        """Remove the files whose rows do not exist: their transaction rolled back. A file whose
        row exists (the transaction committed after all) is kept. When the database cannot say,
        every file is kept; `sweep_orphans` removes true orphans later."""
        if not self.names:
            return
        try:
            committed = set(
                Attachment.objects.filter(storage_name__in=self.names).values_list(
                    "storage_name", flat=True
                )
            )
        except DatabaseError:
            logger.warning("kept %s files of a failed transaction for the sweep", len(self.names))
            return
        for name in self.names:
            if name not in committed:
                default_storage.delete(name)


@dataclass(frozen=True, kw_only=True)
class Filing:
    """What makes a file a document of the case file: its type, date, who added it, and
    whether the petitioner may read it (docs/design.md §8)."""

    kind: str
    dated: date
    added_by: User
    petitioner_visible: bool


def store(
    *,
    case: Case,
    upload: UploadedFile,
    content_type: str,
    source: str,
    event: CaseEvent | None,
    written: Written,
    filing: Filing | None = None,
) -> Attachment:
    """Seal the file's bytes with the case's data key and save them under a random name."""
    document: dict[str, object] = {}
    if filing is not None:
        document = {
            "kind": filing.kind,
            "document_date": filing.dated,
            "added_by": filing.added_by,
            "petitioner_visible": filing.petitioner_visible,
        }
    attachment = Attachment(
        case=case,
        data_key=case.data_key,
        event=event,
        filename=filetypes.download_name(upload.name or "", content_type)[:255],
        content_type=content_type,
        size=upload.size or 0,
        storage_name=f"{uuid.uuid4().hex}{SUFFIX}",
        source=source,
        **document,
    )
    upload.seek(0)
    sealed = crypto.seal(upload.read(), data_key=case.data_key, context=_context(attachment))
    written.names.append(attachment.storage_name)
    saved = default_storage.save(attachment.storage_name, ContentFile(sealed))
    if saved != attachment.storage_name:  # the storage chose another name: forget neither
        written.names.append(saved)
        attachment.storage_name = saved
    attachment.save()
    return attachment


def read(attachment: Attachment) -> bytes:
    with default_storage.open(attachment.storage_name, "rb") as handle:
        token = handle.read()
    return crypto.unseal(token, data_key=attachment.data_key, context=_context(attachment))


# A file shown in the browser can carry script (an SVG-like trick in a PDF, a polyglot image):
# it gets no script, no plugin, no form, no request to anywhere, and a unique origin.
PREVIEW_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def served(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The decrypted file as a response: downloaded, or (`inline`, images and PDFs only) shown
    in the browser under a sandboxing policy. Never cached, never sniffed."""
    inline = inline and attachment.previewable
    response = FileResponse(
        io.BytesIO(read(attachment)), as_attachment=not inline, filename=attachment.filename,
        content_type=attachment.content_type,
    )  # fmt: skip
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


def sweep_orphans(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Remove sealed files that no attachment row names and that were last written more than
    `older_than` ago: those of a process killed between writing a file and its transaction's
    end (a rolled-back transaction's own clean-up could not run). The age keeps files of
    transactions still under way. Returns how many were removed."""
    cutoff = (now or timezone.now()) - older_than
    try:
        _folders, files = default_storage.listdir("")
    except FileNotFoundError:  # a new install: no evidence stored yet, nothing to sweep
        return 0
    candidates = [name for name in files if name.endswith(SUFFIX)]
    removed = 0
    for start in range(0, len(candidates), SWEEP_BATCH):
        batch = candidates[start : start + SWEEP_BATCH]
        known = set(
            Attachment.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        for name in batch:
            if name in known or default_storage.get_modified_time(name) > cutoff:
                continue
            default_storage.delete(name)
            removed += 1
    return removed


def _context(attachment: Attachment) -> str:
    return f"attachment|{attachment.uid}"
