"""What a bulk capture or a file import did, item by item, and the refusal that carries it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from baton.errors import ValidationFailed

# progress(phase, done, total): phases are "validating" and "writing".
Progress = Callable[[str, int, int], None]

CREATED, UPDATED, MERGED, INVALID = "created", "updated", "merged", "invalid"


@dataclass
class ItemError:
    """One problem with one input field ('' = the item as a whole)."""

    path: str
    message: str


@dataclass
class ItemResult:
    """What happened to one input item (index in the request, 0-based)."""

    index: int
    result: str
    lead_id: int | None = None
    errors: list[ItemError] = field(default_factory=list)


@dataclass
class BulkReport:
    """Counts and per-item results of one bulk capture."""

    created: int = 0
    updated: int = 0
    merged_in_request: int = 0
    invalid: int = 0
    items: list[ItemResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON response body."""
        return {
            "created": self.created,
            "updated": self.updated,
            "merged_in_request": self.merged_in_request,
            "invalid": self.invalid,
            "items": [
                {
                    "index": i.index,
                    "result": i.result,
                    "lead_id": i.lead_id,
                    "errors": [{"path": e.path, "message": e.message} for e in i.errors],
                }
                for i in self.items
            ],
        }


@dataclass
class RowError:
    """One problem in one row of a file: the row's line number, the column, the reason."""

    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """Counts and errors of one file import (dry runs count what would be written)."""

    mapping: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    merged_in_file: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False


class BulkRefused(ValidationFailed):
    """Atomic bulk capture with invalid items: nothing was written."""

    def __init__(self, report: BulkReport) -> None:
        bad = [i for i in report.items if i.result == INVALID]
        fields = [
            {"path": f"leads[{i.index}]" + (f".{e.path}" if e.path else ""), "message": e.message}
            for i in bad
            for e in i.errors
        ]
        super().__init__(
            f"{len(bad)} of {len(report.items)} leads are invalid, so nothing was written "
            "(send ?partial=true to write the valid ones)",
            fields=fields,
        )
        self.report = report


class ImportRefused(ValidationFailed):
    """Atomic import of a file with invalid rows: nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.invalid} of {report.rows} rows are invalid, so nothing was written "
            "(use --skip-invalid to import the valid ones)",
            fields=[
                {"path": f"row {e.row} {e.column}", "message": e.reason} for e in report.errors
            ],
        )
        self.report = report
