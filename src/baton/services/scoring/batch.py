"""Many leads rescored at once, column-wise: after a bulk import, daily, or with another version.

Reads go through the raw driver (scoring_data.iter_batches), scores through score_batch(),
writes through the bulk path (writes.py); the numbers are those rescore_lead() stores.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Lead
from baton.rules.playbook import Playbook
from baton.rules.scoring import BatchScores, score_batch
from baton.services.auth import Actor
from baton.services.playbooks import active_playbook, get_version
from baton.services.scoring.incremental import QUALIFYING_STAGES, SCORING, mql_reason
from baton.services.scoring.writes import move_to_mql, read_stored, stamp, write_scores
from baton.services.scoring_data import DEFAULT_CHUNK, Batch, iter_batches, raw_connection

Progress = Callable[[int, int], None]  # (leads done, leads in all)


@dataclass
class RescoreSummary:
    """What a rescoring did, or with dry_run what it would do."""

    version: int
    active: bool  # scored with the active version: only then do leads move to mql
    dry_run: bool
    leads: int = 0
    events: int = 0  # events read (those of types the playbook scores)
    unscored: int = 0  # leads that had no stored score
    score_changed: int = 0  # fit or engagement differs at two decimals, or no stored score
    grade_changed: int = 0
    mql_gained: int = 0
    mql_lost: int = 0
    moved_to_mql: int = 0  # (dry run: would be) moved from inquiry or recycled to mql
    next_after_id: int | None = None  # where the next slice starts; None: no lead is left

    def add(self, other: "RescoreSummary") -> "RescoreSummary":
        """The counts of two slices of one rescoring together."""
        counts = {f: getattr(self, f) + getattr(other, f) for f in _COUNTS}
        return replace(self, **counts, next_after_id=other.next_after_id)


_COUNTS = (
    "leads",
    "events",
    "unscored",
    "score_changed",
    "grade_changed",
    "mql_gained",
    "mql_lost",
    "moved_to_mql",
)


def rescore_all(
    session: Session,
    *,
    now: datetime,
    actor: Actor = SCORING,
    version: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk: int = DEFAULT_CHUNK,
    after_id: int = -1,
    max_leads: int | None = None,
) -> RescoreSummary:
    """Rescore every lead (erased ones aside); the daily job keeps decayed scores current.

    With `version` other than the active one, scores are stored under that version for
    comparison and no lead changes stage. `dry_run` writes nothing and only counts.
    `after_id` and `max_leads` take one slice of the leads (by id): callers that run slices
    in separate transactions never hold SQLite's write lock for long, and continue from
    `summary.next_after_id`.
    """
    active, playbook = active_playbook(session, now=now)
    if version is not None and version != active:
        _, playbook = get_version(session, version)
    number = active if version is None else version
    summary = RescoreSummary(number, number == active, dry_run)
    total = session.scalar(select(func.count()).select_from(Lead).where(Lead.erased_at.is_(None)))
    batches = iter_batches(
        session, chunk=chunk, playbooks=[playbook], after_id=after_id, limit=max_leads
    )
    last = _rescore(
        session, batches, playbook, summary, now=now, actor=actor, total=total, on=progress
    )
    if max_leads is not None and summary.leads == max_leads:
        summary.next_after_id = last  # more may follow
    return summary


def rescore_leads(
    session: Session,
    *,
    lead_ids: Sequence[int],
    now: datetime,
    actor: Actor = SCORING,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> RescoreSummary:
    """What rescore_lead() does to each of these leads, done column-wise (bulk imports)."""
    version, playbook = active_playbook(session, now=now)
    summary = RescoreSummary(version, True, False)
    batches = iter_batches(session, lead_ids=lead_ids, chunk=chunk, playbooks=[playbook])
    total = len(set(lead_ids))
    _rescore(session, batches, playbook, summary, now=now, actor=actor, total=total, on=progress)
    return summary


def _rescore(
    session: Session,
    batches: Iterable[Batch],
    playbook: Playbook,
    summary: RescoreSummary,
    *,
    now: datetime,
    actor: Actor,
    total: int,
    on: Progress | None,
) -> int | None:
    """Score, store and move each batch; returns the last lead id seen."""
    raw, dialect = raw_connection(session)
    last = None
    scored_at = stamp(now, dialect)
    for batch in batches:
        scores = score_batch(batch.leads, batch.events, playbook, now)
        _count(summary, scores, read_stored(raw, dialect, batch.lead_ids))
        reasons = _reasons(scores)
        moves = []
        if summary.active:
            stages = np.array([lead.stage for lead in batch.leads], dtype=object)
            qualified = scores.is_mql & np.isin(stages, list(QUALIFYING_STAGES))
            moves = [
                (int(batch.lead_ids[i]), stages[i], mql_reason(summary.version, reasons[i]))
                for i in np.flatnonzero(qualified).tolist()
            ]
        summary.leads += len(batch.leads)
        summary.events += len(batch.events)
        if summary.dry_run:
            summary.moved_to_mql += len(moves)
        else:
            n = len(batch.leads)
            rows = zip(
                batch.lead_ids.tolist(),
                scores.fit.tolist(),
                scores.engagement.tolist(),
                scores.grade,
                scores.persona,
                scores.is_mql.tolist(),
                reasons,
                [summary.version] * n,
                [scored_at] * n,
                strict=True,
            )
            write_scores(raw, dialect, list(rows))
            summary.moved_to_mql += move_to_mql(
                raw, dialect, moves=moves, version=summary.version, actor=actor, now=now
            )
        if on is not None:
            on(summary.leads, total)
        last = int(batch.lead_ids[-1])
    if not summary.dry_run:
        session.expire_all()  # leads and scores loaded earlier were changed behind the ORM
    return last


def _count(summary: RescoreSummary, scores: BatchScores, old: dict[str, np.ndarray]) -> None:
    has = old["has"]
    differs = (np.round(scores.fit, 2) != np.round(old["fit"], 2)) | (
        np.round(scores.engagement, 2) != np.round(old["engagement"], 2)
    )
    grade = np.array(scores.grade, dtype=object)
    summary.unscored += int((~has).sum())
    summary.score_changed += int((~has | differs).sum())
    summary.grade_changed += int((has & (grade != old["grade"])).sum())
    summary.mql_gained += int((scores.is_mql & ~(has & old["is_mql"])).sum())
    summary.mql_lost += int((has & old["is_mql"] & ~scores.is_mql).sum())


def _reasons(scores: BatchScores) -> list[str | None]:
    """score()'s mql_reason for each MQL (None for the others); equal numbers share a wording."""
    reasons: list[str | None] = [None] * len(scores.grade)
    memo: dict[tuple, str] = {}
    new = scores.new_engagement
    for i in np.flatnonzero(scores.is_mql).tolist():
        if i in scores.raised:  # the wording names the hand-raiser event
            reasons[i] = scores.reason(i)
            continue
        recycled = None if np.isnan(new[i]) else float(new[i])  # NaN never equals itself
        key = (float(scores.fit[i]), scores.grade[i], float(scores.engagement[i]), recycled)
        found = memo.get(key)
        if found is None:
            found = memo[key] = scores.reason(i)
        reasons[i] = found
    return reasons
