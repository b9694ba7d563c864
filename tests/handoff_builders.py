"""A small sales floor for hand-off tests: a team with its manager, reps, marketing, leads."""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import (
    Assignment,
    Lead,
    OutboxMessage,
    Program,
    Rejection,
    StageChange,
    Team,
    User,
)
from baton.services.auth import Actor
from baton.services.playbooks import active_playbook
from tests.builders import T0, make_lead, make_program, make_user

_seq = itertools.count(1)

# Every table a sales answer may touch: a refused answer leaves all of them as they were.
HANDOFF_TABLES = (
    "leads",
    "lead_changes",
    "stage_changes",
    "audit_log",
    "assignments",
    "attempts",
    "rejections",
    "opportunities",
    "outbox",
)


@dataclass
class Floor:
    """A team (manager + two reps), another team's manager, a marketing user, a program."""

    team: Team
    manager: User
    rep: User
    other_rep: User
    other_manager: User
    marketer: User
    program_id: int


def actor(user: User, via: str = "test") -> Actor:
    return Actor(user_id=user.id, role=user.role, via=via)


def make_team(session: Session, *, manager: User | None, now: datetime = T0, **kw: Any) -> Team:
    kw.setdefault("name", f"Team {next(_seq)}")
    team = Team(manager_id=manager.id if manager else None, created_at=now, **kw)
    session.add(team)
    session.flush()
    return team


def make_floor(session: Session, *, now: datetime = T0) -> Floor:
    """The floor, with the default playbook active (so its bootstrap is not a change)."""
    active_playbook(session, now=now)
    manager = make_user(session, role="sales_manager", now=now)
    team = make_team(session, manager=manager, now=now)
    rep = make_user(session, role="sales_rep", team_id=team.id, now=now)
    other_rep = make_user(session, role="sales_rep", team_id=team.id, now=now)
    other_manager = make_user(session, role="sales_manager", now=now)
    make_team(session, manager=other_manager, now=now)
    marketer = make_user(session, role="marketing", now=now)
    program = make_program(session, channel="event", now=now)
    return Floor(team, manager, rep, other_rep, other_manager, marketer, program.id)


def assigned_lead(
    session: Session, floor: Floor, *, stage: str = "mql", now: datetime = T0, **kw: Any
) -> Lead:
    """A lead owned by the floor's rep, with the open assignment routing would have written."""
    kw.setdefault("owner_id", floor.rep.id)
    kw.setdefault("team_id", floor.team.id)
    kw.setdefault("program_id", floor.program_id)
    kw.setdefault("channel", "event")
    kw.setdefault("working_status", "new")
    lead = make_lead(session, stage=stage, assigned_at=now, now=now, **kw)
    session.add(
        Assignment(
            lead_id=lead.id,
            user_id=kw["owner_id"],
            team_id=kw["team_id"],
            status="assigned" if kw["owner_id"] else "queued",
            rule="territory",
            reason="test",
            details={},
            via="test",
            assigned_at=now,
        )
    )
    session.flush()
    return lead


def sent(session: Session, topic: str | None = None) -> list[tuple[str, str, str]]:
    """(topic, channel, recipient) of every outbox message, in the order written."""
    query = select(OutboxMessage.topic, OutboxMessage.channel, OutboxMessage.recipient)
    if topic is not None:
        query = query.where(OutboxMessage.topic == topic)
    return [tuple(r) for r in session.execute(query.order_by(OutboxMessage.id))]


def moved(session: Session, lead: Lead, to: str, at: datetime) -> None:
    """Record a stage move of the lead at `at` (a hand-made history row)."""
    session.add(
        StageChange(lead_id=lead.id, from_stage=lead.stage, to_stage=to, changed_at=at, via="t")
    )
    lead.stage = to


def recycled(
    session: Session,
    now: datetime,
    *,
    days: int,
    program: Program,
    team: Team | None = None,
    code: str | None = None,
    version: int = 1,
    outcome: str = "recycled",
) -> Lead:
    """A lead that went mql -> `outcome` `days` ago, with its rejection when `code` is given."""
    at = now - timedelta(days=days)
    lead = make_lead(session, stage="mql", program_id=program.id, channel=program.channel, now=at)
    moved(session, lead, outcome, at)
    if code is not None:
        session.add(
            Rejection(
                lead_id=lead.id,
                team_id=team.id if team else None,
                reason_code=code,
                comment=f"{code} comment",
                outcome=outcome,
                playbook_version=version,
                program_id=program.id,
                channel=program.channel,
                rejected_at=at,
            )
        )
    session.flush()
    return lead


def recycling_fixture(session: Session, floor: Floor, *, now: datetime) -> dict[str, Any]:
    """Recycled and disqualified leads with their rejections (days before now; team 1 is the
    floor's team; v = the playbook version of the rejection):

        lead  program  team  rejected               outcome       afterwards
        L1    p1       1     timing, d-10, v1       recycled
        L2    p1       1     not_icp, d-9, v1       disqualified
        L3    p2       1     timing, d-8, v1        recycled
        L4    p2       2     no_budget, d-7, v1     recycled
        L5    p2       2     timing, d-200, v1      recycled
        L6    p1       -     (none), d-3            recycled      recycled by an SLA, no rejection
        L7    p1       1     timing, d-6, v2        recycled      an MQL again since d-1
        L8    p2       2     no_budget, d-5, v2     recycled      erased
    """
    p1 = make_program(session, channel="event", now=now)
    p2 = make_program(session, channel="web", now=now)
    t1, t2 = floor.team, make_team(session, manager=floor.other_manager, now=now)
    found = {
        "L1": recycled(session, now, days=10, program=p1, team=t1, code="timing"),
        "L2": recycled(
            session, now, days=9, program=p1, team=t1, code="not_icp", outcome="disqualified"
        ),
        "L3": recycled(session, now, days=8, program=p2, team=t1, code="timing"),
        "L4": recycled(session, now, days=7, program=p2, team=t2, code="no_budget"),
        "L5": recycled(session, now, days=200, program=p2, team=t2, code="timing"),
        "L6": recycled(session, now, days=3, program=p1),
        "L7": recycled(session, now, days=6, program=p1, team=t1, code="timing", version=2),
        "L8": recycled(session, now, days=5, program=p2, team=t2, code="no_budget", version=2),
    }
    moved(session, found["L7"], "mql", now - timedelta(days=1))
    found["L8"].erased_at = now
    session.flush()
    return {"leads": found, "p1": p1.id, "p2": p2.id, "t1": t1.id, "t2": t2.id}
