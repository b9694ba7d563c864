"""Impact of a playbook version beside another, before anyone signs it: preview and backtest.

Preview: the leads the MQL rule decides today — not erased, in stage inquiry, mql or
recycled (later stages are sales' to move, so a new definition does not move them) — are
read once column-wise (scoring_data.load_batch) and scored now under both versions
(score_batch); the report counts who would enter and leave MQL, by product interest,
channel and persona (the persona under the previewed version), and the grade distribution
before and after.

Backtest: leads whose outcome is known. Positive: the lead reached `won` (any stage change
to won). Negative: it never reached won and was lost, disqualified, or recycled after a
rejection (a change to recycled from mql or sal). Each version's MQL rule is evaluated AS OF
the decision time — the lead's first change to mql, else its last stage change — on the
events that occurred at or before that instant (the hand raiser that triggered an MQL is
known then; nothing later is), with the stage and last recycling the lead had then. Lead
facts (title, company size...) are today's: their history is not reconstructed. Erased
leads are left out (their facts are gone). Then tp = won and predicted MQL, fp = not won and
predicted, fn = won and not predicted, tn = not won and not predicted; precision =
tp / (tp + fp), recall = tp / (tp + fn), None when the denominator is 0. Each lead has its own
decision time (score_batch takes one `now`), so the backtest scores lead by lead with
score() (about 0.25 ms per lead and version); `limit` keeps the most recently closed leads.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from baton.models import Event, Lead, StageChange
from baton.rules.playbook import Playbook
from baton.rules.scoring import EventFacts, LeadFacts, score, score_batch
from baton.services.playbooks import active_playbook, get_version
from baton.services.scoring_data import event_facts, load_batch, with_where_masks

DECIDED_BY_MQL_RULE = ("inquiry", "mql", "recycled")
NEGATIVE_STAGES = ("lost", "disqualified")
REJECTED_FROM = ("mql", "sal")
BACKTEST_LIMIT = 20_000
_CHUNK = 5_000  # ids per IN (...) list: well under SQLite's variable limit


@dataclass(frozen=True)
class GroupChange:
    value: str | None
    leads: int
    enter: int
    leave: int


@dataclass(frozen=True)
class GradeCount:
    grade: str
    before: int
    after: int


@dataclass(frozen=True)
class Preview:
    leads: int
    mql_before: int
    mql_after: int
    enter: int
    leave: int
    by_product: list[GroupChange]
    by_channel: list[GroupChange]
    by_persona: list[GroupChange]
    grades: list[GradeCount]


@dataclass(frozen=True)
class BacktestResult:
    version: int
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        won = self.tp + self.fn
        return self.tp / won if won else None


@dataclass(frozen=True)
class Backtest:
    leads: int
    won: int
    not_won: int
    baseline: BacktestResult
    version: BacktestResult


@dataclass(frozen=True)
class Impact:
    version: int
    baseline: int
    at: datetime
    preview: Preview
    backtest: Backtest


def impact(
    session: Session,
    *,
    version: int,
    against: int | None = None,
    now: datetime,
    limit: int = BACKTEST_LIMIT,
) -> Impact:
    """Preview and backtest of `version` beside `against` (the active version by default)."""
    base_number, base = active_playbook(session, now=now)
    if against is not None:
        base_number, base = against, get_version(session, against)[1]
    new = get_version(session, version)[1]
    return Impact(
        version=version,
        baseline=base_number,
        at=now,
        preview=preview(session, before=base, after=new, now=now),
        backtest=backtest(session, versions=((base_number, base), (version, new)), limit=limit),
    )


def preview(session: Session, *, before: Playbook, after: Playbook, now: datetime) -> Preview:
    """Today's deciding leads scored under both playbooks: who enters and leaves MQL."""
    labels = _deciding_leads(session)
    old_mql, new_mql = np.zeros(0, bool), np.zeros(0, bool)
    old_grades: list[str] = []
    new_grades: list[str] = []
    personas: list[str | None] = []
    order: list[tuple[str | None, str | None]] = []
    if labels:
        batch = load_batch(session, lead_ids=list(labels), playbooks=[before, after])
        old = score_batch(batch.leads, batch.events, before, now)
        new = score_batch(batch.leads, with_where_masks(batch.events, after), after, now)
        old_mql, new_mql = old.is_mql, new.is_mql
        old_grades, new_grades, personas = old.grade, new.grade, new.persona
        order = [labels[i] for i in batch.lead_ids.tolist()]
    enter, leave = ~old_mql & new_mql, old_mql & ~new_mql

    def by(values: Sequence[str | None]) -> list[GroupChange]:
        groups: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
        for value, entered, left in zip(values, enter.tolist(), leave.tolist(), strict=True):
            counts = groups[value]
            counts[0] += 1
            counts[1] += entered
            counts[2] += left
        ordered = sorted(groups, key=lambda v: (v is None, v or ""))
        return [GroupChange(v, *groups[v]) for v in ordered]

    counted_before, counted_after = Counter(old_grades), Counter(new_grades)
    names = [b.grade for b in after.fit.grades]
    names += [b.grade for b in before.fit.grades if b.grade not in names]
    return Preview(
        leads=len(order),
        mql_before=int(old_mql.sum()),
        mql_after=int(new_mql.sum()),
        enter=int(enter.sum()),
        leave=int(leave.sum()),
        by_product=by([product for product, _ in order]),
        by_channel=by([channel for _, channel in order]),
        by_persona=by(personas),
        grades=[GradeCount(g, counted_before[g], counted_after[g]) for g in names],
    )


def backtest(
    session: Session, *, versions: Sequence[tuple[int, Playbook]], limit: int = BACKTEST_LIMIT
) -> Backtest:
    """Each version's MQL rule against known outcomes, as of each lead's decision time."""
    decided = _decided_leads(session, limit)
    ids = [lead_id for lead_id, _ in decided]
    facts: dict[int, LeadFacts] = {}
    if ids:
        batch = load_batch(session, lead_ids=ids, playbooks=[pb for _, pb in versions])
        facts = dict(zip(batch.lead_ids.tolist(), batch.leads, strict=True))
    events = _events_by_lead(session, ids)
    counts = [Counter() for _ in versions]
    won_total = 0
    for lead_id, decision in decided:
        won_total += decision.won
        lead = replace(facts[lead_id], stage=decision.stage, recycled_at=decision.recycled_at)
        known = [e for e in events.get(lead_id, ()) if e.occurred_at <= decision.at]
        for tally, (_, playbook) in zip(counts, versions, strict=True):
            predicted = score(lead, known, playbook, decision.at).is_mql
            tally[("t" if predicted == decision.won else "f") + ("p" if predicted else "n")] += 1
    results = [
        BacktestResult(n, c["tp"], c["fp"], c["fn"], c["tn"])
        for (n, _), c in zip(versions, counts, strict=True)
    ]
    return Backtest(len(decided), won_total, len(decided) - won_total, *results)


@dataclass(frozen=True)
class _Decision:
    won: bool
    at: datetime
    stage: str | None  # the stage the lead was in when it was decided
    recycled_at: datetime | None  # its last recycling before then


def _decided_leads(session: Session, limit: int) -> list[tuple[int, _Decision]]:
    """Leads with a known outcome (the `limit` most recently closed), with their decision."""
    outcome = or_(
        StageChange.to_stage.in_(("won", *NEGATIVE_STAGES)),
        and_(StageChange.to_stage == "recycled", StageChange.from_stage.in_(REJECTED_FROM)),
    )
    closed = func.max(StageChange.changed_at)
    ids = session.scalars(
        select(StageChange.lead_id)
        .join(Lead, Lead.id == StageChange.lead_id)
        .where(outcome, Lead.erased_at.is_(None))
        .group_by(StageChange.lead_id)
        .order_by(closed.desc(), StageChange.lead_id)
        .limit(limit)
    ).all()
    history: dict[int, list] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        rows = session.execute(
            select(
                StageChange.lead_id,
                StageChange.from_stage,
                StageChange.to_stage,
                StageChange.changed_at,
            )
            .where(StageChange.lead_id.in_(chunk))
            .order_by(StageChange.lead_id, StageChange.changed_at, StageChange.id)
        )
        for row in rows:
            history[row.lead_id].append(row)
    return [(lead_id, _decision(history[lead_id])) for lead_id in sorted(ids)]


def _decision(changes: list) -> _Decision:
    first_mql = next((c for c in changes if c.to_stage == "mql"), None)
    deciding = first_mql or changes[-1]
    recycled = [
        c.changed_at
        for c in changes
        if c.to_stage == "recycled" and c.changed_at < deciding.changed_at
    ]
    return _Decision(
        won=any(c.to_stage == "won" for c in changes),
        at=deciding.changed_at,
        stage=deciding.from_stage,
        recycled_at=max(recycled, default=None),
    )


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _deciding_leads(session: Session) -> dict[int, tuple[str | None, str | None]]:
    """The leads the MQL rule decides today: id -> (product interest, channel)."""
    rows = session.execute(
        select(Lead.id, Lead.product_interest, Lead.channel)
        .where(Lead.erased_at.is_(None), Lead.stage.in_(DECIDED_BY_MQL_RULE))
        .order_by(Lead.id)
    )
    return {lead_id: (product, channel) for lead_id, product, channel in rows}


def _events_by_lead(session: Session, ids: list[int]) -> dict[int, list[EventFacts]]:
    """Each lead's events with exact times (a decision instant is compared to them)."""
    found: dict[int, list[EventFacts]] = defaultdict(list)
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Event.lead_id, Event.id, Event.type, Event.occurred_at, Event.properties)
            .where(Event.lead_id.in_(chunk))
            .order_by(Event.lead_id, Event.occurred_at, Event.id)
        )
        for lead_id, *row in rows:
            found[lead_id].append(event_facts(*row))
    return found
