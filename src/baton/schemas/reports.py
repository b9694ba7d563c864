"""JSON shapes of the funnel reports: volume, cohort conversion and velocity per period."""

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


class FunnelReportRead(BaseModel):
    """One measure for whole periods in the company zone, grouped by `by` when given."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    rows: list[VolumeLine] | list[ConversionLine] | list[VelocityLine]
