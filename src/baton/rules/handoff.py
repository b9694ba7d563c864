"""Sales answers as pure rules: who may act on a lead, in which stages, and working status."""

from dataclasses import dataclass
from enum import StrEnum

from baton.errors import Forbidden, IllegalTransition
from baton.rules.lifecycle import allowed_next


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    ATTEMPT = "attempt"
    CONNECT = "connect"
    QUALIFY = "qualify"
    REASSIGN = "reassign"
    OPEN_OPPORTUNITY = "open_opportunity"
    UPDATE_OPPORTUNITY = "update_opportunity"
    CLOSE_OPPORTUNITY = "close_opportunity"


# The stages in which each lead action makes sense. Accept, reject and qualify also move the
# lead, so the lifecycle must allow their move; the others leave the stage alone. Editing and
# closing a deal depend on the deal being open, not on the lead's stage (a sibling deal may
# have moved the lead on), so they are not listed.
ACTION_STAGES: dict[Action, tuple[str, ...]] = {
    Action.ACCEPT: ("mql",),
    Action.REJECT: ("mql", "sal", "sql"),
    Action.ATTEMPT: ("mql", "sal", "sql"),
    Action.CONNECT: ("mql", "sal"),
    Action.QUALIFY: ("sal",),
    Action.REASSIGN: ("mql", "sal", "sql", "opportunity"),
    Action.OPEN_OPPORTUNITY: ("sql", "opportunity"),
}

# Reassigning is a manager's decision: the owner may not hand a lead to someone else.
MANAGER_ONLY: frozenset[Action] = frozenset({Action.REASSIGN})

WORKING_STATUSES = ("new", "attempting", "connected", "qualified", "rejected")
ATTEMPT_CHANNELS = ("call", "email", "social", "meeting")
ATTEMPT_OUTCOMES = ("no_answer", "left_message", "connected", "bounced", "wrong_number")


@dataclass(frozen=True)
class Acting:
    """Who wants to act: their user id (None for the system or the CLI) and role."""

    user_id: int | None
    role: str


@dataclass(frozen=True)
class Holding:
    """Who holds the lead: its owner, the manager of the team whose pool has it, and for an
    action on a deal, the deal's owner (who may differ once the lead was reassigned)."""

    owner_id: int | None
    manager_id: int | None
    deal_owner_id: int | None = None

    def owned_by(self, user_id: int | None) -> bool:
        """Whether this user owns the lead (or the deal acted on)."""
        return user_id is not None and user_id in (self.owner_id, self.deal_owner_id)


def refusal(action: Action, who: Acting, lead: Holding) -> str | None:
    """Why `who` may not take `action` on the lead, or None when they may.

    Admins may always act; the manager of the lead's team may take every action; the owner
    (of the lead, or of the deal acted on) every action but the manager-only ones. Nobody
    else, whatever their role.
    """
    if who.role == "admin" or (who.user_id is not None and who.user_id == lead.manager_id):
        return None
    if action in MANAGER_ONLY:
        return f"only the manager of the lead's team or an admin may {action.value}"
    if lead.owned_by(who.user_id):
        return None
    return "only the lead's owner, the manager of its team or an admin may act on this lead"


def check_may_act(action: Action, who: Acting, lead: Holding) -> None:
    """Raise Forbidden (403) when `who` may not take `action` on the lead."""
    reason = refusal(action, who, lead)
    if reason is not None:
        raise Forbidden(reason)


def allowed_actions(stage: str) -> tuple[str, ...]:
    """The lead actions a lead in `stage` allows, in a fixed order."""
    return tuple(a.value for a, stages in ACTION_STAGES.items() if stage in stages)


def check_stage(action: Action, stage: str) -> None:
    """Raise IllegalTransition (409) naming what a lead in `stage` allows instead."""
    if stage in ACTION_STAGES.get(action, (stage,)):
        return
    actions = ", ".join(allowed_actions(stage)) or "none"
    nexts = ", ".join(allowed_next(stage)) or "none (it is final)"
    where = ", ".join(ACTION_STAGES[action])
    raise IllegalTransition(
        f"a lead in {stage} does not allow {action.value} (only in {where}); "
        f"allowed actions: {actions}; allowed next stages: {nexts}"
    )


def after_attempt(status: str | None, outcome: str) -> str | None:
    """The working status after an attempt: never backwards, `connected` on a connection.

    A lead already qualified or rejected keeps its status (attempts on an SQL are follow-ups).
    """
    if status in ("qualified", "rejected"):
        return status
    if outcome == "connected":
        return "connected"
    return "connected" if status == "connected" else "attempting"


def after_accept(status: str | None) -> str:
    """The working status after acceptance: work already begun is kept, else `new`."""
    return status if status in ("attempting", "connected") else "new"
