"""Scoring: the playbook applied to a lead's facts and events, as pure functions.

`score()` scores one lead with every contribution explained; `score_batch()` and
`engagement_columnar()` give the same numbers for many leads at once, column-wise.
"""

from baton.rules.scoring.batch import BatchScores, score_batch
from baton.rules.scoring.columnar import EventColumns, engagement_columnar, local_days
from baton.rules.scoring.engagement import decay, score_engagement
from baton.rules.scoring.facts import CLOCK_SKEW, Contribution, EventFacts, LeadFacts, ScoreResult
from baton.rules.scoring.fit import FitResult, match_persona, score_fit
from baton.rules.scoring.fit_columnar import FitColumns, fit_columnar
from baton.rules.scoring.mql import hand_raiser, qualify, shown
from baton.rules.scoring.score import score

__all__ = [
    "CLOCK_SKEW",
    "BatchScores",
    "Contribution",
    "EventColumns",
    "EventFacts",
    "FitColumns",
    "FitResult",
    "LeadFacts",
    "ScoreResult",
    "decay",
    "engagement_columnar",
    "fit_columnar",
    "hand_raiser",
    "local_days",
    "match_persona",
    "qualify",
    "score",
    "score_batch",
    "score_engagement",
    "score_fit",
    "shown",
]
