"""Files sent to residents: what a file really is (from its content) and whether WhatsApp takes it.

The type comes from the bytes, never from the name or the browser's claim:
- JPEG (``FF D8 FF``) and PNG (the 8-byte PNG signature) go as images;
- PDF (``%PDF-``) as a document;
- DOCX/XLSX are ZIP files (``PK\\x03\\x04``) holding ``[Content_Types].xml`` with the
  matching main part (``word/document.xml`` / ``xl/workbook.xml``); any other ZIP (or a
  ZIP renamed .docx) is refused.

WhatsApp's size limits apply per type (image 5 MB, document 100 MB) and are checked
before anything is uploaded; :class:`FileRejected` carries the Indonesian message an
officer reads.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
LIMITS = {"image": 5 * MB, "document": 100 * MB}

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {JPEG: "image", PNG: "image", PDF: "document", DOCX: "document", XLSX: "document"}
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}
LABELS = {JPEG: "foto JPG", PNG: "gambar PNG", PDF: "PDF", DOCX: "dokumen Word", XLSX: "lembar kerja Excel"}
ALLOWED_TEXT = "foto JPG/PNG, PDF, dokumen Word (.docx) atau Excel (.xlsx)"
# What the file inputs offer (a hint for the picker only; the content decides).
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,image/jpeg,image/png,application/pdf," + DOCX + "," + XLSX
MAX_FILENAME = 120
MAX_ZIP_ENTRIES = 10000

# The main part an Office file must declare in [Content_Types].xml and contain.
_OOXML = {
    DOCX: ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    XLSX: ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}


class FileRejected(ValueError):
    """The file cannot be sent (Indonesian message, shown to the officer as is)."""


@dataclass(frozen=True)
class OutboundFile:
    """A checked file: its bytes, real MIME type, WhatsApp kind (image|document) and a safe name."""

    content: bytes = field(repr=False)
    mime_type: str
    kind: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.content)


def _ooxml_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml")[:200_000].decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None
    for mime, (folder, main_type) in _OOXML.items():
        if main_type in types and any(name.startswith(folder) for name in names):
            return mime
    return None


def sniff(content: bytes) -> str | None:
    """The MIME type the content shows (one of KINDS), or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return _ooxml_type(content)
    return None


def safe_filename(name: str | None, mime_type: str) -> str:
    """A name the resident sees: no folders, no control characters, the right extension."""
    base = Path(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]+", "", base).strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    ext = EXTENSIONS[mime_type]
    stem = stem[: MAX_FILENAME - len(ext)].strip(" .") or "berkas"
    return stem + ext


def limit_text(kind: str) -> str:
    return f"{LIMITS[kind] // MB} MB"


def check_size(kind: str, size: int) -> None:
    if size > LIMITS[kind]:
        what = "Foto/gambar" if kind == "image" else "Dokumen"
        raise FileRejected(f"{what} terlalu besar ({size / MB:.1f} MB). Batas WhatsApp untuk "
                           f"{'gambar' if kind == 'image' else 'dokumen'} adalah {limit_text(kind)}.")


def check_file(content: bytes, filename: str | None = None) -> OutboundFile:
    """The file as WhatsApp will get it, or FileRejected (empty, unknown type, too large)."""
    if not content:
        raise FileRejected("Berkas kosong. Pilih berkas yang akan dikirim.")
    if len(content) > LIMITS["document"]:
        check_size("document", len(content))
    mime_type = sniff(content)
    if mime_type is None:
        raise FileRejected(f"Jenis berkas tidak didukung atau isinya tidak sesuai namanya. Yang bisa dikirim: "
                           f"{ALLOWED_TEXT}.")
    kind = KINDS[mime_type]
    check_size(kind, len(content))
    return OutboundFile(content, mime_type, kind, safe_filename(filename, mime_type))


def read_file(path: Path, filename: str | None = None) -> OutboundFile:
    """A file on disk, checked like an upload (the size first, without reading a huge file)."""
    size = path.stat().st_size
    check_size("document", size)
    return check_file(path.read_bytes(), filename or path.name)


__all__ = [
    "ACCEPT",
    "ALLOWED_TEXT",
    "FileRejected",
    "LIMITS",
    "OutboundFile",
    "check_file",
    "check_size",
    "read_file",
    "safe_filename",
    "sniff",
]
