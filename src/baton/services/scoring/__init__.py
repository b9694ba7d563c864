"""Scoring in the database: one lead in the transaction that changed it, many leads in bulk.

`rescore_lead` runs after every capture, edit, event and merge; `rescore_leads` after a bulk
import; `rescore_all` daily (the scheduler hook) and from `baton rescore`.
"""

from baton.services.scoring.batch import Progress, RescoreSummary, rescore_all, rescore_leads
from baton.services.scoring.incremental import (
    QUALIFYING_STAGES,
    SCORING,
    Explanation,
    explain_lead,
    mql_reason,
    rescore_lead,
    store_score,
)

__all__ = [
    "QUALIFYING_STAGES",
    "SCORING",
    "Explanation",
    "Progress",
    "RescoreSummary",
    "explain_lead",
    "mql_reason",
    "rescore_all",
    "rescore_lead",
    "rescore_leads",
    "store_score",
]
