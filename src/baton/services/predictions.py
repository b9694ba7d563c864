"""Stored probabilities for other services (routing order, the revenue plan): a read of
the lead_predictions table, nothing is computed. It lives outside `services/predict/` so
that reading a probability never imports scikit-learn (routing runs in every request)."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import LeadPrediction

CHUNK = 2_000


def predicted_probabilities(session: Session, lead_ids: Iterable[int]) -> dict[int, float]:
    """The stored probability of winning of each of these leads that has one."""
    ids = sorted(set(lead_ids))
    out: dict[int, float] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(LeadPrediction.lead_id, LeadPrediction.probability).where(
            LeadPrediction.lead_id.in_(ids[start : start + CHUNK])
        )
        out.update(session.execute(query).tuples().all())
    return out
