"""Bulk intake: many leads at once from JSON items (the API) or CSV rows (the CLI)."""

from baton.services.imports.capture import bulk_capture
from baton.services.imports.reports import (
    BulkRefused,
    BulkReport,
    ImportRefused,
    ImportReport,
    ItemError,
    ItemResult,
    Progress,
    RowError,
)
from baton.services.imports.rows import import_rows, load_mapping

__all__ = [
    "BulkRefused",
    "BulkReport",
    "ImportRefused",
    "ImportReport",
    "ItemError",
    "ItemResult",
    "Progress",
    "RowError",
    "bulk_capture",
    "import_rows",
    "load_mapping",
]
