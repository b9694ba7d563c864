"""Read a CSV file for import: UTF-8 (BOM or not), delimiter sniffed, file line numbers kept."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from baton.errors import ValidationFailed

BOM = b"\xef\xbb\xbf"
SAMPLE_LINES = 50
DELIMITERS = ",;\t"


def _decoded(path: Path, handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text; a clear error naming the first line that is not UTF-8."""
    for number, raw in enumerate(handle, 1):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(
                f"{path.name} is not UTF-8: line {number} has the byte 0x{raw[exc.start]:02x} "
                f"at column {exc.start + 1}; save the file as UTF-8 (CSV UTF-8 in Excel) "
                "and import it again; nothing was imported"
            ) from None


def sniff_delimiter(sample: str) -> str:
    """',', ';' or tab, whichever the sample uses (',' when it cannot tell)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


@dataclass
class CsvFile:
    """An open CSV file: its headers, delimiter, and rows read lazily as dicts.

    `line_numbers[i]` is the file line where row i starts; it fills as rows are read.
    """

    path: Path
    headers: list[str]
    delimiter: str
    reader: Any  # a csv.reader: iterates records, counts lines in line_num
    handle: BinaryIO
    line_numbers: list[int] = field(default_factory=list)

    def rows(self) -> Iterator[dict[str | None, str]]:
        """Each non-blank record as {header: value}; extra values under the key None."""
        width = len(self.headers)
        previous = self.reader.line_num
        try:
            for record in self.reader:
                start, previous = previous + 1, self.reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                row: dict[str | None, str] = dict(zip(self.headers, record, strict=False))
                if len(record) > width:
                    row[None] = record[width:]
                self.line_numbers.append(start)
                yield row
        finally:
            self.handle.close()


def open_csv(path: Path) -> CsvFile:
    """Open a CSV file for import; errors (missing, empty, not UTF-8) are ValidationFailed."""
    if not path.is_file():
        raise ValidationFailed(f"no such file: {path}")
    handle = path.open("rb")
    try:
        lines = _decoded(path, handle)
        sample = [line for _, line in zip(range(SAMPLE_LINES), lines, strict=False)]
        delimiter = sniff_delimiter("".join(sample))
        reader = csv.reader(_chain(sample, lines), delimiter=delimiter)
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise ValidationFailed(f"{path.name} is empty: the first line must name the columns")
    except BaseException:
        handle.close()
        raise
    headers = [h.strip() for h in header]
    return CsvFile(path, headers, delimiter, reader, handle)


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest
