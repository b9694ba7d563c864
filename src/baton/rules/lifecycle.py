"""The lifecycle: stages of the demand waterfall and the moves allowed between them."""

from enum import StrEnum

from baton.errors import Forbidden, IllegalTransition, ValidationFailed


class Stage(StrEnum):
    INQUIRY = "inquiry"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"


STAGES: tuple[str, ...] = tuple(s.value for s in Stage)

# The funnel's main path, in order; the other stages are off it.
MAIN_PATH: tuple[str, ...] = ("inquiry", "mql", "sal", "sql", "opportunity", "won")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "inquiry": ("mql", "disqualified"),
    "mql": ("sal", "recycled", "disqualified"),
    "sal": ("sql", "recycled", "disqualified"),
    "sql": ("opportunity", "recycled", "disqualified"),
    "opportunity": ("won", "lost"),
    "won": (),
    "lost": ("recycled",),
    "recycled": ("mql", "disqualified"),
    "disqualified": ("inquiry",),
}

# Moves that only an admin may make (reopening a lead rejected for good).
ADMIN_ONLY: frozenset[tuple[str, str]] = frozenset({("disqualified", "inquiry")})

SALES_ROLES = frozenset({"sales_rep", "sales_manager"})


def allowed_next(stage: str, *, is_admin: bool = False) -> tuple[str, ...]:
    """The stages a lead in `stage` may move to, for this actor."""
    return tuple(to for to in TRANSITIONS[stage] if is_admin or (stage, to) not in ADMIN_ONLY)


def check_transition(from_stage: str, to_stage: str, *, is_admin: bool = False) -> None:
    """Refuse a move the lifecycle does not allow, naming the allowed next stages."""
    if to_stage not in TRANSITIONS:
        raise ValidationFailed(
            f"unknown stage {to_stage!r}; stages are {', '.join(STAGES)}",
            fields=[{"path": "stage", "message": "unknown stage"}],
        )
    if to_stage in TRANSITIONS[from_stage]:
        if (from_stage, to_stage) in ADMIN_ONLY and not is_admin:
            raise Forbidden(f"only an admin may move a lead from {from_stage} to {to_stage}")
        return
    allowed = allowed_next(from_stage, is_admin=is_admin)
    names = ", ".join(allowed) if allowed else "none (it is final)"
    raise IllegalTransition(
        f"a lead in {from_stage} cannot move to {to_stage}; allowed next: {names}"
    )


def entry_stages(role: str) -> tuple[str, ...]:
    """Where a new lead may enter the funnel: sales may create leads at sal or sql."""
    return ("inquiry", "sal", "sql") if role in SALES_ROLES or role == "admin" else ("inquiry",)
