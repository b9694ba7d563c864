"""Scoring leads with the active models: one lead on demand, every lead in slices.

A lead is scored by its segment's active model when the segment has one, else by the
global one. It is scored as of its decision time, as the models learned: its first MQL
(fields replayed, events before it), or now for a lead not yet an MQL (as if it became one
now). So a lead's probability is the one it had at hand-off, not one inflated by what
happened since (a lead deep in the pipeline would otherwise look unlike anything trained
on). Predictions are written through `baton.bulk` (delete, then insert the slice's rows).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from baton import bulk
from baton.errors import Conflict, NotFound
from baton.models import Lead, LeadPrediction, LeadScore, ModelVersion
from baton.rules import predict as rules
from baton.rules.predict.explain import top_features
from baton.services.predict.data import (
    current_fields,
    decision_times,
    engagement_at,
    fields_at,
    segment_of,
)
from baton.services.predict.store import active_versions, load_model
from baton.services.predict.training import declared_types

COLUMNS = ("lead_id", "model_version_id", "probability", "top_features", "scored_at")


@dataclass
class Scored:
    lead_id: int
    version: ModelVersion
    probability: float
    top: list[dict[str, Any]]
    features: dict[str, Any]


def _models(session: Session) -> dict[str, ModelVersion]:
    versions = active_versions(session)
    if rules.GLOBAL not in versions:
        raise Conflict("no active global model: run `baton predict train --activate`")
    return versions


def _by(versions: dict[str, ModelVersion]) -> str | None:
    kinds = {s.split(":", 1)[0] for s in versions if s != rules.GLOBAL}
    return next(iter(kinds)) if len(kinds) == 1 else None


def score_leads(
    session: Session, *, lead_ids: Sequence[int], now: datetime, explain: bool = True
) -> list[Scored]:
    """Probabilities (and top features) of these leads now; nothing is written."""
    versions = _models(session)
    by = _by(versions)
    declared = declared_types(session, now=now)
    current = current_fields(session, lead_ids)
    times = decision_times(session, list(current), now=now)
    fields = fields_at(session, times, current)
    engagement = engagement_at(session, list(current), now=now)
    groups: dict[str, list[int]] = {}
    rows: dict[int, dict[str, Any]] = {}
    for lead_id, f in fields.items():
        created = current[lead_id]["created_at"]
        rows[lead_id] = rules.feature_row(
            f, engagement[lead_id], at=times[lead_id], created_at=created, declared=declared
        )
        segment = segment_of(f, by, current[lead_id])
        groups.setdefault(segment if segment in versions else rules.GLOBAL, []).append(lead_id)
    out = []
    for segment, ids in groups.items():
        version = versions[segment]
        model = load_model(version)
        X = model.matrix(rules.columns_of([rows[i] for i in ids]), len(ids))
        probabilities = model.predict_matrix(X)
        tops = top_features(model, X) if explain else [[] for _ in ids]
        for lead_id, p, top in zip(ids, probabilities, tops, strict=True):
            feats = rows[lead_id]
            shown = [
                {
                    "feature": c.feature,
                    "value": _shown(feats.get(c.feature)),
                    "weight": c.contribution,
                }
                for c in top
            ]
            out.append(Scored(lead_id, version, float(p), shown, feats))
    return sorted(out, key=lambda s: s.lead_id)


def _shown(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return round(float(value), 3)
    return value


def store_predictions(session: Session, scored: Iterable[Scored], *, now: datetime) -> int:
    """Replace these leads' stored predictions (bulk delete, then bulk insert)."""
    scored = list(scored)
    ids = [s.lead_id for s in scored]
    for start in range(0, len(ids), 2_000):
        session.execute(
            delete(LeadPrediction).where(LeadPrediction.lead_id.in_(ids[start : start + 2_000]))
        )
    enc = bulk.encoders(session)
    at = enc.datetime(now)
    rows = ((s.lead_id, s.version.id, s.probability, enc.json(s.top), at) for s in scored)
    return bulk.insert_rows(session, LeadPrediction.__table__, COLUMNS, rows)


def explain_lead(session: Session, *, lead_id: int, now: datetime) -> Scored:
    """One lead's probability and top features now; nothing is written."""
    if session.get(Lead, lead_id) is None:
        raise NotFound(f"lead {lead_id} does not exist")
    scored = score_leads(session, lead_ids=[lead_id], now=now)
    if not scored:
        raise NotFound(f"lead {lead_id} has been erased")
    return scored[0]


def score_lead(session: Session, *, lead_id: int, now: datetime) -> Scored:
    """Score one lead now and store its prediction (e.g. right after intake)."""
    scored = explain_lead(session, lead_id=lead_id, now=now)
    store_predictions(session, [scored], now=now)
    return scored


@dataclass
class ScoreSlice:
    scored: int
    next_after_id: int | None
    total: int


def score_all(
    session: Session,
    *,
    now: datetime,
    after_id: int = 0,
    max_leads: int = 20_000,
    explain: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ScoreSlice:
    """Score the next `max_leads` leads after `after_id` (callers commit between slices)."""
    _models(session)
    live = Lead.erased_at.is_(None)
    total = session.scalar(select(func.count()).where(live)) or 0
    ids = list(
        session.scalars(
            select(Lead.id).where(live, Lead.id > after_id).order_by(Lead.id).limit(max_leads)
        )
    )
    if not ids:
        return ScoreSlice(0, None, total)
    written = store_predictions(
        session, score_leads(session, lead_ids=ids, now=now, explain=explain), now=now
    )
    if progress:
        progress(written)
    return ScoreSlice(written, ids[-1] if len(ids) == max_leads else None, total)


def get_prediction(session: Session, lead_id: int) -> LeadPrediction:
    """A lead's stored prediction (404 when it has none yet)."""
    row = session.get(LeadPrediction, lead_id)
    if row is None:
        if session.get(Lead, lead_id) is None:
            raise NotFound(f"lead {lead_id} does not exist")
        raise NotFound(f"lead {lead_id} has no prediction yet: run `baton predict score`")
    return row


@dataclass
class PredictionView:
    """A lead's stored prediction and its rule score beside it."""

    prediction: LeadPrediction
    rule: LeadScore | None


def prediction_view(session: Session, lead_id: int) -> PredictionView:
    """The stored prediction of a lead with its stored rule score (404 without one)."""
    return PredictionView(get_prediction(session, lead_id), session.get(LeadScore, lead_id))


def refresh_prediction(session: Session, *, lead_id: int, now: datetime) -> PredictionView:
    """Score the lead now, store it, and return the view."""
    score_lead(session, lead_id=lead_id, now=now)
    session.flush()
    session.expire_all()  # the row was replaced below the ORM
    return prediction_view(session, lead_id)
