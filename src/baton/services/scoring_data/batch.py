"""Many leads' rule inputs at once, read column-wise through the raw driver (no ORM rows)."""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from baton.rules.conditions import LEAD_FIELDS
from baton.rules.playbook import Playbook
from baton.rules.scoring import EventColumns, LeadFacts
from baton.services.scoring_data.properties import EventProperties, concat, with_where_masks
from baton.services.scoring_data.rows import (
    EMPLOYEE_KEYS,
    INDUSTRY_KEYS,
    as_count,
    as_text,
    fallback,
)
from baton.services.scoring_data.sql import FIELDS, Filter, Sql

DEFAULT_CHUNK = 100_000
_PROPERTIES = "properties."
# LeadFacts is built positionally from the row (a third faster than by keyword).
assert tuple(f.name for f in fields(LeadFacts)) == (
    *FIELDS,
    "recycled_at",
    "properties",
    "probability",
)


class Batch(NamedTuple):
    """Leads (position i is lead_ids[i]) and their events, `events.lead` being positions."""

    leads: list[LeadFacts]
    events: EventColumns
    lead_ids: np.ndarray


@dataclass(frozen=True)
class Plan:
    """What to read: only what the playbooks look at (everything when none is given)."""

    fields: frozenset[str]
    all_properties: bool
    vocabulary: tuple[str, ...] | None  # event types read, as codes; None: all, as names
    where_types: tuple[str, ...] | None  # types whose properties are read; None: all

    @classmethod
    def of(cls, playbooks: Sequence[Playbook]) -> "Plan":
        if not playbooks:
            return cls(frozenset(FIELDS), True, None, None)
        named: set[str] = set()
        for pb in playbooks:
            conditions = [p.when for p in pb.personas] + [r.when for r in pb.fit.rules]
            named |= {test.field for c in conditions for _, test in c.walk()}
        read = {f for f in named if f in LEAD_FIELDS}
        if "free_mail" in named:
            read.add("email_domain")
        types = sorted({t for pb in playbooks for t in pb.engagement.event_types()})
        where = sorted({r.event for pb in playbooks for r in pb.engagement.rules if r.where})
        return cls(
            frozenset(read),
            any(f.startswith(_PROPERTIES) for f in named),
            tuple(types),
            tuple(where),
        )


def raw_connection(source: Session | Connection) -> tuple[Any, str]:
    """The DBAPI connection inside the caller's transaction, and the dialect's name."""
    if isinstance(source, Session):
        source.flush()  # pending ORM changes must be visible to the raw reads
        source = source.connection()
    return source.connection.driver_connection, source.dialect.name


def iter_batches(
    source: Session | Connection,
    *,
    lead_ids: Sequence[int] | None = None,
    chunk: int = DEFAULT_CHUNK,
    playbooks: Sequence[Playbook] = (),
    after_id: int = -1,
    limit: int | None = None,
) -> Iterator[Batch]:
    """Batches of at most `chunk` leads in id order: all leads (erased ones skipped) or these.

    With playbooks, only what they read is loaded (their event types, the properties of
    events their `where` clauses test) and `events` carries the first one's where masks.
    Without lead_ids, `after_id` and `limit` read a slice: at most `limit` leads above it.
    """
    raw, dialect = raw_connection(source)
    sql, plan = Sql(dialect), Plan.of(playbooks)
    leads_sql = sql.leads(plan.fields, plan.all_properties)
    if lead_ids is None:
        after, left = after_id, limit
        while left is None or left > 0:
            size = chunk if left is None else min(chunk, left)
            where, tail, params = sql.page(after, size)
            rows = _fetch(raw, leads_sql.format(where=where, tail=tail), params)
            if not rows:
                return
            yield _batch(raw, sql, plan, rows, Filter(lo=rows[0][0], hi=rows[-1][0]), playbooks)
            after = rows[-1][0]
            left = None if left is None else left - len(rows)
        return
    ids = sorted({int(i) for i in lead_ids})
    for start in range(0, len(ids), chunk):
        which = Filter(ids=ids[start : start + chunk])
        where, params = sql.where("l.id", which)
        rows = _fetch(raw, leads_sql.format(where=where, tail=""), params)
        if rows:
            yield _batch(raw, sql, plan, rows, which, playbooks)


def load_batch(
    source: Session | Connection,
    *,
    lead_ids: Sequence[int] | None = None,
    chunk: int = DEFAULT_CHUNK,
    playbooks: Sequence[Playbook] = (),
) -> Batch:
    """Every batch of iter_batches() as one (for the impact preview: read once, score twice).

    `chunk` only sets how many leads each query reads. For another playbook's where masks,
    pass `with_where_masks(batch.events, other)`.
    """
    parts = list(iter_batches(source, lead_ids=lead_ids, chunk=chunk, playbooks=playbooks))
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [len(p.leads) for p in parts[:-1]])
    plan = Plan.of(playbooks)
    events = EventColumns(
        lead=_cat([p.events.lead + off for p, off in zip(parts, offsets, strict=True)], np.int64),
        type=_cat([p.events.type for p in parts], np.int64 if plan.vocabulary else object),
        occurred=_cat([p.events.occurred for p in parts], np.float64),
        properties=concat([p.events.properties for p in parts]),  # type: ignore[misc]
        vocabulary=plan.vocabulary,
    )
    return Batch(
        [lead for p in parts for lead in p.leads],
        with_where_masks(events, playbooks[0]) if playbooks else events,
        _cat([p.lead_ids for p in parts], np.int64),
    )


def _cat(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _fetch(raw, statement: str, params: list) -> list[tuple]:
    cursor = raw.cursor()
    try:
        cursor.execute(statement, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _batch(raw, sql: Sql, plan: Plan, rows: list[tuple], which: Filter, playbooks) -> Batch:
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    where, params = sql.where("lead_id", which)
    recycled = {
        lead_id: _utc(changed_at)
        for lead_id, changed_at in _fetch(raw, sql.recycled().format(where=where), params)
    }
    get = recycled.get
    # Most leads need neither their properties nor a recycling time: the fast path.
    leads = [
        LeadFacts(*row[1:14])
        if row[14] is None and row[0] not in recycled
        else _facts(row, get(row[0]), plan)
        for row in rows
    ]
    if any(p.mql.probability_min is not None for p in playbooks or ()):
        leads = _with_probabilities(raw, leads, ids, where, params)
    events = _events(raw, sql.events(plan.vocabulary, plan.where_types), where, params, ids, plan)
    if playbooks:
        events = with_where_masks(events, playbooks[0])
    return Batch(leads, events, ids)


def _with_probabilities(raw, leads: list[LeadFacts], ids, where: str, params) -> list[LeadFacts]:
    """The leads with their stored predicted probability (#12), for an MQL rule that asks."""
    found = dict(
        _fetch(raw, f"SELECT lead_id, probability FROM lead_predictions WHERE {where}", params)
    )
    return [
        replace(lead, probability=float(found[int(i)])) if int(i) in found else lead
        for lead, i in zip(leads, ids, strict=True)
    ]


def _facts(row: tuple, recycled_at: datetime | None, plan: Plan) -> LeadFacts:
    text = row[14]
    properties = json.loads(text) if text else None
    if not isinstance(properties, dict):
        properties = {}
    employees, industry = row[4], row[5]
    if employees is None and "employees" in plan.fields:
        employees = fallback(properties, EMPLOYEE_KEYS, as_count)
    if industry is None and "industry" in plan.fields:
        industry = fallback(properties, INDUSTRY_KEYS, as_text)
    return LeadFacts(
        *row[1:4],
        employees,
        industry,
        *row[6:14],
        recycled_at,
        properties if plan.all_properties else {},
    )


def _events(raw, statement: str, where: str, params: list, ids: np.ndarray, plan: Plan):
    kind = "i8" if plan.vocabulary is not None else "O"
    if plan.vocabulary == ():  # the playbook scores no event at all
        empty = np.zeros(0, dtype=np.int64)
        return EventColumns(empty, empty, np.zeros(0), EventProperties(empty, []), vocabulary=())
    cursor = raw.cursor()
    try:
        cursor.execute(statement.format(where=where), params)
        found = np.fromiter(
            cursor, dtype=[("lead", "i8"), ("type", kind), ("us", "i8"), ("props", "O")]
        )
    finally:
        cursor.close()
    position = np.minimum(np.searchsorted(ids, found["lead"]), max(len(ids) - 1, 0))
    keep = ids[position] == found["lead"] if len(ids) else np.zeros(len(found), bool)
    if not keep.all():  # events of erased leads inside the id range
        found, position = found[keep], position[keep]
    return EventColumns(
        lead=position,
        type=np.ascontiguousarray(found["type"]),
        occurred=found["us"] / 1e6,
        properties=EventProperties.factorize(found["props"], len(found)),
        vocabulary=plan.vocabulary,
    )


def _utc(value: datetime | str) -> datetime:
    """A time as the ORM reads it: SQLite gives naive UTC text, PostgreSQL an aware value."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
