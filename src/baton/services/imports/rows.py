"""Import CSV-like rows (dicts of header -> text) through a header mapping."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Program
from baton.rules.mapping import BUILT_IN, ImportMapping, RowMapper, detect, mapping_from_dict
from baton.services.auth import Actor
from baton.services.imports.capture import counts, gc_paused, run, validate_items
from baton.services.imports.reports import (
    INVALID,
    MERGED,
    ImportRefused,
    ImportReport,
    ItemError,
    Progress,
    RowError,
)
from baton.services.imports.resolve import Candidate
from baton.services.lead_properties import check_items

READ_STEP = 10_000


def load_mapping(spec: str, headers: Sequence[str]) -> ImportMapping:
    """'auto' (detected from the headers), 'hubspot', 'salesforce', or a YAML file's path."""
    if spec == "auto":
        return detect(headers)
    if spec in BUILT_IN:
        return BUILT_IN[spec]
    path = Path(spec)
    if not path.is_file():
        raise ValidationFailed(
            f"unknown mapping {spec!r}: use auto, hubspot, salesforce or a YAML file's path"
        )
    try:
        return mapping_from_dict(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(f"mapping file {path}: {exc}") from None


@gc_paused()
def import_rows(
    session: Session,
    *,
    rows: Iterable[dict[str | None, str]],
    mapping: ImportMapping | str,
    actor: Actor,
    now: datetime,
    partial: bool,
    progress: Progress | None = None,
    source: str | None = None,
    program_id: int | None = None,
    dry_run: bool = False,
    headers: Sequence[str] | None = None,
    row_numbers: Sequence[int] | None = None,
) -> ImportReport:
    """Import rows as leads: any entry stage, an optional created date, merged by identity.

    Atomic unless `partial`: one invalid row and nothing is written (ImportRefused). Row
    numbers in errors are `row_numbers[i]` (file lines, read after the rows are consumed)
    or, without them, i + 2 (a header line, then one line per row). Without `headers`,
    the first row's keys are the headers (as with csv.DictReader, every row has them).
    """
    it = iter(rows)
    first = next(it, None)
    headers = list(headers if headers is not None else (first or {}))
    mapping = load_mapping(mapping, headers) if isinstance(mapping, str) else mapping
    mapper = RowMapper(mapping, headers, now=now, source=source, program_id=program_id)
    if why := mapper.missing_identity():
        found = ", ".join(repr(str(h)) for h in headers) or "none"
        raise ValidationFailed(
            f"{why} (mapping {mapping.name}; headers found: {found}); nothing was imported"
        )
    if program_id is not None and session.get(Program, program_id) is None:
        raise ValidationFailed(f"unknown program {program_id}; nothing was imported")

    items, created, errors = [], [], {}
    for i, row in enumerate(chain([first], it) if first is not None else ()):
        mapped = mapper.map(row)
        items.append(mapped.item)
        created.append(mapped.created_at)
        if mapped.errors:
            errors[i] = [ItemError(column, reason) for column, reason in mapped.errors]
        if progress and (i + 1) % READ_STEP == 0:
            progress("reading", i + 1, 0)
    if progress:
        progress("reading", len(items), len(items))

    models, invalid = validate_items(items, progress=progress)
    for i, errs in invalid.items():
        column_errors = [ItemError(mapper.column_for(e.path), e.message) for e in errs]
        errors.setdefault(i, []).extend(column_errors)
    models = [None if i in errors else m for i, m in enumerate(models)]

    def property_error(path: str, message: str) -> ItemError:
        return ItemError(mapper.by_target.get(path, path), message)

    check_items(session, models, errors, make_error=property_error)
    candidates = [
        Candidate(i, m, created[i])
        for i, m in enumerate(models)
        if m is not None and i not in errors
    ]
    outcomes, _ = run(
        session,
        candidates=candidates,
        errors=errors,
        actor=actor,
        now=now,
        partial=partial,
        any_stage=True,
        dry_run=dry_run,
        progress=progress,
    )
    n = counts(outcomes)

    def line(i: int) -> int:
        return row_numbers[i] if row_numbers is not None else i + 2

    report = ImportReport(
        mapping=mapping.name,
        rows=len(items),
        created=n["created"],
        updated=n["updated"],
        merged_in_file=n[MERGED],
        invalid=n[INVALID],
        dry_run=dry_run,
        errors=[
            # mapping and validation errors name columns already, resolution errors fields
            RowError(
                line(o.index), e.path if o.index in errors else mapper.column_for(e.path), e.message
            )
            for o in outcomes
            if o.result == INVALID
            for e in o.errors
        ],
    )
    if report.invalid and not partial:
        raise ImportRefused(report)
    return report
