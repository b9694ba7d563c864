"""Teams (sales regions), their routing pools and territories; every change is audited.

Who may change a team: an admin, or the sales_manager who manages it (403 otherwise); only
an admin names or changes a team's manager. There is one fallback team at most, and it is
always active: leads no territory covers wait in its queue. Each team has one territory.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import Conflict, Forbidden, NotFound, ValidationFailed
from baton.models import Team, TeamMember, Territory, User
from baton.rules.routing import join_position
from baton.schemas.teams import MemberCreate, MemberUpdate, TeamCreate, TeamUpdate, TerritorySet
from baton.services.audit import jsonable, record_audit
from baton.services.auth import SYSTEM, Actor
from baton.services.playbooks import active_playbook
from baton.services.routing_pool import lock_members, open_lead_counts, pool_rotation, position

MANAGER_ROLES: tuple[str, ...] = ("admin", "sales_manager")
MEMBER_ROLES: tuple[str, ...] = ("sales_rep", "sales_manager")
FALLBACK_NAME = "Fallback queue"


def _bad(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{path}: {message}", fields=[{"path": path, "message": message}])


def get_team(session: Session, team_id: int) -> Team:
    """A team by id, or 404."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"no team {team_id}")
    return team


def find_team(session: Session, ref: str | int) -> Team:
    """A team by id or by exact name (for the CLI)."""
    if isinstance(ref, int) or str(ref).isdigit():
        return get_team(session, int(ref))
    team = session.scalar(select(Team).where(Team.name == str(ref).strip()))
    if team is None:
        raise NotFound(f"no team named {ref!r}")
    return team


def list_teams(session: Session) -> list[Team]:
    """Every team, by name."""
    return list(session.scalars(select(Team).order_by(Team.name)))


def check_manages(session: Session, *, team_id: int, actor: Actor) -> Team:
    """The team, if the actor may change it: an admin, or its own manager (404, else 403)."""
    team = get_team(session, team_id)
    if actor.is_admin or (actor.role == "sales_manager" and team.manager_id == actor.user_id):
        return team
    raise Forbidden(f"only an admin or the manager of team {team.name!r} may do this")


def create_team(session: Session, *, data: TeamCreate, actor: Actor, now: datetime) -> Team:
    """A new team; a sales_manager may create only a team they manage themselves."""
    values = data.model_dump()
    if not actor.is_admin:
        if actor.role != "sales_manager" or values["manager_id"] not in (None, actor.user_id):
            raise Forbidden("a sales_manager may only create a team they manage")
        values["manager_id"] = actor.user_id
    _check_manager(session, values["manager_id"])
    _check_name_free(session, values["name"])
    _check_fallback(session, values["is_fallback"], values["active"])
    team = Team(**values, created_at=now, updated_at=now)
    session.add(team)
    session.flush()
    _audit(session, actor, "team.create", team.id, {"values": values}, now)
    return team


def update_team(
    session: Session, *, team_id: int, data: TeamUpdate, actor: Actor, now: datetime
) -> Team:
    """Set the fields sent; the audit entry records each old and new value."""
    team = check_manages(session, team_id=team_id, actor=actor)
    values = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in values.items() if getattr(team, k) != v}
    if "manager_id" in changes:
        if not actor.is_admin:
            raise Forbidden("only an admin may change a team's manager")
        _check_manager(session, changes["manager_id"])
    if "name" in changes:
        _check_name_free(session, changes["name"], except_id=team.id)
    _check_fallback(
        session,
        values.get("is_fallback", team.is_fallback),
        values.get("active", team.active),
        except_id=team.id,
    )
    if not changes:
        return team
    audit = {k: [getattr(team, k), v] for k, v in changes.items()}
    for name, value in changes.items():
        setattr(team, name, value)
    team.updated_at = now
    _audit(session, actor, "team.update", team.id, {"changes": audit}, now)
    session.flush()
    return team


def ensure_fallback_team(session: Session, *, now: datetime) -> Team:
    """The active fallback team; created (and audited) the first time routing needs one."""
    team = session.scalar(
        select(Team).where(Team.is_fallback.is_(True), Team.active.is_(True)).order_by(Team.id)
    )
    if team is not None:
        return team
    name, n = FALLBACK_NAME, 1
    while session.scalar(select(Team.id).where(func.lower(Team.name) == name.lower())):
        n += 1
        name = f"{FALLBACK_NAME} {n}"
    return create_team(session, data=TeamCreate(name=name, is_fallback=True), actor=SYSTEM, now=now)


@dataclass
class MemberView:
    """A member as the API shows it: the row, the user's name, and open leads."""

    id: int
    team_id: int
    user_id: int
    name: str
    email: str
    weight: float
    capacity: int | None
    active: bool
    open_leads: int
    rotation_position: float


@dataclass
class TeamView:
    """A team with its members and territory."""

    team: Team
    members: list[MemberView]
    territory: Territory | None

    def as_dict(self) -> dict[str, Any]:
        """Fields of TeamDetail."""
        fields = ("id", "name", "manager_id", "timezone", "is_fallback", "active")
        out: dict[str, Any] = {k: getattr(self.team, k) for k in fields}
        out |= {"created_at": self.team.created_at, "updated_at": self.team.updated_at}
        return out | {"members": self.members, "territory": self.territory}


def team_view(session: Session, *, team_id: int) -> TeamView:
    """The team with its members (by id), their open leads, and its territory."""
    team = get_team(session, team_id)
    rows = session.execute(
        select(TeamMember, User)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id == team.id)
        .order_by(TeamMember.id)
    ).all()
    counts = open_lead_counts(session, [m.user_id for m, _ in rows])
    members = [_member_view(m, u, counts.get(m.user_id, 0)) for m, u in rows]
    territory = session.scalar(select(Territory).where(Territory.team_id == team.id))
    return TeamView(team, members, territory)


def _member_view(row: TeamMember, user: User, open_leads: int) -> MemberView:
    return MemberView(
        id=row.id,
        team_id=row.team_id,
        user_id=row.user_id,
        name=user.name,
        email=user.email,
        weight=row.weight,
        capacity=row.capacity,
        active=row.active,
        open_leads=open_leads,
        rotation_position=row.rotation_counter,
    )


def add_member(
    session: Session, *, team_id: int, data: MemberCreate, actor: Actor, now: datetime
) -> TeamMember:
    """A rep joins the pool at its level (rules.routing.join_position): no burst of leads."""
    team = check_manages(session, team_id=team_id, actor=actor)
    user = session.get(User, data.user_id)
    if user is None or not user.is_active:
        raise _bad("user_id", f"no active user {data.user_id}")
    if user.role not in MEMBER_ROLES:
        raise _bad("user_id", f"user {user.id} is {user.role}; members are sales reps or managers")
    rows = lock_members(session, team_ids=[team.id])  # the level must not move under us
    if any(r.user_id == user.id for r in rows):
        raise Conflict(f"user {user.id} is a member of team {team.name!r} already")
    start = float(join_position(pool_rotation(rows)))
    member = TeamMember(
        team_id=team.id, **data.model_dump(), rotation_counter=start, created_at=now, updated_at=now
    )
    session.add(member)
    session.flush()
    details = {"user_id": user.id, "values": data.model_dump(), "rotation_position": start}
    _audit(session, actor, "team.member.add", team.id, details, now)
    return member


def get_member(session: Session, *, team_id: int, user_id: int) -> TeamMember:
    """One membership, or 404."""
    member = session.scalar(
        select(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    )
    if member is None:
        raise NotFound(f"user {user_id} is not a member of team {team_id}")
    return member


def update_member(
    session: Session,
    *,
    team_id: int,
    user_id: int,
    data: MemberUpdate,
    actor: Actor,
    now: datetime,
) -> TeamMember:
    """Change weight, capacity or active; the rotation position is kept as it is."""
    check_manages(session, team_id=team_id, actor=actor)
    member = get_member(session, team_id=team_id, user_id=user_id)
    values = data.model_dump(exclude_unset=True)
    changes = {k: [getattr(member, k), v] for k, v in values.items() if getattr(member, k) != v}
    if changes:
        for name, (_old, new) in changes.items():
            setattr(member, name, new)
        member.updated_at = now
        details = {"user_id": user_id, "changes": changes}
        _audit(session, actor, "team.member.update", team_id, details, now)
        session.flush()
    return member


def remove_member(
    session: Session, *, team_id: int, user_id: int, actor: Actor, now: datetime
) -> None:
    """The rep leaves the pool; the others keep their positions (the rotation is not reset)."""
    check_manages(session, team_id=team_id, actor=actor)
    member = get_member(session, team_id=team_id, user_id=user_id)
    details = {
        "user_id": user_id,
        "weight": member.weight,
        "capacity": member.capacity,
        "rotation_position": str(position(member)),
    }
    session.delete(member)
    _audit(session, actor, "team.member.remove", team_id, details, now)
    session.flush()


def set_territory(
    session: Session, *, team_id: int, data: TerritorySet, actor: Actor, now: datetime
) -> Territory:
    """Replace the team's territory; products must be among the active playbook's."""
    team = check_manages(session, team_id=team_id, actor=actor)
    _version, playbook = active_playbook(session, now=now)
    known = {p.casefold(): p for p in playbook.products}
    products = []
    for n, product in enumerate(data.products):
        if product.casefold() not in known:
            raise _bad(
                f"products[{n}]",
                f"unknown product {product!r}; the playbook's products are "
                + ", ".join(playbook.products),
            )
        products.append(known[product.casefold()])
    values = data.model_dump() | {"products": products}
    territory = session.scalar(select(Territory).where(Territory.team_id == team.id))
    old = None
    if territory is None:
        territory = Territory(team_id=team.id, created_at=now, **values)
        session.add(territory)
    else:
        old = {k: getattr(territory, k) for k in values}
        for name, value in values.items():
            setattr(territory, name, value)
    territory.updated_at = now
    session.flush()
    _audit(session, actor, "team.territory.set", team.id, {"old": old, "new": values}, now)
    return territory


def _check_manager(session: Session, manager_id: int | None) -> None:
    if manager_id is None:
        return
    user = session.get(User, manager_id)
    if user is None or not user.is_active:
        raise _bad("manager_id", f"no active user {manager_id}")
    if user.role not in MANAGER_ROLES:
        raise _bad("manager_id", f"user {manager_id} is {user.role}; managers are sales_manager")


def _check_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    query = select(Team.id).where(func.lower(Team.name) == name.lower())
    if except_id is not None:
        query = query.where(Team.id != except_id)
    if session.scalar(query) is not None:
        raise Conflict(
            f"a team named {name!r} exists already",
            fields=[{"path": "name", "message": "already taken"}],
        )


def _check_fallback(
    session: Session, is_fallback: bool, active: bool, *, except_id: int | None = None
) -> None:
    if not is_fallback:
        return
    if not active:
        raise _bad("active", "the fallback team must stay active (make another team fallback)")
    query = select(Team.name).where(Team.is_fallback.is_(True))
    if except_id is not None:
        query = query.where(Team.id != except_id)
    other = session.scalar(query)
    if other is not None:
        raise Conflict(
            f"team {other!r} is the fallback team already; unset it there first",
            fields=[{"path": "is_fallback", "message": "there is one fallback team"}],
        )


def _audit(
    session: Session, actor: Actor, action: str, team_id: int, details: dict, now: datetime
) -> None:
    clean = {k: _clean(v) for k, v in details.items()}
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="team",
        entity_id=team_id,
        details=clean,
        now=now,
    )
    session.flush()


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return jsonable(value)
