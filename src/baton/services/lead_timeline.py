"""One timeline of a lead: engagement, stage changes, assignments, attempts, rejections,
notifications, SLA clocks and deals, newest first. Read-only; one query per kind."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import (
    Assignment,
    Attempt,
    Event,
    Opportunity,
    OutboxMessage,
    Rejection,
    SlaClock,
    StageChange,
    Team,
    User,
)

PER_KIND = 200  # the newest rows of each kind; a lead with more events says so


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    kind: str  # event, stage, assignment, attempt, rejection, notification, sla, deal
    title: str
    detail: str = ""
    who: str | None = None


def lead_timeline(session: Session, *, lead_id: int) -> list[Entry]:
    """Everything that happened to the lead, newest first (at most PER_KIND of each kind)."""
    names = _Names(session)
    entries: list[Entry] = []
    entries += _events(session, lead_id)
    entries += _stages(session, lead_id, names)
    entries += _assignments(session, lead_id, names)
    entries += _attempts(session, lead_id, names)
    entries += _rejections(session, lead_id, names)
    entries += _notifications(session, lead_id)
    entries += _clocks(session, lead_id, names)
    entries += _deals(session, lead_id, names)
    # At the same instant: a move to mql, then its routing, its clocks, its notification.
    order = {"stage": 0, "assignment": 1, "sla": 2}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 3)), reverse=True)
    return entries


class _Names:
    """User and team names, loaded once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users: dict[int, str] | None = None
        self.teams: dict[int, str] | None = None

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if self.users is None:
            self.users = dict(self.session.execute(select(User.id, User.name)).all())
        return self.users.get(user_id, f"user {user_id}")

    def team(self, team_id: int | None) -> str | None:
        if team_id is None:
            return None
        if self.teams is None:
            self.teams = dict(self.session.execute(select(Team.id, Team.name)).all())
        return self.teams.get(team_id, f"team {team_id}")


def _newest(session: Session, model, lead_id: int, column):
    return session.scalars(
        select(model).where(model.lead_id == lead_id).order_by(column.desc()).limit(PER_KIND)
    ).all()


def _events(session: Session, lead_id: int) -> list[Entry]:
    found = []
    for e in _newest(session, Event, lead_id, Event.occurred_at):
        props = e.properties or {}
        shown = ", ".join(f"{k}: {v}" for k, v in list(props.items())[:4])
        found.append(Entry(e.occurred_at, "event", e.type.replace("_", " "), shown))
    return found


def _stages(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    found = []
    for s in _newest(session, StageChange, lead_id, StageChange.changed_at):
        title = f"{s.from_stage or 'new'} → {s.to_stage}"
        detail = s.reason or ""
        if s.playbook_version and f"playbook v{s.playbook_version}" not in detail:
            detail = f"{detail} (playbook v{s.playbook_version})".strip()
        found.append(Entry(s.changed_at, "stage", title, detail, names.user(s.actor_id) or s.via))
    return found


def _assignments(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    found = []
    for a in _newest(session, Assignment, lead_id, Assignment.assigned_at):
        to = names.user(a.user_id) or f"{names.team(a.team_id) or 'no team'}'s queue"
        title = f"assigned to {to}" if a.status == "assigned" else f"queued for {to}"
        detail = f"{a.rule}: {a.reason}"
        found.append(Entry(a.assigned_at, "assignment", title, detail, names.user(a.actor_id)))
    return found


def _attempts(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    return [
        Entry(
            a.attempted_at,
            "attempt",
            f"{a.channel}: {a.outcome.replace('_', ' ')}",
            a.note or "",
            names.user(a.user_id),
        )
        for a in _newest(session, Attempt, lead_id, Attempt.attempted_at)
    ]


def _rejections(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    return [
        Entry(
            r.rejected_at,
            "rejection",
            f"rejected: {r.reason_code.replace('_', ' ')} ({r.outcome})",
            r.comment or "",
            names.user(r.user_id),
        )
        for r in _newest(session, Rejection, lead_id, Rejection.rejected_at)
    ]


def _notifications(session: Session, lead_id: int) -> list[Entry]:
    return [
        Entry(
            m.created_at,
            "notification",
            f"{m.topic} by {m.channel}",
            f"to {m.recipient} — {m.status}" + (f" ({m.last_error})" if m.last_error else ""),
        )
        for m in _newest(session, OutboxMessage, lead_id, OutboxMessage.created_at)
    ]


def _clocks(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    found = []
    for c in _newest(session, SlaClock, lead_id, SlaClock.started_at):
        kind = c.kind.replace("_", " ")
        found.append(
            Entry(c.started_at, "sla", f"SLA clock started: {kind}",
                  f"due {c.due_at:%Y-%m-%d %H:%M} UTC", names.user(c.owner_id))
        )  # fmt: skip
        if c.ended_at is not None:
            found.append(Entry(c.ended_at, "sla", f"SLA clock {c.state}: {kind}"))
    return found


def _deals(session: Session, lead_id: int, names: _Names) -> list[Entry]:
    found = []
    for o in _newest(session, Opportunity, lead_id, Opportunity.created_at):
        title = f"deal opened: {o.product or ''} {o.amount} {o.currency}"
        found.append(Entry(o.created_at, "deal", title, o.status, names.user(o.owner_id)))
    return found
