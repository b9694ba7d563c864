"""Engagement as it happens: touches wait in time order, are written when the clock passes them
(bulk insert, as a tracking-script batch would be), and their leads rescored column-wise."""

import heapq
from datetime import datetime

from sqlalchemy.orm import Session

from baton import bulk
from baton.demo.engagement import Touch
from baton.models import Event
from baton.schemas.events import EventIn
from baton.services.auth import Actor
from baton.services.events import record_events
from baton.services.scoring import rescore_leads

TRACKING = Actor(user_id=None, role="marketing", via="demo:tracking")
COLUMNS = ("lead_id", "type", "occurred_at", "program_id", "properties", "created_at")


class Activity:
    """The touches still to come, by time."""

    def __init__(self) -> None:
        self.heap: list[tuple[datetime, int, int, Touch]] = []
        self.seq = 0
        self.events = 0

    def add(self, lead_id: int, touches: list[Touch]) -> None:
        for touch in touches:
            self.seq += 1
            heapq.heappush(self.heap, (touch.at, self.seq, lead_id, touch))

    def due(self, now: datetime) -> list[tuple[int, Touch]]:
        """Pop every touch at or before `now`, in time order."""
        out = []
        while self.heap and self.heap[0][0] <= now:
            _, _, lead_id, touch = heapq.heappop(self.heap)
            out.append((lead_id, touch))
        return out

    def write(
        self, session: Session, due: list[tuple[int, Touch]], *, now: datetime, skip: set[int]
    ) -> int:
        """Write the due touches and rescore their leads; returns how many moved to mql.

        Leads in `skip` are not rescored now (sales holds them: they cannot move to mql).
        Unsubscribes go through the events service (they also set do-not-contact, a field
        change with its history row); everything else through the bulk writer.
        """
        if not due:
            return 0
        enc = bulk.encoders(session)
        created = enc.datetime(now)
        rows = [
            (lead_id, t.type, enc.datetime(t.at), t.program_id, enc.json(t.properties), created)
            for lead_id, t in due
            if t.type != "unsubscribe"
        ]
        bulk.insert_rows(session, Event.__table__, COLUMNS, rows)
        opt_outs = [
            EventIn(lead_id=lead_id, type="unsubscribe", occurred_at=t.at)
            for lead_id, t in due
            if t.type == "unsubscribe"
        ]
        if opt_outs:
            record_events(session, items=opt_outs, actor=TRACKING, now=now)
        self.events += len(due)
        lead_ids = sorted({lead_id for lead_id, _ in due} - skip)
        if not lead_ids:
            return 0
        return rescore_leads(session, lead_ids=lead_ids, now=now).moved_to_mql
