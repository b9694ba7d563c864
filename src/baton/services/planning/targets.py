"""The active playbook's revenue targets, each checked against the teams that exist."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Team
from baton.rules.playbook.targets import Target, quarter_of
from baton.services.playbooks import active_playbook


@dataclass(frozen=True)
class TargetLine:
    """A target line; `problem` says what is wrong with it (an unknown team), if anything."""

    target: Target
    problem: str | None


@dataclass(frozen=True)
class TargetList:
    """The targets of the active playbook version, in the company currency."""

    playbook_version: int
    currency: str
    lines: list[TargetLine]


def list_targets(session: Session, *, period: str | None = None, now: datetime) -> TargetList:
    """Every target line (of one period, or a quarter and its months), with team checks."""
    version, playbook = active_playbook(session, now=now)
    teams = {name.casefold() for name in session.scalars(select(func.lower(Team.name)))}
    fiscal = playbook.company.fiscal_year_start_month_day[0]
    lines = []
    for line in playbook.targets:
        if period and period not in (line.period, quarter_of(line.period, fiscal)):
            continue
        problem = None
        if line.team is not None and line.team.casefold() not in teams:
            problem = f"unknown team {line.team!r}: no team of that name exists"
        lines.append(TargetLine(line, problem))
    return TargetList(version, playbook.company.currency, lines)
