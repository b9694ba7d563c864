"""Builders for routing tests: teams with pools and territories, reps, MQLs."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from baton.models import Account, Lead, Team, User
from baton.schemas.teams import MemberCreate, TeamCreate, TerritorySet
from baton.services.auth import SYSTEM
from baton.services.teams import add_member, create_team, set_territory
from tests.builders import T0, make_lead, make_user


def make_rep(session: Session, *, role: str = "sales_rep", **kw: Any) -> User:
    return make_user(session, role=role, **kw)


def make_team(
    session: Session,
    name: str,
    *,
    reps: list[User] | None = None,
    weights: list[float] | None = None,
    capacities: list[int | None] | None = None,
    territory: dict[str, Any] | None = None,
    manager: User | None = None,
    now: datetime = T0,
    **fields: Any,
) -> Team:
    """A team through the service (audited, join positions), with members and a territory."""
    data = TeamCreate(name=name, manager_id=manager.id if manager else None, **fields)
    team = create_team(session, data=data, actor=SYSTEM, now=now)
    for n, rep in enumerate(reps or []):
        member = MemberCreate(
            user_id=rep.id,
            weight=(weights or [1.0] * (n + 1))[n],
            capacity=(capacities or [None] * (n + 1))[n],
        )
        add_member(session, team_id=team.id, data=member, actor=SYSTEM, now=now)
    if territory is not None:
        set_territory(
            session, team_id=team.id, data=TerritorySet(**territory), actor=SYSTEM, now=now
        )
    return team


def make_account(session: Session, domain: str, *, owner: User | None = None, **kw: Any):
    account = Account(
        name=kw.pop("name", domain),
        domain=domain,
        owner_id=owner.id if owner else None,
        created_at=T0,
        updated_at=T0,
        **kw,
    )
    session.add(account)
    session.flush()
    return account


def make_mql(session: Session, **kw: Any) -> Lead:
    kw.setdefault("stage", "mql")
    return make_lead(session, **kw)
