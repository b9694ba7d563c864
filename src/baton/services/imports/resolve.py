"""Resolve valid input items to leads: new ones, existing ones, and merges inside the input.

The items are replayed in order against an index of identities (normalised e-mail, then
(source, external id)) holding every existing lead any item could match, fetched in chunks
up front; so each item lands exactly where capture_lead, called once per item, would put it.
Items that land on a lead touched earlier in the same input are merged into it: later
non-blank values win, properties merge key by key, do-not-contact is only raised; the stage
and created date are those of the item that creates the lead.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton import bulk
from baton.errors import ValidationFailed
from baton.models import Lead, Program, User
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.imports.reports import CREATED, INVALID, MERGED, UPDATED, ItemError
from baton.services.leads import PROFILE_FIELDS, entry_stage

LOOKUP_CHUNK = 2_000
# The fields intake may change on an existing lead, in the order apply_changes records them.
CHANGE_ORDER: tuple[str, ...] = (
    *PROFILE_FIELDS,
    "email",
    "source",
    "external_id",
    "do_not_contact",
    "properties",
)
COLUMNS = ("id", *CHANGE_ORDER)


@dataclass
class Candidate:
    """A valid input item, where it was in the input, and an imported creation time."""

    index: int
    data: LeadCreate
    created_at: datetime | None = None
    # Known stage history [(stage, at), ...] ending at data.stage (data set imports): the
    # lead's values are then known from created_at, and each step gets a stage row.
    history: list[tuple[str, datetime]] | None = None


@dataclass
class NewLead:
    """A lead this input creates: its merged values, entry stage and creation time."""

    state: dict[str, Any]
    stage: str
    created_at: datetime | None
    lead_id: int | None = None
    merged: bool = False  # False: state is still one item's fields, in LeadCreate order
    history: list[tuple[str, datetime]] | None = None  # see Candidate.history


@dataclass
class KnownLead:
    """An existing lead this input updates: its stored values and the merged new ones."""

    lead_id: int
    original: dict[str, Any]
    state: dict[str, Any]


@dataclass
class Outcome:
    """Where one item landed, or why it was refused."""

    index: int
    result: str
    target: NewLead | KnownLead | None = None
    errors: list[ItemError] = field(default_factory=list)


@dataclass
class Plan:
    """Everything to write, in input order, and the outcome of every candidate."""

    new: list[NewLead] = field(default_factory=list)
    known: list[KnownLead] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    program_channels: dict[int, str] = field(default_factory=dict)


def chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    """Slices of at most `size`, for `IN (...)` lookups."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def absorb(state: dict[str, Any], data: LeadCreate) -> None:
    """Apply one item to a lead's values as capture_lead would: blanks never overwrite."""
    for name in PROFILE_FIELDS:
        value = getattr(data, name)
        if value is not None:
            state[name] = value
    if data.email and state.get("email") is None:
        state["email"] = data.email
    if data.source and state.get("source") is None:
        state["source"] = data.source
        state["external_id"] = data.external_id
    if data.do_not_contact:
        state["do_not_contact"] = True
    if data.properties:
        state["properties"] = {**(state.get("properties") or {}), **data.properties}


class Resolver:
    """Replays candidates against the identity index and collects the plan."""

    def __init__(self, session: Session, *, actor: Actor, any_stage: bool) -> None:
        self.session = session
        self.actor = actor
        self.any_stage = any_stage
        self.by_email: dict[str, NewLead | KnownLead] = {}
        self.by_ext: dict[tuple[str, str], NewLead | KnownLead] = {}
        self.touched: set[int] = set()
        self.plan = Plan()

    def run(self, candidates: list[Candidate]) -> Plan:
        """Resolve every candidate in order."""
        valid = self._check_references(candidates)
        self._load_existing(valid)
        for cand in valid:
            self.plan.outcomes.append(self._resolve(cand))
        return self.plan

    def _check_references(self, candidates: list[Candidate]) -> list[Candidate]:
        programs = sorted({c.data.program_id for c in candidates if c.data.program_id is not None})
        owners = sorted({c.data.owner_id for c in candidates if c.data.owner_id is not None})
        for part in chunks(programs):
            rows = self.session.execute(
                select(Program.id, Program.channel).where(Program.id.in_(part))
            )
            self.plan.program_channels.update(dict(rows.tuples().all()))
        known_owners: set[int] = set()
        for part in chunks(owners):
            known_owners.update(self.session.scalars(select(User.id).where(User.id.in_(part))))
        valid = []
        for cand in candidates:
            errors = []
            if cand.data.program_id is not None and (
                cand.data.program_id not in self.plan.program_channels
            ):
                errors.append(ItemError("program_id", f"unknown program {cand.data.program_id}"))
            if cand.data.owner_id is not None and cand.data.owner_id not in known_owners:
                errors.append(ItemError("owner_id", f"unknown user {cand.data.owner_id}"))
            if errors:
                self.plan.outcomes.append(Outcome(cand.index, INVALID, errors=errors))
            else:
                valid.append(cand)
        return valid

    def _load_existing(self, candidates: list[Candidate]) -> None:
        emails = sorted({c.data.email for c in candidates if c.data.email})
        by_source: dict[str, set[str]] = {}
        for c in candidates:
            if c.data.source and c.data.external_id:
                by_source.setdefault(c.data.source, set()).add(c.data.external_id)
        table = Lead.__table__
        found = bulk.select_in(self.session, table, COLUMNS, "email", emails)
        rows = {row[0]: row for row in found}
        more: set[int] = set()
        for source, external_ids in by_source.items():
            # (source, external_id) is the unique index: give both so the lookup uses it.
            ids = bulk.select_in(
                self.session,
                table,
                ("id",),
                "external_id",
                sorted(external_ids),
                equal={"source": source},
            )
            more.update(i for (i,) in ids if i not in rows)
        rows.update(
            (r[0], r) for r in bulk.select_in(self.session, table, COLUMNS, "id", sorted(more))
        )
        for row in rows.values():
            values = dict(zip(CHANGE_ORDER, row[1:], strict=True))
            self._register(KnownLead(lead_id=row[0], original=values, state=dict(values)))

    def _register(self, target: NewLead | KnownLead) -> None:
        state = target.state
        if state.get("email"):
            self.by_email.setdefault(state["email"], target)
        if state.get("source") and state.get("external_id"):
            self.by_ext.setdefault((state["source"], state["external_id"]), target)

    def _find(self, data: LeadCreate) -> NewLead | KnownLead | None:
        target = self.by_email.get(data.email) if data.email else None
        if target is None and data.source and data.external_id:
            target = self.by_ext.get((data.source, data.external_id))
        return target

    def _resolve(self, cand: Candidate) -> Outcome:
        data = cand.data
        target = self._find(data)
        if target is None:
            return self._create(cand)
        if data.source and data.external_id and target.state.get("source") is None:
            owner = self.by_ext.get((data.source, data.external_id))
            if owner is not None and owner is not target:
                message = (
                    f"source {data.source!r} and external_id {data.external_id!r} belong "
                    f"to another lead than e-mail {data.email}"
                )
                return Outcome(cand.index, INVALID, errors=[ItemError("external_id", message)])
        absorb(target.state, data)
        self._register(target)
        key = id(target)
        if key in self.touched:
            if isinstance(target, NewLead):
                target.merged = True
            return Outcome(cand.index, MERGED, target)
        self.touched.add(key)
        self.plan.known.append(target)  # only KnownLeads are untouched before this point
        return Outcome(cand.index, UPDATED, target)

    def _create(self, cand: Candidate) -> Outcome:
        data = cand.data
        if self.any_stage:
            stage = data.stage or "inquiry"
        else:
            try:
                stage = entry_stage(data, self.actor)
            except ValidationFailed as exc:
                return Outcome(cand.index, INVALID, errors=[ItemError("stage", exc.message)])
        state = {k: v for k, v in data.__dict__.items() if v is not None and k != "stage"}
        new = NewLead(state=state, stage=stage, created_at=cand.created_at, history=cand.history)
        self._register(new)
        self.touched.add(id(new))
        self.plan.new.append(new)
        return Outcome(cand.index, CREATED, new)


def resolve(
    session: Session, *, candidates: list[Candidate], actor: Actor, any_stage: bool = False
) -> Plan:
    """The plan for these valid items: new leads, updated leads and each item's outcome."""
    return Resolver(session, actor=actor, any_stage=any_stage).run(candidates)
