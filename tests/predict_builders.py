"""Leads with a past: field changes, stage history and events, for predictive scoring."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Event, Lead, LeadChange, LeadPrediction, ModelVersion, StageChange

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the `clock` fixture's time
_seq = count(1)


def history_lead(
    session: Session,
    *,
    created: datetime = T0,
    fields: dict[str, Any] | None = None,
    properties: dict[str, Any] | None = None,
    mql_at: datetime | None = None,
    won_at: datetime | None = None,
    lost_at: datetime | None = None,
    events: Sequence[tuple[str, datetime]] = (),
    changes: Sequence[tuple[str, Any, datetime]] = (),
) -> Lead:
    """A lead created at `created` with a '*' row, then `changes` (field, new value, at)
    applied to it, stage moves to mql / won / disqualified at the given times, and events."""
    initial = dict(fields or {}) | {"properties": dict(properties or {})}
    lead = Lead(
        email=None,
        source="test",
        external_id=f"history-{next(_seq)}",
        stage="inquiry",
        created_at=created,
        updated_at=created,
        **initial,
    )
    session.add(lead)
    session.flush()
    rows = [LeadChange(lead_id=lead.id, field="*", new_value=initial, via="test",
                       changed_at=created)]  # fmt: skip
    props = dict(lead.properties)
    for field, value, at in changes:
        rows.append(LeadChange(lead_id=lead.id, field=field, new_value=value, via="test",
                               changed_at=at))  # fmt: skip
        if field.startswith("properties."):
            props[field.removeprefix("properties.")] = value
        else:
            setattr(lead, field, value)
    lead.properties = props
    path = [("inquiry", created)]
    if mql_at is not None:
        path.append(("mql", mql_at))
    if won_at is not None:
        path += [("sal", won_at), ("sql", won_at), ("opportunity", won_at), ("won", won_at)]
    if lost_at is not None:
        path.append(("disqualified", lost_at))
    previous = None
    for stage, at in path:
        rows.append(StageChange(lead_id=lead.id, from_stage=previous, to_stage=stage,
                                changed_at=at, via="test"))  # fmt: skip
        previous = stage
    lead.stage = previous
    rows += [
        Event(lead_id=lead.id, type=kind, occurred_at=at, properties={}, created_at=at)
        for kind, at in events
    ]
    session.add_all(rows)
    session.flush()
    return lead


def outcome_leads(
    session: Session,
    n: int = 80,
    *,
    seed: int = 1,
    product: str | None = "analytics",
    start: datetime = T0,
) -> list[Lead]:
    """`n` MQLs over ~120 days whose chance of winning rises with their `budget` property and
    their demo requests: half won within 30 days of MQL, half disqualified. Closed by NOW."""
    rng = np.random.default_rng(seed)
    leads = []
    for i in range(n):
        budget = float(rng.uniform(0, 100))
        demos = int(rng.integers(0, 3))
        won = rng.random() < 1 / (1 + np.exp(-(budget - 50) / 10 - (demos - 1)))
        created = start + timedelta(days=i * 120 / n)
        mql = created + timedelta(days=2)
        events = [("demo_request", created + timedelta(days=1, hours=k)) for k in range(demos)]
        leads.append(
            history_lead(
                session,
                created=created,
                fields={"channel": "web", "product_interest": product},
                properties={"budget": round(budget, 1)},
                mql_at=mql,
                won_at=mql + timedelta(days=20) if won else None,
                lost_at=None if won else mql + timedelta(days=5),
                events=events,
            )
        )
    return leads


def store_probability(session: Session, lead: Lead, probability: float) -> LeadPrediction:
    """A stored prediction for a lead (under a placeholder model version)."""
    version = session.scalar(select(ModelVersion).where(ModelVersion.kind == "test"))
    if version is None:
        version = ModelVersion(kind="test", segment="global", horizon_days=180, created_at=T0,
                               window_from=T0, window_to=T0, n_train=0, n_valid=0, positives=0,
                               metrics={}, feature_spec={}, model=b"", active=False)  # fmt: skip
        session.add(version)
        session.flush()
    row = LeadPrediction(lead_id=lead.id, model_version_id=version.id, probability=probability,
                         top_features=[], scored_at=T0)  # fmt: skip
    session.add(row)
    session.flush()
    return row
