"""The manager's view: a team's queue and unassigned leads, SLA per rep, breaches and at-risk
clocks, reassigning a lead, and out-of-office periods of the team's reps."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy import select
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import ValidationFailed
from baton.models import Team, User
from baton.schemas.teams import OutOfOfficeCreate
from baton.services import assignments, handoff, manager_view, out_of_office
from baton.services.auth import Actor
from baton.services.playbooks import active_playbook
from baton.services.sla.commitments import company_month
from baton.web.charts import csv_response, stacked_chart, wants_csv
from baton.web.deps import TeamPage, can_see_team, require_web_role
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
Manager = Annotated[User, Depends(require_web_role("sales_manager", "admin"))]
FormStr = Annotated[str, Form()]
add_nav("Team", "/manager", roles=("sales_manager", "admin"), order=20)


def web_actor(user: User) -> Actor:
    """The signed-in user as the actor recorded on changes made from a page."""
    return Actor(user_id=user.id, role=user.role, via="web")


@router.get("/manager")
def manager_home(request: Request, session: SessionDep, user: Manager) -> Response:
    """The teams this user manages (admins: every team); straight to the team when one."""
    teams = [t for t in session.scalars(select(Team).order_by(Team.name)) if can_see_team(user, t)]
    if len(teams) == 1 and user.role != "admin":
        return redirect(request, f"/manager/teams/{teams[0].id}")
    return render(request, "manager/teams.html", {"teams": teams}, title="Teams")


@router.get("/manager/teams/{team_id}")
def team_view(
    request: Request, team: TeamPage, session: SessionDep, user: Manager, now: NowDep,
    format: str = "", table: str = "",
) -> Response:  # fmt: skip
    """Everything a manager watches for one team, on one page."""
    month = company_month(active_playbook(session, now=now)[1], None, now)
    reps = manager_view.team_reps(session, team=team, now=now)
    lines = manager_view.team_compliance(session, team_id=team.id, period=month)
    compliance = [_compliance_row(user, line) for user, line in lines]
    queue = manager_view.team_queue(session, team_id=team.id, now=now)
    waiting = assignments.team_queue(session, team_id=team.id)
    risky = manager_view.at_risk(session, team_id=team.id, now=now)
    breached = manager_view.breaches(
        session, team_id=team.id, since=month.starts_at, until=month.ends_at
    )
    if wants_csv(format):
        return _csv(table, compliance, queue, waiting)
    context = {
        "team": team,
        "month": month,
        "reps": reps,
        "queue": queue,
        "waiting": waiting,
        "risky": risky,
        "breached": breached,
        "compliance": compliance,
        "compliance_chart": _compliance_chart(compliance),
        "zone": ZoneInfo(team.timezone or "UTC"),
        # A manager who belongs to the team without managing it reads; changes are refused.
        "may_manage": user.role == "admin" or team.manager_id == user.id,
        "now": now,
    }
    return render(request, "manager/team.html", context, title=f"{team.name}: manager's view")


def _compliance_row(user: User, line) -> dict:
    counts = line.counts
    return {
        "rep": user.name,
        "first_met": counts.first_met,
        "first_breached": counts.first_breached,
        "first_share": line.first_attempts_in_time,
        "accept_met": counts.accept_met,
        "accept_breached": counts.accept_breached,
        "accept_share": line.accepts_in_time,
        "median_hours": _hours(line.median_first_attempt_seconds),
        "breaches": line.breaches,
    }


COMPLIANCE_HEADER = (
    "rep", "first_met", "first_breached", "first_share", "accept_met", "accept_breached",
    "accept_share", "median_hours", "breaches",
)  # fmt: skip


def _compliance_chart(rows: list[dict]) -> dict:
    return stacked_chart(
        "compliance",
        title="SLA clocks this month per rep: met and breached",
        labels=[r["rep"] for r in rows],
        series={
            "First attempt met": [r["first_met"] for r in rows],
            "First attempt breached": [r["first_breached"] for r in rows],
            "Accept met": [r["accept_met"] for r in rows],
            "Accept breached": [r["accept_breached"] for r in rows],
        },
        x_label="Rep",
        y_label="Clocks",
        csv_href="?format=csv&table=compliance",
    )


def _csv(table: str, compliance, queue, waiting) -> Response:
    if table == "queue":
        return csv_response(
            "team-queue.csv",
            ["lead_id", "stage", "working_status", "owner", "due_kind", "due_at"],
            [
                (r.lead.id, r.lead.stage, r.lead.working_status, r.owner_name,
                 r.due.kind if r.due else None, r.due.due_at.isoformat() if r.due else None)
                for r in queue
            ],
        )  # fmt: skip
    if table == "unassigned":
        return csv_response(
            "team-unassigned.csv",
            ["lead_id", "name", "company", "product", "queued_at", "reason"],
            [
                (w.lead_id, w.name, w.company, w.product_interest, w.queued_at.isoformat(),
                 w.reason)
                for w in waiting
            ],
        )  # fmt: skip
    return csv_response(
        "sla-per-rep.csv",
        COMPLIANCE_HEADER,
        [[r[k] for k in COMPLIANCE_HEADER] for r in compliance],
    )


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


@router.post("/manager/teams/{team_id}/reassign/{lead_id}")
def reassign(
    request: Request, team: TeamPage, lead_id: int, session: SessionDep, user: Manager,
    now: NowDep, to_user_id: FormStr = "", reason: FormStr = "",
) -> Response:  # fmt: skip
    """Give the lead to another rep (or, without one, let routing choose again)."""
    target = _user_id(to_user_id)
    assignment = handoff.reassign(
        session, lead_id=lead_id, to_user_id=target, reason=reason, actor=web_actor(user), now=now
    )
    who = session.get(User, assignment.user_id) if assignment.user_id else None
    done = f"Lead {lead_id} reassigned to {who.name}." if who else f"Lead {lead_id} is queued."
    return redirect(request, f"/manager/teams/{team.id}", flash=done)


@router.post("/manager/teams/{team_id}/out-of-office")
def add_away(
    request: Request, team: TeamPage, session: SessionDep, user: Manager, now: NowDep,
    user_id: FormStr = "", starts_at: FormStr = "", ends_at: FormStr = "", note: FormStr = "",
) -> Response:  # fmt: skip
    """Mark a rep of the team out of office from `starts_at` to `ends_at` (team's local time)."""
    zone = ZoneInfo(team.timezone or "UTC")
    try:
        data = OutOfOfficeCreate(
            user_id=_user_id(user_id, required=True),
            starts_at=_local(starts_at, zone, "starts_at") if starts_at else now,
            ends_at=_local(ends_at, zone, "ends_at"),
            note=note.strip() or None,
        )
    except ValidationError as exc:
        message = "; ".join(e["msg"] for e in exc.errors())
        raise ValidationFailed(message) from None
    period = out_of_office.add_out_of_office(
        session, team_id=team.id, data=data, actor=web_actor(user), now=now
    )
    rep = session.get(User, period.user_id)
    return redirect(
        request, f"/manager/teams/{team.id}", flash=f"{rep.name} is marked out of office."
    )


@router.post("/manager/teams/{team_id}/out-of-office/{period_id}/cancel")
def cancel_away(
    request: Request, team: TeamPage, period_id: int, session: SessionDep, user: Manager,
    now: NowDep,
) -> Response:  # fmt: skip
    """End a running out-of-office period now, or delete a future one."""
    out_of_office.cancel_out_of_office(
        session, team_id=team.id, period_id=period_id, actor=web_actor(user), now=now
    )
    return redirect(request, f"/manager/teams/{team.id}", flash="Out-of-office period ended.")


def _user_id(text: str, *, required: bool = False) -> int | None:
    text = text.strip()
    if not text and not required:
        return None
    if not text.isdigit():
        raise ValidationFailed(
            "choose a rep", fields=[{"path": "user_id", "message": "choose a rep"}]
        )
    return int(text)


def _local(text: str, zone: ZoneInfo, path: str) -> datetime:
    """A datetime-local field (YYYY-MM-DDTHH:MM) in the team's zone, as an aware datetime."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        message = f"{path.replace('_', ' ')}: give a date and time, e.g. 2026-05-04T09:00"
        raise ValidationFailed(message, fields=[{"path": path, "message": message}]) from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value
