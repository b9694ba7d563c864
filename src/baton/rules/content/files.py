"""Upload checks: the displayed file name, the allowed types, and their magic bytes.

The stored name is always generated (services/content/files.py); the user's name is only
kept for display and Content-Disposition, cleaned here. A file is accepted when its
extension is allowed AND its first bytes are what that type starts with.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from baton.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class FileType:
    """An accepted kind of file: its MIME type and how its bytes begin."""

    mime: str
    magic: tuple[bytes, ...]  # any of these prefixes (empty: text, checked apart)
    zip_marker: str | None = None  # Office files: a member the ZIP must hold


_ZIP = (b"PK\x03\x04",)
TYPES = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/"
    ),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP, "ppt/"
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/"
    ),
    "txt": FileType("text/plain; charset=utf-8", ()),
    "md": FileType("text/markdown; charset=utf-8", ()),
    "mp4": FileType("video/mp4", ()),  # 'ftyp' at offset 4, checked in magic_matches
}
MAX_NAME_LENGTH = 200
# Characters that make a name display differently from what it is (bidi overrides, zero
# width, and so on): "invoice\u202efdp.exe" shows as "invoiceexe.pdf".
_FORMAT_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields=[{"path": "file", "message": message}])


def clean_file_name(name: str | None) -> tuple[str, str]:
    """(display name, extension) of an uploaded file's name, or ValidationFailed.

    Only the last path component is kept (both separators), control and format characters
    are refused, the name is NFC-normalised and at most MAX_NAME_LENGTH characters.
    """
    if not name:
        raise _invalid("the upload has no file name")
    if "\x00" in name:
        raise _invalid("the file name contains a NUL character")
    name = unicodedata.normalize("NFC", name)
    base = re.split(r"[\\/]", name)[-1].strip()
    if any(unicodedata.category(ch) in _FORMAT_CATEGORIES for ch in base):
        raise _invalid("the file name contains control or invisible formatting characters")
    if base in ("", ".", "..") or base.startswith("."):
        raise _invalid(f"{name!r} is not a usable file name")
    stem, dot, ext = base.rpartition(".")
    ext = ext.lower()
    if not dot or not stem or ext not in TYPES:
        allowed = ", ".join(sorted(TYPES))
        raise _invalid(f"file type not allowed: {base!r}; allowed extensions are {allowed}")
    if len(base) > MAX_NAME_LENGTH:
        keep = MAX_NAME_LENGTH - len(ext) - 1
        base = f"{stem[:keep]}.{ext}"
    return base, ext


def magic_matches(ext: str, head: bytes) -> bool:
    """Whether the file's first bytes fit the type its extension claims."""
    kind = TYPES[ext]
    if ext == "mp4":
        return len(head) >= 12 and head[4:8] == b"ftyp"
    if not kind.magic:  # text: UTF-8 without NUL bytes (a cut multi-byte tail is fine)
        return b"\x00" not in head and _utf8_prefix(head)
    return any(head.startswith(m) for m in kind.magic)


def _utf8_prefix(head: bytes) -> bool:
    for cut in range(4):  # a multi-byte character may straddle the end of the head
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def content_disposition(display_name: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266/5987)."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display_name, safe='')}"


def download_headers(display_name: str) -> dict[str, str]:
    """Attachment, no sniffing, and a sandbox for anything a browser might still render."""
    return {
        "Content-Disposition": content_disposition(display_name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
    }
