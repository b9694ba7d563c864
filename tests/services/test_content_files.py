"""Uploads: streamed under a generated name, cut off at the limit, checked by type."""

import hashlib
import io

import pytest

from baton.errors import NotFound, PayloadTooLarge, ValidationFailed
from baton.services.auth import SYSTEM
from baton.services.content.files import (
    file_for_download,
    resolve_stored,
    store_upload,
    upload_file,
)
from tests.builders import T0
from tests.content_builders import make_item
from tests.content_files import PDF, PNG, office, plain_zip


class CountingStream(io.BytesIO):
    """Counts how much was read, to show an oversized upload is not read to its end."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def test_a_file_is_stored_under_a_generated_name(tmp_path):
    stored = store_upload(io.BytesIO(PDF), filename="../../etc/Battle card.pdf",
                          directory=tmp_path, max_bytes=1000)  # fmt: skip
    assert stored.name == "Battle card.pdf" and stored.mime == "application/pdf"
    assert stored.size == len(PDF) and stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert [p.name for p in tmp_path.iterdir()] == [stored.path]
    assert stored.path.endswith(".pdf") and len(stored.path) == 36
    assert (tmp_path / stored.path).read_bytes() == PDF


def test_an_oversized_upload_stops_at_the_limit_and_leaves_nothing(tmp_path):
    stream = CountingStream(b"%PDF-" + b"x" * 1_000_000)
    with pytest.raises(PayloadTooLarge):
        store_upload(stream, filename="big.pdf", directory=tmp_path, max_bytes=100_000)
    assert stream.consumed <= 100_000 + 64 * 1024  # one chunk past the limit at most
    assert list(tmp_path.iterdir()) == []


def test_a_file_of_exactly_the_limit_is_accepted(tmp_path):
    data = PDF + b"x" * (500 - len(PDF))
    assert store_upload(io.BytesIO(data), filename="a.pdf", directory=tmp_path,
                        max_bytes=500).size == 500  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deck.pdf", b"<html><script>alert(1)</script>"),
        ("logo.png", PDF),
        ("notes.txt", b"\x00\x01binary"),
        ("deck.pptx", plain_zip()),  # a ZIP, but not a presentation
        ("deck.pptx", office("docx")),  # a Word document named .pptx
        ("empty.pdf", b""),
        ("page.html", b"<html>"),
        ("../../../../tmp/x.pdf\x00.png", PNG),
    ],
)
def test_files_whose_content_or_name_do_not_fit_are_refused(tmp_path, name, data):
    with pytest.raises(ValidationFailed):
        store_upload(io.BytesIO(data), filename=name, directory=tmp_path, max_bytes=10_000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["docx", "pptx", "xlsx"])
def test_office_documents_are_accepted(tmp_path, kind):
    stored = store_upload(io.BytesIO(office(kind)), filename=f"x.{kind}", directory=tmp_path,
                          max_bytes=10_000)  # fmt: skip
    assert stored.mime.startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("stored", ["../etc/passwd", "/etc/passwd", "a" * 32 + ".pdf/../x",
                                    "..", "A" * 32 + ".pdf", "0" * 31 + ".pdf"])  # fmt: skip
def test_only_generated_names_inside_the_directory_resolve(tmp_path, stored):
    with pytest.raises(NotFound):
        resolve_stored(tmp_path, stored)


def test_a_new_file_keeps_the_old_one_as_a_version(session, tmp_path):
    item = make_item(session, title="Deck")
    upload_file(session, item_id=item.id, stream=io.BytesIO(PDF), filename="v1.pdf",
                directory=tmp_path, max_bytes=10_000, actor=SYSTEM, now=T0)  # fmt: skip
    upload_file(session, item_id=item.id, stream=io.BytesIO(PNG), filename="v2.png",
                directory=tmp_path, max_bytes=10_000, actor=SYSTEM, now=T0)  # fmt: skip
    assert item.version == 3 and item.file_name == "v2.png"
    current = file_for_download(session, item_id=item.id, directory=tmp_path)
    old = file_for_download(session, item_id=item.id, directory=tmp_path, version=2)
    assert (current.name, current.mime, current.path.read_bytes()) == ("v2.png", "image/png", PNG)
    assert (old.name, old.path.read_bytes()) == ("v1.pdf", PDF)
    with pytest.raises(NotFound):
        file_for_download(session, item_id=item.id, directory=tmp_path, version=1)  # no file yet
