"""The public data sets read from disk and imported as leads (the mapping is pure:
rules/mapping/datasets.py; its reference: docs/playbook.md, "Data sets")."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Program
from baton.rules.mapping.datasets import (
    DATASETS,
    DatasetRow,
    DatasetRows,
    assign_times,
    parse_rows,
    read_rows,
    stage_path,
)
from baton.schemas.programs import ProgramCreate
from baton.services.auth import Actor
from baton.services.imports.capture import counts, gc_paused, run, validate_items
from baton.services.imports.reports import INVALID, Progress
from baton.services.imports.resolve import Candidate
from baton.services.lead_properties import property_validator
from baton.services.programs import create_program


def _spec(kind: str):
    if kind not in DATASETS:
        raise ValidationFailed(f"unknown data set {kind!r}; data sets are {', '.join(DATASETS)}")
    return DATASETS[kind]


def _lines(path: str | Path):
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(f"no such file: {path}")
    return path.open(newline="", encoding="utf-8")


def read_dataset(kind: str, path: str | Path) -> DatasetRows:
    """Every row of a data set file: good rows' features/outcomes/times, and the bad rows."""
    _spec(kind)
    with _lines(path) as handle:
        try:
            return read_rows(kind, handle)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None


@dataclass
class DatasetImport:
    """What an import did: rows read, leads created/updated, and the bad rows (by line)."""

    kind: str
    program: str
    program_id: int
    rows: int = 0
    created: int = 0
    updated: int = 0
    bad: list[DatasetRow] = field(default_factory=list)


def dataset_program(session: Session, kind: str, *, actor: Actor, now: datetime) -> Program:
    """The data set's program, created (and audited) on first import."""
    spec = _spec(kind)
    program = session.scalar(
        select(Program).where(func.lower(Program.name) == spec.program.lower())
    )
    if program is None:
        data = ProgramCreate(name=spec.program, channel=spec.channel)
        program = create_program(session, data=data, actor=actor, now=now)
    return program


@gc_paused()
def import_dataset(
    session: Session,
    *,
    kind: str,
    lines: Iterable[str],
    actor: Actor,
    now: datetime,
    limit: int | None = None,
    progress: Progress | None = None,
) -> DatasetImport:
    """Import a data set file's rows as leads of its program, with their stage history.

    Each good row is a lead created at its synthetic time (rules/mapping/timeline.py) with
    inquiry -> mql at that time, then won or disqualified later. Its properties are checked
    against the data set's declared schema, and against the playbook's `properties` for the
    names both declare. Bad rows are reported, never fatal. Re-importing updates, by
    (source, line number), the leads an earlier import created.
    """
    spec = _spec(kind)
    try:
        rows = list(islice(parse_rows(kind, lines), limit))
    except ValueError as exc:
        raise ValidationFailed(f"{exc}; nothing was imported") from None
    if progress:
        progress("reading", len(rows), len(rows))
    program = dataset_program(session, kind, actor=actor, now=now)
    report = DatasetImport(kind, program.name, program.id, rows=len(rows))
    times = assign_times([r.month for r in rows], first_year=spec.first_year, ordered=spec.ordered)
    playbook = property_validator(session)
    shared = sorted(playbook.declared.keys() & {p.name for p in spec.properties})
    good: list[tuple[DatasetRow, datetime]] = []
    for row, at in zip(rows, times, strict=True):
        if shared and not row.errors:
            values = {k: row.properties[k] for k in shared if k in row.properties}
            _, issues = playbook.validate(values, partial=True)
            row.errors += [(path, f"{msg} (the playbook's declaration)") for path, msg in issues]
        if at is None and not row.errors:
            row.errors.append((spec.month_column, "no month: the row cannot be dated"))
        if row.errors:
            report.bad.append(row)
        else:
            good.append((row, at))
    items = [
        {
            **row.fields,
            "program_id": program.id,
            "stage": row.outcome_stage(),
            "properties": row.properties,
        }
        for row, _ in good
    ]
    models, invalid = validate_items(items, progress=progress)
    candidates = []
    for i, ((row, at), model) in enumerate(zip(good, models, strict=True)):
        if model is None:
            row.errors += [(e.path, e.message) for e in invalid.get(i, [])]
            report.bad.append(row)
            continue
        candidates.append(Candidate(i, model, at, stage_path(at, row.outcome, row.line)))
    outcomes, _ = run(
        session,
        candidates=candidates,
        errors={},
        actor=actor,
        now=now,
        partial=True,
        any_stage=True,
        progress=progress,
    )
    n = counts(outcomes)
    report.created, report.updated = n["created"], n["updated"]
    for o in outcomes:
        if o.result == INVALID:
            row = good[o.index][0]
            row.errors += [(e.path, e.message) for e in o.errors]
            report.bad.append(row)
    report.bad.sort(key=lambda r: r.line)
    return report
