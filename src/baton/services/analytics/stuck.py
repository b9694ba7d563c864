"""Stuck leads from the stored stays: p90 thresholds from the duration histograms, and the
open stays older than them (an indexed query per stage), with the lead's current owner."""

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Lead, StageStay, StayHistogram
from baton.rules.funnel import Stay
from baton.rules.funnel.histogram import histogram_quantiles


def stuck_thresholds(session: Session, q: float) -> dict[str, timedelta]:
    """The q-quantile of the calendar time of every completed stay, per stage (within a bin)."""
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    rows = session.execute(
        select(StayHistogram.stage, StayHistogram.bins).where(
            StayHistogram.grain == "month", StayHistogram.dim == "", StayHistogram.kind == "cal"
        )
    )
    for stage, stored in rows:
        bins = counts[stage]
        for b, n in json.loads(stored).items():
            bins[int(b)] = bins.get(int(b), 0) + n
    found = {stage: histogram_quantiles(bins, (q,))[0] for stage, bins in counts.items()}
    return {stage: value for stage, value in found.items() if value is not None}


def open_stays(session: Session, thresholds: Mapping[str, timedelta], now: datetime) -> list[Stay]:
    """Stays still open at `now` that began more than their stage's threshold before it."""
    out = []
    for stage, threshold in thresholds.items():
        query = (
            select(StageStay.lead_id, StageStay.entered_at, Lead.owner_id, Lead.team_id)
            .join(Lead, Lead.id == StageStay.lead_id)
            .where(StageStay.stage == stage, StageStay.left_at.is_(None))
            .where(StageStay.entered_at < now - threshold)
        )
        out += [
            Stay(lead, stage, entered, segments={"owner": owner, "team": team})
            for lead, entered, owner, team in session.execute(query)
        ]
    return out
