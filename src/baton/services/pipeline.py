"""The joints of the pipeline: a lead that enters mql is routed at once, bulk moves by a job.

One lead moved to mql (scoring in the request that changed it, a manual move) is routed in
the same transaction by `on_entered_mql`; leads moved in bulk (batch rescoring, imports) and
leads waiting in a queue are picked up by the worker's "route_mqls" job.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from baton.models import Assignment
from baton.services.auth import Actor
from baton.services.routing import route_lead, route_unassigned

# Who routes a lead that entered mql: the system, recorded as via="routing".
ROUTING = Actor(user_id=None, role="admin", via="routing")


def on_entered_mql(session: Session, *, lead_id: int, now: datetime) -> Assignment:
    """Route a lead that has just entered mql: a rep's assignment, or its place in a queue."""
    return route_lead(session, lead_id=lead_id, now=now, actor=ROUTING)


def route_mqls_job(session: Session, now: datetime) -> str:
    """The worker's "route_mqls" job: route every MQL without an owner (queued ones again)."""
    counts = route_unassigned(session, now=now, actor=ROUTING)
    return (
        f"considered {counts.considered}, assigned {counts.assigned}, "
        f"queued {counts.queued}, unchanged {counts.unchanged}"
    )
