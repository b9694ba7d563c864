"""score_batch(): score() for many leads at once, computed column-wise."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from baton.rules.playbook import Playbook
from baton.rules.scoring.columnar import EventColumns, engagement_columnar
from baton.rules.scoring.engagement import DAY, SKEW_DAYS
from baton.rules.scoring.facts import EventFacts, LeadFacts
from baton.rules.scoring.fit_columnar import fit_columnar
from baton.rules.scoring.mql import qualify


@dataclass(frozen=True)
class BatchScores:
    """Scores of many leads, position i for leads[i] (contributions are left out)."""

    fit: np.ndarray
    engagement: np.ndarray
    new_engagement: np.ndarray  # NaN for leads never recycled
    grade: list[str]
    persona: list[str | None]
    is_mql: np.ndarray
    playbook: Playbook = field(repr=False)
    raised: dict[int, EventFacts] = field(repr=False)  # each lead's counting hand raiser
    probability: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))  # NaN: none

    def reason(self, i: int) -> str:
        """score()'s mql_reason for lead i (worded on demand: most are never read)."""
        new = self.new_engagement[i]
        return qualify(
            fit=float(self.fit[i]),
            grade=self.grade[i],
            engagement=float(self.engagement[i]),
            new_engagement=None if np.isnan(new) else float(new),
            raised=self.raised.get(i),
            playbook=self.playbook,
            probability=_maybe(self.probability, i),
        )[1]


def score_batch(
    leads: Sequence[LeadFacts], events: EventColumns, playbook: Playbook, now: datetime
) -> BatchScores:
    """What score() gives each lead, with one pass per rule over all events."""
    n = len(leads)
    fits = fit_columnar(leads, playbook)
    engagement = engagement_columnar(events, n, playbook, now)
    recycled = np.array(
        [np.nan if lead.recycled_at is None else lead.recycled_at.timestamp() for lead in leads]
    )
    lead_index = np.asarray(events.lead, dtype=np.int64)
    after = np.asarray(events.occurred, dtype=np.float64) > recycled[lead_index]
    new = engagement_columnar(events, n, playbook, now, include=after)
    new[np.isnan(recycled)] = np.nan
    raised = _hand_raisers(events, recycled, playbook, now)
    probability = np.array(
        [np.nan if lead.probability is None else lead.probability for lead in leads], dtype=float
    )
    is_mql = _is_mql(fits.fit, fits.grade, engagement, new, raised, playbook, probability)
    return BatchScores(
        fits.fit, engagement, new, fits.grade, fits.persona, is_mql, playbook, raised, probability
    )


def _maybe(values: np.ndarray, i: int) -> float | None:
    if i >= values.size or np.isnan(values[i]):
        return None
    return float(values[i])


def _is_mql(
    fit: np.ndarray,
    grade: list[str],
    engagement: np.ndarray,
    new: np.ndarray,
    raised: dict[int, EventFacts],
    playbook: Playbook,
    probability: np.ndarray,
) -> np.ndarray:
    """qualify()'s decision, vectorised."""
    mql, n = playbook.mql, fit.size
    met = np.full(n, mql.has_thresholds())
    if mql.fit_min is not None:
        met &= fit >= mql.fit_min
    if mql.engagement_min is not None:
        met &= engagement >= mql.engagement_min
    if mql.grades is not None:
        met &= np.isin(np.array(grade, dtype=object), mql.grades)
    with np.errstate(invalid="ignore"):  # NaN: never recycled; NaN probability: none stored
        met &= np.isnan(new) | (new >= mql.requalify_min_new_engagement)
        if mql.probability_min is not None:
            met &= probability >= mql.probability_min
    hand = np.zeros(n, dtype=bool)
    hand[list(raised)] = True
    if mql.hand_raiser_fit_min is not None:
        hand &= fit >= mql.hand_raiser_fit_min
    return met | hand


def _hand_raisers(
    events: EventColumns, recycled: np.ndarray, playbook: Playbook, now: datetime
) -> dict[int, EventFacts]:
    """Each lead's latest hand-raiser event that counts, as hand_raiser() would pick it."""
    mql = playbook.mql
    if not mql.hand_raisers or len(events) == 0:
        return {}
    names = events.type if events.vocabulary is None else np.asarray(events.vocabulary)[events.type]
    lead = np.asarray(events.lead, dtype=np.int64)
    occurred = np.asarray(events.occurred, dtype=np.float64)
    age = (now.timestamp() - occurred) / DAY
    mask = np.isin(names, list(mql.hand_raisers)) & (age >= -SKEW_DAYS)
    mask &= ~(occurred <= recycled[lead])  # NaN (never recycled) compares False
    if mql.hand_raiser_within_days is not None:
        mask &= age <= mql.hand_raiser_within_days
    latest: dict[int, tuple[float, str]] = {}
    for j in np.flatnonzero(mask):
        candidate = (float(occurred[j]), str(names[j]))
        if candidate > latest.get(int(lead[j]), (-np.inf, "")):
            latest[int(lead[j])] = candidate
    return {
        i: EventFacts(kind, datetime.fromtimestamp(when, UTC)) for i, (when, kind) in latest.items()
    }
