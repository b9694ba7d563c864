"""From plan to agreement: the MQLs per product per month the plan needs, proposed as a new
playbook version with marketing's commitments changed (signed and activated as usual).

For each product with a target in the period, the company-wide plan's MQLs to create (the
gap's, shifted by velocity) divided by the months they are spread over, rounded up, become
the product's `sla.marketing.commitments` line (commitments are per product, not per team).
Products without a target keep their commitment.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Forbidden, ValidationFailed
from baton.models import PlaybookVersion
from baton.rules.planning.commitment import monthly_commitment, with_commitments
from baton.rules.planning.whatif import WhatIf
from baton.services import playbooks
from baton.services.auth import Actor
from baton.services.planning.plan import build_plan
from baton.services.planning.scope import plan_scope, target_of

DRAWS = 1_000  # the proposal needs the months, not the uncertainty


@dataclass(frozen=True)
class CommitmentLine:
    """One product: the MQLs per month proposed, the one it replaces, the plan's MQLs."""

    product: str
    mqls_per_month: int
    previous: int | None
    plan_mqls: float
    months: list[str]


@dataclass(frozen=True)
class CommitmentProposal:
    """The proposed playbook version and what it changes."""

    version: PlaybookVersion
    period: str
    lines: list[CommitmentLine]


def propose_commitment(
    session: Session, *, period: str, whatif: WhatIf | None = None, note: str | None = None,
    actor: Actor, now: datetime,
) -> CommitmentProposal:  # fmt: skip
    """Propose the next playbook version with the plan's MQL commitments per product."""
    if actor.role not in playbooks.PROPOSER_ROLES:
        raise Forbidden(
            f"proposing a playbook needs the role {' or '.join(playbooks.PROPOSER_ROLES)}"
        )
    _, playbook = playbooks.active_playbook(session, now=now)
    lines = []
    for product in playbook.products:
        scope = plan_scope(session, playbook, period=period, team=None, product=product)
        try:
            target_of(scope, playbook)
        except ValidationFailed:
            continue  # no target for this product: its commitment stays
        plan = build_plan(session, period=period, product=product, whatif=whatif, draws=DRAWS,
                          now=now)  # fmt: skip
        try:
            volume = monthly_commitment(plan.months)
        except ValueError as exc:
            raise ValidationFailed(
                f"{product}: {exc}", fields=[{"path": "product", "message": str(exc)}]
            ) from None
        total = sum(m.mqls or 0.0 for m in plan.months)
        lines.append(
            CommitmentLine(product, volume, playbook.sla.marketing.commitment_for(product),
                           total, sorted({m.month for m in plan.months}))
        )  # fmt: skip
    if not lines:
        raise ValidationFailed(
            f"the playbook has no target for {period}: nothing to plan a commitment from",
            fields=[{"path": "period", "message": "no targets in this period"}],
        )
    text = session.scalar(
        select(PlaybookVersion.document).where(PlaybookVersion.status == "active")
    )
    new_text = with_commitments(text, {line.product: line.mqls_per_month for line in lines})
    summary = ", ".join(f"{x.product} {x.mqls_per_month}/month" for x in lines)
    row = playbooks.propose(
        session, text=new_text, actor=actor, now=now,
        note=note or f"MQL commitments from the revenue plan for {period}: {summary}",
    )  # fmt: skip
    return CommitmentProposal(row, period, lines)


__all__ = ["CommitmentLine", "CommitmentProposal", "propose_commitment"]
