"""JSON shapes of the funnel reports: volume, cohort conversion and velocity per period."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class VolumeLine(BaseModel):
    """Passes into `stage` in `period` for one segment; re-entries are part of `entries`."""

    period: str
    stage: str
    segment: dict[str, Any]
    entries: int
    reentries: int
    first_entries: int


class ConversionLine(BaseModel):
    """Of `entered` passes into `from_stage` in `period`, `converted` reached `to_stage`."""

    period: str
    from_stage: str
    to_stage: str
    segment: dict[str, Any]
    entered: int
    converted: int
    immature: int
    rate: float | None


class VelocityLine(BaseModel):
    """Calendar time in `stage` for stays entered in `period`, in seconds."""

    period: str
    stage: str
    segment: dict[str, Any]
    completed: int
    open: int
    median_seconds: float | None
    p75_seconds: float | None
    business_median_seconds: float | None = None
    business_p75_seconds: float | None = None


class FunnelReportRead(BaseModel):
    """One measure for whole periods in the company zone, grouped by `by` when given."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    rows: list[VolumeLine] | list[ConversionLine] | list[VelocityLine]
    source: str = "history"


class ProgramLine(BaseModel):
    """What one program (`key` = id) or channel yielded in the range; money as numbers."""

    key: Any
    name: str | None
    leads: int
    mqls: int
    sals: int
    sqls: int
    opportunities: int
    won: int
    revenue: float
    cost: float
    cost_per_lead: float | None
    cost_per_mql: float | None
    cost_per_sql: float | None
    cost_per_won: float | None
    roi: float | None


class ProgramReportRead(BaseModel):
    """Program or channel yield over whole local days `start`..`end` in the company zone."""

    by: str
    rows: list[ProgramLine]


class StallLine(BaseModel):
    """A period whose conversion `from_stage` -> `to_stage` dropped below its baseline."""

    period: str
    from_stage: str
    to_stage: str
    segment: dict[str, Any]
    converted: int
    entered: int
    rate: float
    baseline_converted: int
    baseline_entered: int
    baseline_rate: float
    z: float
    p: float
    direction: str


class StuckLine(BaseModel):
    """A lead in `stage` longer than the stage's threshold (p90 of completed stays)."""

    lead_id: int
    stage: str
    owner_id: int | None
    entered_at: datetime
    age_seconds: float
    threshold_seconds: float


class StallReportRead(BaseModel):
    """Conversion stalls in the range's periods (with the test used) and leads stuck now."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    test: str
    alpha: float
    min_sample: int
    baseline_periods: int
    stuck_quantile: float
    stalls: list[StallLine]
    stuck: list[StuckLine]
    velocity_test: str
    velocity_stalls: list["VelocityStallLine"]


class PipelineLine(BaseModel):
    """Deals open now whose lead is in `stage`, for one segment: count and total amount."""

    stage: str
    segment: dict[str, Any]
    count: int
    amount: float


class ResultLine(BaseModel):
    """Deals closed in `period` (None: the whole range) for one segment."""

    period: str | None
    segment: dict[str, Any]
    won: int
    won_amount: float
    lost: int
    lost_amount: float
    average_deal_size: float | None
    win_rate: float | None


class ValueReportRead(BaseModel):
    """Open pipeline now; won revenue, deal size and win rate per period and in total."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    pipeline: list[PipelineLine]
    results: list[ResultLine]
    totals: list[ResultLine]


class VelocityStallLine(BaseModel):
    """A period whose business time in `stage` was longer than its baseline's (Mann-Whitney)."""

    period: str
    stage: str
    segment: dict[str, Any]
    completed: int
    baseline_completed: int
    median_seconds: float
    baseline_median_seconds: float
    u: float
    z: float
    p: float
    direction: str


class RejectionLine(BaseModel):
    """Rejections for `reason` in `period` for one segment, and their outcomes."""

    period: str
    reason: str
    segment: dict[str, Any]
    count: int
    recycled: int
    disqualified: int


class RejectionReportRead(BaseModel):
    """Rejections per period (company zone), reason and segment."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    rows: list[RejectionLine]


class CreditLine(BaseModel):
    """What one model gives one program (id) or channel (`key`; None: unattributed)."""

    model: str
    dimension: str
    key: Any
    deals: float
    revenue: float


class AttributionReportRead(BaseModel):
    """Deals won (or opened) in the range and their credit per model and dimension."""

    basis: str
    deals: int
    revenue: float
    credits: list[CreditLine]
