"""Dashboards: funnel, velocity, stalls, programs and channels, SLA compliance of both sides.

Each page calls the analytics services as they are, turns their rows into tables, and draws
each table as a chart beside it; `?format=csv&table=<id>` downloads a table. Filters are a
GET form: period from/to (company zone), granularity, segment `by` (and, when segmenting,
the stage to split).
"""

from baton.web.dashboards import funnel, reports  # noqa: F401  (their routes join the router)
from baton.web.dashboards.common import router

__all__ = ["router"]
