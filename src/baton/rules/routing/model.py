"""What routing reads: the lead, the teams with their territories and members, the config."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from baton.errors import ValidationFailed
from baton.rules.calendar import BusinessCalendar

# Every rule name a config may list; "partner" is the hook for partner managers (#10).
RULES: tuple[str, ...] = ("account_owner", "partner", "territory", "fallback")
Weight = int | Fraction | Decimal | float


class InvalidRouting(ValidationFailed):
    """Routing inputs that cannot be used; `fields` name the offending part."""

    code = "invalid_routing"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}", fields=[{"path": path, "message": message}])


@dataclass(frozen=True)
class LeadToRoute:
    """The facts of a lead that routing looks at."""

    lead_id: int
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None  # state or region, e.g. "CA" or "US-CA"
    product: str | None = None
    employees: int | None = None
    email_domain: str | None = None
    account_owner_id: int | None = None  # the owner of the lead's matched account, if any
    partner_key: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Member:
    """A rep in a team's pool, with what decides whether they can take a lead now."""

    user_id: int
    team_id: int
    weight: Weight = 1
    capacity: int | None = None  # max open leads; None = no limit
    open_leads: int = 0
    active: bool = True
    out_of_office: tuple[tuple[datetime, datetime], ...] = ()  # [start, end) periods
    calendar: BusinessCalendar | None = None  # working hours; None = always in hours
    name: str = ""

    def __post_init__(self) -> None:
        if not weight_fraction(self.weight) > 0:
            raise InvalidRouting("weight", f"must be greater than 0, got {self.weight}")
        if self.capacity is not None and self.capacity < 0:
            raise InvalidRouting("capacity", f"must not be negative, got {self.capacity}")
        if self.open_leads < 0:
            raise InvalidRouting("open_leads", f"must not be negative, got {self.open_leads}")
        periods = tuple(tuple(p) for p in self.out_of_office)
        for n, (start, end) in enumerate(periods):
            if start.utcoffset() is None or end.utcoffset() is None:
                raise InvalidRouting(f"out_of_office[{n}]", "needs timezone-aware datetimes")
            if not start < end:
                raise InvalidRouting(f"out_of_office[{n}]", "must start before it ends")
        object.__setattr__(self, "out_of_office", periods)

    @property
    def label(self) -> str:
        """'Ana Lima (user 7)', or 'user 7' without a name."""
        return f"{self.name} (user {self.user_id})" if self.name else f"user {self.user_id}"


def weight_fraction(weight: Weight) -> Fraction:
    """A weight as an exact fraction; floats are read as written (0.1 is 1/10)."""
    return Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)


@dataclass(frozen=True)
class SizeSegment:
    """A company-size band, both ends inclusive; None leaves that end open."""

    min_employees: int | None = None
    max_employees: int | None = None

    def __post_init__(self) -> None:
        low, high = self.min_employees, self.max_employees
        if low is not None and high is not None and low > high:
            raise InvalidRouting("sizes", f"min_employees {low} is above max_employees {high}")

    def contains(self, employees: int) -> bool:
        """Whether a company of this many employees falls in the band."""
        low, high = self.min_employees, self.max_employees
        return (low is None or employees >= low) and (high is None or employees <= high)

    def __str__(self) -> str:
        low, high = self.min_employees, self.max_employees
        if high is None:
            return f"{low or 0}+ employees"
        return f"{low or 0}-{high} employees"


@dataclass(frozen=True)
class Territory:
    """What a team covers; each empty dimension means "any". Values compare case-insensitively."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # "CA" matches any country's CA; "US-CA" only the US
    products: frozenset[str] = frozenset()
    sizes: tuple[SizeSegment, ...] = ()

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "countries", _keys(self.countries, str.upper))
        put(self, "regions", _keys(self.regions, str.casefold))
        put(self, "products", _keys(self.products, str.casefold))
        sizes = tuple(s if isinstance(s, SizeSegment) else SizeSegment(*s) for s in self.sizes)
        put(self, "sizes", sizes)

    @property
    def is_empty(self) -> bool:
        """True when no dimension is constrained."""
        return not (self.countries or self.regions or self.products or self.sizes)


def _keys(values: Iterable[str], fold) -> frozenset[str]:
    if isinstance(values, str):  # a lone "US" would otherwise become {"U", "S"}
        values = [values]
    return frozenset(fold(v.strip()) for v in values if v and v.strip())


@dataclass(frozen=True)
class Team:
    """A pool of reps with a territory and a manager who sees its queue."""

    team_id: int
    name: str
    territory: Territory = Territory()
    members: tuple[Member, ...] = ()
    manager_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        path = f"teams.{self.team_id}.members"
        seen: set[int] = set()
        for member in self.members:
            if member.team_id != self.team_id:
                raise InvalidRouting(path, f"user {member.user_id} is in team {member.team_id}")
            if member.user_id in seen:
                raise InvalidRouting(path, f"user {member.user_id} is listed twice")
            seen.add(member.user_id)


@dataclass(frozen=True)
class RoutingConfig:
    """The ordered rules (first match wins) and the fallback team that closes every chain."""

    fallback_team_id: int
    rules: tuple[str, ...] = ("account_owner", "territory", "fallback")
    skip_outside_hours: bool = False
    # partner key -> the user who manages that partner's leads (used by the "partner" rule)
    partner_managers: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rules = (self.rules,) if isinstance(self.rules, str) else tuple(self.rules)
        for n, rule in enumerate(rules):
            if rule not in RULES:
                raise InvalidRouting(f"rules[{n}]", f"unknown rule {rule!r}; use {RULES}")
            if rule in rules[:n]:
                raise InvalidRouting(f"rules[{n}]", f"{rule!r} is listed twice")
        if "fallback" in rules[:-1]:
            raise InvalidRouting("rules", "'fallback' must be the last rule")
        managers = {k.strip().casefold(): v for k, v in dict(self.partner_managers).items()}
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "partner_managers", MappingProxyType(managers))

    def chain(self) -> tuple[str, ...]:
        """The rules in order, always ending with "fallback", so no lead is left without a team."""
        return self.rules if self.rules[-1:] == ("fallback",) else (*self.rules, "fallback")
