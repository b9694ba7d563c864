"""The two-way SLA in the database: clocks (the hand-off's hooks), the sweep, marketing's
commitments and the compliance reports."""

from baton.services.sla.clocks import (
    lead_clocks,
    on_accepted,
    on_assigned,
    on_attempt,
    on_disposition,
    on_rejected,
)
from baton.services.sla.sweep import (
    LEASE,
    Claim,
    SweepSummary,
    act_on_claim,
    claim_due,
    sweep_job,
    sweep_sla,
)

__all__ = [
    "LEASE",
    "Claim",
    "SweepSummary",
    "act_on_claim",
    "claim_due",
    "lead_clocks",
    "on_accepted",
    "on_assigned",
    "on_attempt",
    "on_disposition",
    "on_rejected",
    "sweep_job",
    "sweep_sla",
]
