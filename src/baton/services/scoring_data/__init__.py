"""Scoring's inputs from the database: one lead through the ORM (incremental scoring), many
leads column-wise through the raw driver (batch rescoring, the impact preview)."""

from baton.services.scoring_data.batch import (
    DEFAULT_CHUNK,
    Batch,
    Plan,
    iter_batches,
    load_batch,
    raw_connection,
)
from baton.services.scoring_data.properties import EventProperties, with_where_masks
from baton.services.scoring_data.rows import (
    as_count,
    event_facts,
    lead_facts,
    load_events,
    load_lead,
)

__all__ = [
    "DEFAULT_CHUNK",
    "Batch",
    "EventProperties",
    "Plan",
    "as_count",
    "event_facts",
    "iter_batches",
    "lead_facts",
    "load_batch",
    "load_events",
    "load_lead",
    "raw_connection",
    "with_where_masks",
]
