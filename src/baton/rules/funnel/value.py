"""Value: open pipeline by stage, won revenue, average deal size and win rate."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from baton.rules.funnel.history import Segment, group_order, segment_of
from baton.rules.funnel.periods import Periods

Amount = Decimal | int | float
STATUSES = ("open", "won", "lost")


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A deal: its amount, whether it is open, won or lost, its stage while open, its dates."""

    lead_id: int
    amount: Amount
    status: Literal["open", "won", "lost"]
    created_at: datetime
    closed_at: datetime | None = None
    stage: str = "opportunity"
    segments: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if self.status == "open" and self.closed_at is not None:
            raise ValueError("an open deal has no closed_at")
        if self.status != "open" and self.closed_at is None:
            raise ValueError(f"a {self.status} deal needs closed_at")


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """Open deals in one stage and segment: how many, and their total amount."""

    stage: str
    segment: Segment
    count: int
    amount: Amount


@dataclass(frozen=True, slots=True)
class ResultRow:
    """Deals closed in `period` (None: all time) by one segment: won and lost, with amounts."""

    period: str | None
    segment: Segment
    won: int
    won_amount: Amount
    lost: int
    lost_amount: Amount

    @property
    def average_deal_size(self) -> Amount | None:
        """Won revenue / won deals (None when nothing was won)."""
        return self.won_amount / self.won if self.won else None

    @property
    def win_rate(self) -> float | None:
        """won / (won + lost), counted in deals (None when nothing closed)."""
        closed = self.won + self.lost
        return self.won / closed if closed else None


def open_pipeline(
    opportunities: Iterable[Opportunity], *, by: Sequence[str] = ()
) -> list[PipelineRow]:
    """Open deals per stage and segment, in funnel then segment order."""
    count: dict[tuple[str, Segment], int] = defaultdict(int)
    amount: dict[tuple[str, Segment], Amount] = defaultdict(int)
    for opp in opportunities:
        if opp.status == "open":
            key = (opp.stage, segment_of(opp.segments, by))
            count[key] += 1
            amount[key] += opp.amount
    keys = sorted(count, key=lambda k: group_order(None, *k))
    return [PipelineRow(*key, count=count[key], amount=amount[key]) for key in keys]


def results(
    opportunities: Iterable[Opportunity],
    *,
    periods: Periods | None = None,
    by: Sequence[str] = (),
) -> list[ResultRow]:
    """Won and lost deals per period they closed in, and segment; rates as ratios of totals."""
    tally: dict[tuple[str | None, Segment], list] = defaultdict(lambda: [0, 0, 0, 0])
    for opp in opportunities:
        if opp.status == "open" or opp.closed_at is None:
            continue
        key = (periods.key(opp.closed_at) if periods else None, segment_of(opp.segments, by))
        slot = 0 if opp.status == "won" else 2
        tally[key][slot] += 1
        tally[key][slot + 1] += opp.amount
    keys = sorted(tally, key=lambda k: group_order(k[0], "", k[1]))
    return [ResultRow(*key, *tally[key]) for key in keys]
