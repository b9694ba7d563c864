"""Routing: which rep (or which team's queue) gets a lead, and why. Pure.

`route(lead, teams, config, rotation, now)` applies the configured rules in order, first match
wins (account owner -> partner manager -> territory pool -> fallback queue), and returns a
`Decision` with the new rotation state; `explain(decision)` is its reason in one paragraph.
Territory precedence is in territory.py, the weighted rotation in rotation.py.
"""

from baton.rules.routing.availability import back_from_leave, unavailable_reason
from baton.rules.routing.decision import Decision, Skip, explain
from baton.rules.routing.model import (
    RULES,
    InvalidRouting,
    LeadToRoute,
    Member,
    RoutingConfig,
    SizeSegment,
    Team,
    Territory,
)
from baton.rules.routing.rotation import (
    PoolRotation,
    RotationState,
    join_counter,
    join_position,
    pick,
)
from baton.rules.routing.route import route
from baton.rules.routing.territory import covers, specificity, territory_team

__all__ = [
    "RULES",
    "Decision",
    "InvalidRouting",
    "LeadToRoute",
    "Member",
    "PoolRotation",
    "RotationState",
    "RoutingConfig",
    "SizeSegment",
    "Skip",
    "Team",
    "Territory",
    "back_from_leave",
    "covers",
    "explain",
    "join_counter",
    "join_position",
    "pick",
    "route",
    "specificity",
    "territory_team",
    "unavailable_reason",
]
