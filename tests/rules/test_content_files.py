"""Upload names are cleaned for display, and each type must start with its magic bytes."""

import pytest

from baton.errors import ValidationFailed
from baton.rules.content.files import clean_file_name, content_disposition, magic_matches


@pytest.mark.parametrize(
    ("given", "name", "ext"),
    [
        ("deck.pdf", "deck.pdf", "pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf", "pdf"),
        ("/abs/path/Report.PDF", "Report.PDF", "pdf"),
        ("C:\\Users\\rita\\case study.docx", "case study.docx", "docx"),
        ("..\\..\\boot.ini.txt", "boot.ini.txt", "txt"),
        ("Cafe\u0301.png", "Café.png", "png"),  # NFC: one é, not e + combining accent
        ("x" * 300 + ".md", "x" * 197 + ".md", "md"),
    ],
)
def test_names_keep_only_their_last_component(given, name, ext):
    assert clean_file_name(given) == (name, ext)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "",
        "deck.pdf\x00.exe",
        "invoice\u202efdp.exe",  # right-to-left override: shows as "invoiceexe.pdf"
        "zero\u200bwidth.pdf",
        "line\nbreak.pdf",
        "../",
        "..",
        ".pdf",
        ".hidden.pdf",
        "noextension",
        "script.html",
        "payload.svg",
        "run.exe",
        "archive.zip",
        "dir/",
    ],
)
def test_unusable_or_unsafe_names_are_refused(bad):
    with pytest.raises(ValidationFailed):
        clean_file_name(bad)


ZIP = b"PK\x03\x04" + b"\x00" * 20
CASES = [
    ("pdf", b"%PDF-1.7\n...", True),
    ("pdf", b"<html><script>", False),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00", True),
    ("png", b"GIF89a", False),
    ("jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
    ("jpeg", b"%PDF-", False),
    ("docx", ZIP, True),
    ("pptx", b"%PDF-1.4", False),
    ("txt", "Grüße, an objection list\n".encode(), True),
    ("md", b"# Title\x00\x01", False),
    ("txt", b"\xff\xfe\x00h", False),
    ("txt", "ü".encode()[:1], True),  # a multi-byte character cut by the head's end
    ("mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00", True),
    ("mp4", b"RIFF....AVI ", False),
]


@pytest.mark.parametrize(("ext", "head", "ok"), CASES)
def test_magic_bytes_must_fit_the_extension(ext, head, ok):
    assert magic_matches(ext, head) is ok


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition('Grüße "deck"; v2.pdf')
    assert header == (
        'attachment; filename="Grue _deck__ v2.pdf"; '
        "filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22deck%22%3B%20v2.pdf"
    )
