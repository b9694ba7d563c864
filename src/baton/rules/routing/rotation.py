"""Weighted round robin whose position survives members joining, leaving and taking leave.

Each member of a pool has a *position*: the leads they were given divided by their weight,
plus the start they were given on joining. The next lead goes to the available member with
the smallest position + 1/weight (their position after taking it), ties to the smaller user
id; over any run the shares follow the weights (2:1:1 gives exactly 50/25/25 per 4 leads).

The pool's *level* is the smallest position among the members available at the last
assignment; it never goes down. It is what keeps the rotation fair as the pool changes:
- a newcomer starts at the level (`join_position`), i.e. level with the least-served available
  member: not at zero, where they would take every lead until caught up, and not at the top,
  where they would wait;
- a member who was skipped (out of office, at capacity, outside hours, inactive) or removed
  and re-added comes back lifted to the level: they missed their turns, as in a round robin,
  and get no burst to catch up;
- nobody else's position changes when a member joins or leaves, so the others keep their
  order and relative shares;
- positions are in lead-per-weight units, so changing a member's weight changes only how
  fast they move from now on, never what they were given before.
Fairness bound: every available member's position stays within one step (1/min weight) of
the level, so over any run in which the same members are available, each one's count differs
from its weighted share by at most 2 * weight / min weight leads, newcomers included: no burst.
Positions are exact fractions, so ties and long runs do not drift.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from baton.rules.routing.model import Member, weight_fraction

ZERO = Fraction(0)


@dataclass(frozen=True)
class PoolRotation:
    """Where one pool's rotation stands: its level and each member's position."""

    level: Fraction = ZERO
    positions: Mapping[int, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Fraction(self.level))
        positions = {int(k): Fraction(v) for k, v in dict(self.positions).items()}
        object.__setattr__(self, "positions", MappingProxyType(positions))

    def position(self, user_id: int) -> Fraction:
        """A member's position as the next pick sees it: never below the level."""
        return max(self.positions.get(user_id, self.level), self.level)

    def to_spec(self) -> dict[str, Any]:
        """A JSON-friendly form ("7/2" strings) that `from_spec` reads back exactly."""
        return {
            "level": str(self.level),
            "positions": {str(k): str(v) for k, v in sorted(self.positions.items())},
        }

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "PoolRotation":
        """Read what `to_spec` wrote."""
        positions = {int(k): Fraction(v) for k, v in spec.get("positions", {}).items()}
        return cls(Fraction(spec.get("level", "0")), positions)


@dataclass(frozen=True)
class RotationState:
    """The rotation of every pool, by team id; routing returns a new one, never mutates."""

    pools: Mapping[int, PoolRotation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pools", MappingProxyType(dict(self.pools)))

    def pool(self, team_id: int) -> PoolRotation:
        """One pool's rotation; a pool never routed to starts empty at level 0."""
        return self.pools.get(team_id) or PoolRotation()

    def with_pool(self, team_id: int, pool: PoolRotation) -> "RotationState":
        """A copy with one pool replaced."""
        return RotationState({**self.pools, team_id: pool})

    def to_spec(self) -> dict[str, Any]:
        """A JSON-friendly form that `from_spec` reads back exactly."""
        return {str(k): v.to_spec() for k, v in sorted(self.pools.items())}

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "RotationState":
        """Read what `to_spec` wrote."""
        return cls({int(k): PoolRotation.from_spec(v) for k, v in spec.items()})


def join_position(pool: PoolRotation) -> Fraction:
    """Where a newcomer to the pool starts: at the pool's level (see the module docstring)."""
    return pool.level


def join_counter(pool: PoolRotation, weight: int | Fraction) -> Fraction:
    """The same start in leads: how many leads the newcomer is credited with on joining."""
    return join_position(pool) * weight_fraction(weight)


def pick(pool: PoolRotation, available: Sequence[Member]) -> tuple[Member, PoolRotation]:
    """The member who gets the next lead among `available` (not empty), and the new rotation."""
    if not available:
        raise ValueError("pick needs at least one available member")
    step = {m.user_id: 1 / weight_fraction(m.weight) for m in available}
    positions = dict(pool.positions)
    for member in available:  # newcomers and returning members join at the level
        positions[member.user_id] = pool.position(member.user_id)
    chosen = min(available, key=lambda m: (positions[m.user_id] + step[m.user_id], m.user_id))
    positions[chosen.user_id] += step[chosen.user_id]
    level = max(pool.level, min(positions[m.user_id] for m in available))
    return chosen, PoolRotation(level, positions)
