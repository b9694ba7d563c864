"""The clock loop: a simulated `now` moved forward TICK hours at a time, never the real clock.

Each tick: the reps' due steps (each at its own time), then the new leads (bulk intake), the
engagement that happened (bulk events, column-wise rescoring: leads that meet the lead
definition move to mql), routing of unassigned MQLs (what the worker's route_mqls job does),
the SLA sweep (warnings, breaches, exhausted attempt windows recycled) and, at midnight,
outbox delivery to the demo company's inbox.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.demo.activity import Activity
from baton.demo.company import REGIONS, Company
from baton.demo.engagement import comeback, first_touch, interest, stream
from baton.demo.intake import Arrival, capture
from baton.demo.sales import Sales
from baton.models import Assignment, StageChange
from baton.services.outbox import deliver_due
from baton.services.pipeline import ROUTING
from baton.services.routing import route_unassigned
from baton.services.scoring import rescore_all
from baton.services.sla import sweep_sla

HOUR = timedelta(hours=1)
# Intake, routing and the SLA sweep run every TICK hours (as the worker's jobs would, in
# batches), engagement is scored every SCORE_EVERY ticks and queued MQLs retried every
# RETRY_EVERY ticks; the reps' steps happen at their own times in between.
TICK = 2
SCORE_EVERY = 2
RETRY_EVERY = 3
COMEBACK_CHANCE = 0.45
Progress = Callable[[int, int], None]  # (hours simulated, hours in all)


class DemoInbox:
    """The demo company's mail server and webhook receivers: every message arrives."""

    def send(self, envelope) -> None:
        return None


@dataclass
class Tally:
    """What the simulation did (for the summary the CLI prints)."""

    leads: int = 0
    events: int = 0
    moved_to_mql: int = 0
    sales_steps: int = 0
    breached: int = 0
    warned: int = 0
    recycled_by_sla: int = 0
    delivered: int = 0
    comebacks: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class Quarter:
    """The simulation state: arrivals still to come, touches, the reps' agenda, watermarks."""

    def __init__(
        self,
        session: Session,
        *,
        company: Company,
        arrivals: list[Arrival],
        seed: int,
        webinar_id: int | None,
    ) -> None:
        self.session = session
        self.company = company
        self.arrivals = arrivals
        self.next_arrival = 0
        self.engagement_rng = random.Random(f"{seed}:engagement")
        self.sales = Sales(session, company, random.Random(f"{seed}:sales"))
        self.activity = Activity()
        self.webinar_id = webinar_id
        self.tally = Tally()
        self.seen_assignment = 0
        self.seen_stage_change = 0
        self.came_back: set[int] = set()
        self.routing_pending = False
        # Leads sales holds cannot move to mql: their rescoring waits for the end.
        self.with_sales: set[int] = set()

    def run(self, *, start: datetime, end: datetime, progress: Progress | None = None) -> Tally:
        """Simulate from `start` to `end`, one tick at a time; then deliver and rescore all."""
        hours = int((end - start) / HOUR)
        for tick, n in enumerate(range(TICK, hours + TICK, TICK), start=1):
            last = n >= hours
            self.hour(min(start + n * HOUR, end), tick=tick, last=last)
            if progress is not None:
                progress(min(n, hours), hours)
        self.deliver(end)
        # Scores of every lead as of the end (decay included), as the daily rescore keeps them.
        rescore_all(self.session, now=end)
        self.tally.events = self.activity.events
        self.tally.sales_steps = self.sales.steps
        return self.tally

    def hour(self, now: datetime, *, tick: int = 0, last: bool = True) -> None:
        """Everything that happens up to `now` (the `tick`-th; `last`: the final one)."""
        self.sales.run_due(now)
        self.intake(now)
        moved = 0
        if tick % SCORE_EVERY == 0 or last:
            due = self.activity.due(now)
            moved = self.activity.write(self.session, due, now=now, skip=self.with_sales)
        self.tally.moved_to_mql += moved
        if moved or (self.routing_pending and tick % RETRY_EVERY == 0):
            counts = route_unassigned(self.session, now=now, actor=ROUTING)
            self.routing_pending = counts.considered > counts.assigned  # some wait in a queue
        sweep = sweep_sla(self.session, now=now)
        self.tally.breached += sweep.breached
        self.tally.warned += sweep.warned
        self.tally.recycled_by_sla += sweep.recycled
        self.watch()
        if now.hour < TICK:
            self.deliver(now)

    def intake(self, now: datetime) -> None:
        start = self.next_arrival
        while self.next_arrival < len(self.arrivals) and self.arrivals[self.next_arrival].at <= now:
            self.next_arrival += 1
        batch = self.arrivals[start : self.next_arrival]
        if not batch:
            return
        lead_ids = capture(self.session, batch, now=now)
        rng = self.engagement_rng
        for lead_id, arrival in zip(lead_ids, batch, strict=True):
            program = arrival.program
            channel = program.spec.channel
            touches = first_touch(
                rng,
                at=arrival.at,
                channel=channel,
                program_id=program.id,
                name=program.spec.name,
            )
            keen = interest(rng, arrival.person.persona)
            touches += stream(
                rng, start=arrival.at, persona=arrival.person.persona, channel=channel, keen=keen
            )
            self.activity.add(lead_id, touches)
        self.tally.leads += len(batch)

    def watch(self) -> None:
        """React to what Baton did: new assignments reach a rep; some recycled leads return."""
        rows = self.session.execute(
            select(
                Assignment.id,
                Assignment.lead_id,
                Assignment.user_id,
                Assignment.team_id,
                Assignment.assigned_at,
            )
            .where(Assignment.id > self.seen_assignment, Assignment.status == "assigned")
            .order_by(Assignment.id)
        ).all()
        for assignment_id, lead_id, user_id, team_id, at in rows:
            self.seen_assignment = assignment_id
            self.with_sales.add(lead_id)
            self.sales.assigned(lead_id, user_id, team_id, at)
        recycled = self.session.execute(
            select(StageChange.id, StageChange.lead_id, StageChange.changed_at)
            .where(StageChange.id > self.seen_stage_change, StageChange.to_stage == "recycled")
            .order_by(StageChange.id)
        ).all()
        for change_id, lead_id, at in recycled:
            self.seen_stage_change = change_id
            self.with_sales.discard(lead_id)
            if lead_id not in self.came_back and self.engagement_rng.random() < COMEBACK_CHANCE:
                self.came_back.add(lead_id)
                touches = comeback(self.engagement_rng, recycled_at=at, webinar_id=self.webinar_id)
                self.activity.add(lead_id, touches)
                self.tally.comebacks += 1

    def deliver(self, now: datetime) -> None:
        """Hand the outbox to the demo inbox, as the worker's outbox job would."""
        while True:
            report = deliver_due(self.session, now=now, limit=5_000, transport=DemoInbox())
            self.tally.delivered += report.delivered
            if report.claimed < 5_000:
                return


def all_countries() -> dict[str, float]:
    """Every country the regions cover, with its share of the leads."""
    return {c: w for region in REGIONS for c, w in region.countries.items()}
