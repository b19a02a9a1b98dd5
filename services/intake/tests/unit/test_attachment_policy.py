import io
import zipfile

import pytest

from services.intake.domain.attachments import (
    MAX_FILENAME,
    AttachmentPolicy,
    AttachmentTooLarge,
    EmptyAttachment,
    UnsupportedAttachmentType,
    safe_filename,
    sniff,
)
from services.intake.domain.config import DEFAULT_CONTENT_TYPES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "application/octet-stream"),
        (b"%PDF-1.7\n", "application/pdf"),
        (zipped("a.txt"), "application/zip"),
        (
            zipped("[Content_Types].xml", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            zipped("[Content_Types].xml", "xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("水管漏水了\nпротечка".encode(), "text/plain"),
        (b"", "text/plain"),
        (b"MZ\x90\x00", "application/x-msdownload"),
        (b"\x00\x01\x02\x03", "application/octet-stream"),
        (b"\xc3\x28 invalid utf-8", "application/octet-stream"),
    ],
)
def test_the_type_comes_from_the_bytes(content, expected):
    assert sniff(content) == expected


def test_text_cut_inside_a_multibyte_character_is_still_text():
    content = ("漏" * 3000).encode()[: 8192 + 1]
    assert sniff(content) == "text/plain"


POLICY = AttachmentPolicy(max_bytes=64, allowed_types=frozenset(DEFAULT_CONTENT_TYPES))


def test_the_size_limit_is_inclusive():
    assert POLICY.accept(PNG + b"\x00" * (64 - len(PNG))) == "image/png"
    with pytest.raises(AttachmentTooLarge):
        POLICY.accept(PNG + b"\x00" * (65 - len(PNG)))


def test_a_type_outside_the_list_is_refused():
    with pytest.raises(UnsupportedAttachmentType) as info:
        POLICY.accept(b"MZ\x90\x00")
    assert info.value.status_code == 415


def test_allowing_zip_allows_office_documents():
    big = AttachmentPolicy(10_000, frozenset({"application/zip"}))
    docx = zipped("[Content_Types].xml", "word/document.xml")
    assert big.accept(docx).endswith("wordprocessingml.document")


def test_an_empty_file_is_refused_naming_its_field():
    policy = AttachmentPolicy(100, frozenset(DEFAULT_CONTENT_TYPES))
    with pytest.raises(EmptyAttachment) as refused:
        policy.accept(b"", "files.2")
    assert list(refused.value.errors) == ["files.2"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\li\\photo.jpg", "photo.jpg"),
        ("evil\r\nX-Injected: 1.txt", "evilX-Injected 1.txt"),
        ("tab\there.txt", "tabhere.txt"),
        ("\x00\x1f\x7f\x85.png", "png"),
        (".hidden", "hidden"),
        ('a<b>c:"d"|e?f*.txt', "abcdef.txt"),
        ("  spaced  ", "spaced"),
        ("...", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("报告 2026.docx", "报告 2026.docx"),
        ("Заявление.pdf", "Заявление.pdf"),
    ],
)
def test_a_file_name_is_reduced_to_a_safe_base_name(given, kept):
    assert safe_filename(given) == kept


def test_a_long_file_name_is_cut_keeping_its_extension():
    cut = safe_filename("x" * 400 + ".pdf")
    assert (len(cut), cut[-4:]) == (MAX_FILENAME, ".pdf")
    assert len(safe_filename("y" * 400)) == MAX_FILENAME
