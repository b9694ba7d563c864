"""What routing decided and why, and the one-paragraph reason kept in the lead's history."""

from dataclasses import dataclass
from typing import Any, Literal

from baton.rules.routing.rotation import RotationState

Status = Literal["assigned", "queued"]


@dataclass(frozen=True)
class Skip:
    """A candidate passed over, by which rule, and why ("at capacity 20/20")."""

    user_id: int
    reason: str
    rule: str
    name: str = ""

    @property
    def label(self) -> str:
        """'Ana Lima (user 7)', or 'user 7' without a name."""
        return f"{self.name} (user {self.user_id})" if self.name else f"user {self.user_id}"


@dataclass(frozen=True)
class Decision:
    """Who gets the lead (or which team's queue holds it), by which rule, and who was skipped.

    `notes` say why each earlier rule did not take the lead; `detail` why the matching one
    did; `rotation` is the new rotation state (the input one when no pool assignment was made).
    """

    lead_id: int
    status: Status
    owner_id: int | None
    team_id: int
    pool: str
    rule: str
    manager_id: int | None
    rotation: RotationState
    skipped: tuple[Skip, ...] = ()
    notes: tuple[str, ...] = ()
    detail: str = ""
    owner_name: str = ""

    def as_record(self) -> dict[str, Any]:
        """A JSON-friendly record for the lead's history (without the rotation state)."""
        return {
            "lead_id": self.lead_id,
            "status": self.status,
            "owner_id": self.owner_id,
            "team_id": self.team_id,
            "pool": self.pool,
            "rule": self.rule,
            "manager_id": self.manager_id,
            "skipped": [
                {"user_id": s.user_id, "name": s.name, "rule": s.rule, "reason": s.reason}
                for s in self.skipped
            ],
            "notes": list(self.notes),
            "detail": self.detail,
            "explanation": explain(self),
        }


_RULE_WORDS = {
    "account_owner": "as the owner of the lead's account",
    "partner": "as the partner's manager",
    "territory": "by territory",
    "fallback": "by the fallback rule",
}


def explain(decision: Decision) -> str:
    """One paragraph saying who got the lead (or which queue holds it) and why."""
    owner = _owner(decision)
    how = _RULE_WORDS.get(decision.rule, f"by rule {decision.rule}")
    why = f" ({decision.detail})" if decision.detail else ""
    if decision.status == "assigned":
        pool = f"the {decision.pool} rotation" if decision.rule in ("territory", "fallback") else ""
        picked = f", picked next by {pool}" if pool else ""
        first = f"Assigned to {owner} in team {decision.pool} {how}{why}{picked}."
    else:
        manager = f" (user {decision.manager_id})" if decision.manager_id else ""
        nobody = (
            "nobody in the team was available"
            if any(s.rule == decision.rule for s in decision.skipped)
            else "the team has no members"
        )
        first = (
            f"Queued in team {decision.pool} {how}{why} for its manager{manager} to assign: "
            f"{nobody}."
        )
    sentences = [first]
    pool_skips = [s for s in decision.skipped if s.rule == decision.rule]
    if pool_skips:
        listed = "; ".join(f"{s.label}: {s.reason}" for s in pool_skips)
        sentences.append(f"Skipped {listed}.")
    if decision.notes:
        sentences.append("Before that: " + "; ".join(decision.notes) + ".")
    return " ".join(sentences)


def _owner(decision: Decision) -> str:
    if decision.owner_name:
        return f"{decision.owner_name} (user {decision.owner_id})"
    return f"user {decision.owner_id}"
