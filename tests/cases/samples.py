"""Real files of every accepted type, made here, and the forgeries an attacker would send."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image

from tests import factories

FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def package(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx() -> bytes:
    return package({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def odt() -> bytes:
    return package({"mimetype": b"application/vnd.oasis.opendocument.text",
                    "content.xml": b"<office:document-content/>"})  # fmt: skip


def _directory_entry(name: str, kind: int, *, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIII",
        encoded, len(encoded), kind, 1, NO_STREAM, NO_STREAM, child, b"\0" * 16, 0, 0, 0,
        start, size, 0,
    )  # fmt: skip


def compound(stream: str, content: bytes) -> bytes:
    """A minimal OLE compound file (CFB v3) holding one stream of at least 4096 bytes (so it
    lives in ordinary sectors): header, one FAT sector, one directory sector, the stream."""
    content = content.ljust(4096, b"\0")
    sectors = -(-len(content) // 512)
    fat = [FAT_SECTOR, END] + [3 + n for n in range(sectors - 1)] + [END]
    fat += [FREE] * (128 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE_MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, END, 0,
        END, 0,
    ) + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108  # fmt: skip
    directory = (
        _directory_entry("Root Entry", 5, child=1, start=END, size=0)
        + _directory_entry(stream, 2, child=NO_STREAM, start=2, size=len(content))
        + _directory_entry("", 0, child=NO_STREAM, start=0, size=0) * 2
    )
    body = content.ljust(sectors * 512, b"\0")
    return header + struct.pack("<128I", *fat) + directory + body


def hwp() -> bytes:
    return compound("FileHeader", b"HWP Document File".ljust(32, b"\0") + b"\x05\x00\x00\x05")


def doc() -> bytes:
    return compound("WordDocument", b"\xec\xa5\xc1\x00")


GENUINE = {
    "application/pdf": factories.PDF_BYTES,
    "image/png": factories.PNG_BYTES,
    "image/jpeg": image("JPEG"),
    "image/gif": image("GIF"),
    "image/webp": image("WEBP"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": docx(),
    "application/vnd.oasis.opendocument.text": odt(),
    "application/x-hwp": hwp(),
    "application/msword": doc(),
    "application/rtf": rb"{\rtf1\ansi {\b Statement} of the incident.\par}",
}

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
FORGED = {
    "a PDF header before HTML": (b"%PDF-1.7\n" + SCRIPT, "evil.html"),
    "a GIF header before script": (b"GIF89a" + b"/*" + SCRIPT + b"*/", "cat.gif"),
    "the OLE signature and nothing": (OLE_MAGIC + b"\0" * 2048, "report.hwp"),
    "an OLE file without a Hangul header": (compound("FileHeader", b"not hangul"), "report.hwp"),
    "a JPEG header and noise": (b"\xff\xd8\xff\xe0" + b"\x13" * 500, "photo.jpg"),
    "a PNG cut short": (factories.PNG_BYTES[:40], "photo.png"),
    "a ZIP of HTML": (package({"index.html": SCRIPT}), "document.docx"),
    "an RTF that never closes": (rb"{\rtf1 {\b open" + SCRIPT, "letter.rtf"),
    "plain HTML": (SCRIPT, "evidence.pdf"),
}
