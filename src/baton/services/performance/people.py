"""Who is measured: the sales users of a team (pool members or users of the team)."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from baton.models import Team, TeamMember, User

SALES_ROLES = ("sales_rep", "sales_manager")


@dataclass(frozen=True)
class Rep:
    """A sales user and the team they are measured in."""

    user_id: int
    name: str
    team_id: int | None
    team: str | None


def sales_people(session: Session, *, team_id: int | None = None) -> list[Rep]:
    """Active sales users (of one team, or all) with their team: pool first, else user.team."""
    pools = dict(
        session.execute(
            select(TeamMember.user_id, TeamMember.team_id)
            .where(TeamMember.active.is_(True))
            .order_by(TeamMember.team_id.desc())  # one team per user: the lowest id wins
        ).all()
    )
    query = select(User).where(User.role.in_(SALES_ROLES), User.is_active.is_(True))
    if team_id is not None:
        members = select(TeamMember.user_id).where(
            TeamMember.team_id == team_id, TeamMember.active.is_(True)
        )
        query = query.where(or_(User.team_id == team_id, User.id.in_(members)))
    names = dict(session.execute(select(Team.id, Team.name)).all())
    reps = []
    for user in session.scalars(query.order_by(User.name, User.id)):
        home = team_id if team_id is not None else pools.get(user.id, user.team_id)
        reps.append(Rep(user.id, user.name, home, names.get(home)))
    return reps
