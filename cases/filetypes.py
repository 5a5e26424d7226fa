"""What an evidence file really is: its type from its content, checked through its whole structure.

A file's name and its first bytes prove nothing: `%PDF-` followed by HTML, a GIF header followed
by script, or the OLE signature followed by anything pass a sniffer that reads the head only. So
each accepted type is opened the way a reader of that type would open it: a PDF must parse
(pypdf) and have pages, an image must decode (Pillow), an office package must be a sound ZIP
with the parts its format requires, an OLE document (old Office, Hangul .hwp) must open as a
compound file with its format's streams (olefile), HEIC must be a well-formed ISO media file.
The type found decides the stored type and the download name's extension.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import PurePath

import olefile
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

PDF = "application/pdf"
RTF = "application/rtf"
HWP = "application/x-hwp"
HEIC = "image/heic"
IMAGES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/",
}
ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
OLE = {  # type -> a stream every such document has
    "application/msword": "WordDocument",
    "application/vnd.ms-excel": "Workbook",
    "application/vnd.ms-powerpoint": "PowerPoint Document",
    HWP: "FileHeader",
}
EXTENSION = {
    PDF: ".pdf", RTF: ".rtf", HWP: ".hwp", HEIC: ".heic",
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
}  # fmt: skip
ACCEPTED = frozenset(EXTENSION)
MAX_PIXELS = 100_000_000  # a photo of a letter is ~12 MP; more is a decompression bomb
HWP_SIGNATURE = b"HWP Document File"


def identify(content: bytes) -> str | None:
    """The accepted type this content is, whole; None when it is none of them."""
    for check in CHECKS:
        found = check(content)
        if found is not None:
            return found
    return None


def download_name(name: str, content_type: str) -> str:
    """`name` with the extension of the type found in the content (`evil.html` → `evil.pdf`)."""
    stem = PurePath(name.replace("\\", "/")).stem or "attachment"
    return f"{stem}{EXTENSION[content_type]}"


def _pdf(content: bytes) -> str | None:
    if not content.startswith(b"%PDF-"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=True)
            pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        return None
    return PDF if pages > 0 else None


def _image(content: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.load()  # decodes every pixel: a truncated or forged body fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):  # fmt: skip
        return None
    return next((mime for mime, name in IMAGES.items() if name == kind), None)


def _heic(content: bytes) -> str | None:
    """HEIC: ISO base media boxes that tile the file exactly, the first an `ftyp` of HEIF."""
    if content[4:8] != b"ftyp" or content[8:12] not in {b"heic", b"heix", b"mif1", b"heim"}:
        return None
    offset = 0
    while offset < len(content):
        if offset + 8 > len(content):
            return None
        size = struct.unpack(">I", content[offset : offset + 4])[0]
        if size == 1 and offset + 16 <= len(content):
            size = struct.unpack(">Q", content[offset + 8 : offset + 16])[0]
        if size < 8 or not re.fullmatch(rb"[ -~]{4}", content[offset + 4 : offset + 8]):
            return None
        offset += size
    return HEIC if offset == len(content) else None


def _zip_package(content: bytes) -> str | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if package.testzip() is not None:
                return None
            names = set(package.namelist())
            if "mimetype" in names:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in ODF and "content.xml" in names else None
            if "[Content_Types].xml" not in names:
                return None
            return next(
                (t for t, part in OOXML.items() if any(n.startswith(part) for n in names)), None
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def _ole(content: bytes) -> str | None:
    if not content.startswith(olefile.MAGIC):
        return None
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as document:
            for kind, stream in OLE.items():
                if document.exists(stream) and _ole_matches(document, kind, stream):
                    return kind
    except (OSError, ValueError, struct.error, IndexError):
        return None
    return None


def _ole_matches(document: olefile.OleFileIO, kind: str, stream: str) -> bool:
    if kind != HWP:
        return True
    return bool(document.openstream(stream).read(32).startswith(HWP_SIGNATURE))


def _rtf(content: bytes) -> str | None:
    text = content.strip()
    if not (text.startswith(b"{\\rtf") and text.endswith(b"}")):
        return None
    depth = 0
    for match in re.finditer(rb"\\.|[{}]", text, re.DOTALL):
        token = match.group()
        depth += {b"{": 1, b"}": -1}.get(token, 0)
        if depth < 0:
            return None
    return RTF if depth == 0 else None


CHECKS: tuple[Callable[[bytes], str | None], ...] = (_pdf, _image, _heic, _zip_package, _ole, _rtf)
