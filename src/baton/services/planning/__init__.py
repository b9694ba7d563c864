"""Revenue planning: targets, the plan (reverse funnel, gap, uncertainty, mix), commitments."""

from baton.services.planning.commitment import CommitmentProposal, propose_commitment
from baton.services.planning.plan import Plan, build_plan
from baton.services.planning.targets import TargetList, list_targets

__all__ = [
    "CommitmentProposal",
    "Plan",
    "TargetList",
    "build_plan",
    "list_targets",
    "propose_commitment",
]
