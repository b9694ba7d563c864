"""Pipeline analytics as pure rules over stage history: every pass through the funnel counts.

Inputs are plain values: `StagePass` (one per stage_changes row), `Stay` (built by `stays`),
`Opportunity`, `Touch` and `Deal`; periods, zone, calendars, `now` and test thresholds are
parameters. Measures: `volume`, cohort `conversion` (ratios of totals), `velocity` (median and
p75, calendar and business time), `open_pipeline` and `results` (value, win rate), stalls
(`conversion_stalls`, `velocity_stalls`, `stuck_leads`) and `attribution`.
"""

from baton.rules.funnel.attribution import (
    DIMENSIONS,
    MODELS,
    Credit,
    Deal,
    Touch,
    attribute,
    attribution,
    split,
)
from baton.rules.funnel.conversion import FUNNEL_STEPS, ConversionRow, conversion, pooled
from baton.rules.funnel.history import Segment, StagePass, Stay, segment_of, stays, timelines
from baton.rules.funnel.periods import (
    GRAINS,
    Periods,
    period_bounds,
    period_key,
    shift_period,
)
from baton.rules.funnel.stalls import (
    ALPHA,
    BASELINE_PERIODS,
    MIN_SAMPLE,
    ConversionStall,
    VelocityStall,
    conversion_stalls,
    velocity_stalls,
)
from baton.rules.funnel.stats import Significance, mann_whitney_u, two_proportion_z
from baton.rules.funnel.stuck import StuckLead, stuck_leads
from baton.rules.funnel.value import Opportunity, PipelineRow, ResultRow, open_pipeline, results
from baton.rules.funnel.velocity import (
    FINAL_STAGES,
    VelocityRow,
    business_duration,
    stage_quantiles,
    velocity,
)
from baton.rules.funnel.volume import VolumeRow, volume

__all__ = [
    "ALPHA",
    "BASELINE_PERIODS",
    "DIMENSIONS",
    "FINAL_STAGES",
    "FUNNEL_STEPS",
    "GRAINS",
    "MIN_SAMPLE",
    "MODELS",
    "ConversionRow",
    "ConversionStall",
    "Credit",
    "Deal",
    "Opportunity",
    "Periods",
    "PipelineRow",
    "ResultRow",
    "Segment",
    "Significance",
    "StagePass",
    "Stay",
    "StuckLead",
    "Touch",
    "VelocityRow",
    "VelocityStall",
    "VolumeRow",
    "attribute",
    "attribution",
    "business_duration",
    "conversion",
    "conversion_stalls",
    "mann_whitney_u",
    "open_pipeline",
    "period_bounds",
    "period_key",
    "pooled",
    "results",
    "segment_of",
    "shift_period",
    "split",
    "stage_quantiles",
    "stays",
    "stuck_leads",
    "timelines",
    "two_proportion_z",
    "velocity",
    "velocity_stalls",
    "volume",
]
