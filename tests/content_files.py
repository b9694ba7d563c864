"""Small valid files of each accepted type, for upload tests."""

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(kind: str = "docx") -> bytes:
    """A minimal Office Open XML container: [Content_Types].xml and the part folder."""
    folder = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml",
              "xlsx": "xl/workbook.xml"}[kind]  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(folder, "<doc/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.sh", "rm -rf /")
    return buffer.getvalue()
