"""Kept-up analytics: stored stage stays and funnel aggregates, caught up from stage_changes.

`catch_up` reads the stage_changes rows past a high-water mark (whoever wrote them: the
stage service, capture, scoring's raw SQL, imports, the benchmark generator) and turns each
into a stay (closing the lead's previous one with its calendar and business seconds) and
counter / histogram increments per week and month, per segment. Reports call it before they
read (cheap when little is pending) and the worker runs it every minute in committed slices.
`reads` answers volume, conversion and velocity from those small tables.
"""

from baton.services.analytics.catchup import CatchUp, catch_up, catch_up_job, rebuild
from baton.services.analytics.reads import (
    aggregate_conversion,
    aggregate_velocity,
    aggregate_volume,
)

__all__ = [
    "CatchUp",
    "aggregate_conversion",
    "aggregate_velocity",
    "aggregate_volume",
    "catch_up",
    "catch_up_job",
    "rebuild",
]
