"""Attachments: the content type is read from the bytes, never trusted from the client."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from shared.errors import InvalidFields, RequestError

OCTET_STREAM = "application/octet-stream"

# (offset, magic bytes, content type), most specific first.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),  # an empty archive
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"MZ", "application/x-msdownload"),
    (0, b"\x7fELF", "application/x-executable"),
)
_OOXML = {
    b"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    b"xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff(content: bytes) -> str:
    """The content type the bytes show, ``application/octet-stream`` when unknown."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for offset, magic, content_type in _MAGIC:
        if content[offset : offset + len(magic)] == magic:
            return _ooxml(content) if content_type == "application/zip" else content_type
    return "text/plain" if _is_text(content) else OCTET_STREAM


def _ooxml(content: bytes) -> str:
    # The first local file header names the first member; Office writes its part first
    # often but not always, so look at the member names near the start.
    head = content[:4096]
    if b"[Content_Types].xml" not in head:
        return "application/zip"
    return next((t for part, t in _OOXML.items() if part in head), "application/zip")


def _is_text(content: bytes) -> bool:
    if b"\x00" in content[:8192]:
        return False
    try:
        content[:8192].decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sample's end is still text.
        return error.start >= len(content[:8192]) - 3
    return True


MAX_FILENAME = 255
FALLBACK_FILENAME = "attachment"
_DIRECTORY = re.compile(r"^.*[/\\]")
# C0/C1 controls (CR/LF end a header), and the characters Windows refuses in a name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"|?*]')


def safe_filename(name: str | None) -> str:
    """The base name of what the client called the file, safe in a path and in a header:
    no directory part (``../``), no control characters, no leading dots, ≤ 255 characters
    with the extension kept."""
    base = _DIRECTORY.sub("", unicodedata.normalize("NFC", name or ""))
    base = _UNSAFE.sub("", base).strip().lstrip(".").strip()
    if not base:
        return FALLBACK_FILENAME
    if len(base) <= MAX_FILENAME:
        return base
    stem, dot, extension = base.rpartition(".")
    if not dot or len(extension) > 16:
        return base[:MAX_FILENAME]
    return stem[: MAX_FILENAME - len(extension) - 1] + "." + extension


class EmptyAttachment(InvalidFields):
    def __init__(self, field: str) -> None:
        super().__init__({field: "an attachment may not be empty"})


class AttachmentTooLarge(RequestError):
    status_code = 413


class UnsupportedAttachmentType(RequestError):
    status_code = 415


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int
    allowed_types: frozenset[str]

    def accept(self, content: bytes, field: str = "file") -> str:
        """The sniffed content type; raises 422/413/415 errors for what may not be stored."""
        if not content:
            raise EmptyAttachment(field)
        if len(content) > self.max_bytes:
            raise AttachmentTooLarge(f"attachment exceeds {self.max_bytes} bytes")
        content_type = sniff(content)
        if not _allowed(content_type, self.allowed_types):
            raise UnsupportedAttachmentType(f"attachments of type {content_type} are not allowed")
        return content_type


def _allowed(content_type: str, allowed: frozenset[str]) -> bool:
    # An OOXML document is a ZIP archive: allowing ZIP allows them.
    is_ooxml = content_type in _OOXML.values()
    return content_type in allowed or (is_ooxml and "application/zip" in allowed)


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    tenant_id: str
    ticket_id: str
    filename: str
    size: int
    content_type: str
    sha256: str
    added_at: datetime


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
