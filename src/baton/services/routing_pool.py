"""What routing reads from the database, turned into the pure rules' inputs.

Open leads (what capacity counts): leads a user owns in stage mql, sal or sql whose working
status is not qualified, rejected or exhausted (a lead with no working status yet counts).

Rotation state: TeamMember.rotation_counter holds the member's *position* in the pool's
weighted round robin (leads received per unit of weight, plus the start given on joining;
see rules/routing/rotation.py), not a lead count, so a weight change never rewrites the past.
The pool's *level* needs no column of its own: after every pick, every member of the pool
(available or not) is stored lifted to the new level, which the rule would do anyway when
they are next available (the level never goes down), so the level is the smallest stored
position of the pool. Positions are exact fractions in the rule; the float column is read
back with `limit_denominator(10**6)`, which restores them exactly for ordinary weights
(integers, halves, tenths...), so ties and long runs do not drift.

Working hours (only when configured): calendars per team come with #5; until then each
member works Mon-Fri 09:00-17:00 in their team's time zone.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from baton.models import Account, Lead, OutOfOffice, Team, TeamMember, Territory, User
from baton.rules import routing as rules
from baton.rules.calendar import BusinessCalendar
from baton.rules.identity import email_domain
from baton.services.predictions import predicted_probabilities
from baton.services.scoring_data.rows import EMPLOYEE_KEYS, as_count, fallback

OPEN_STAGES: tuple[str, ...] = ("mql", "sal", "sql")
CLOSED_STATUSES: tuple[str, ...] = ("qualified", "rejected", "exhausted")
POSITION_DENOMINATOR = 10**6
STAND_IN_WEEK = {"mon-fri": "09:00-17:00"}


def open_lead_counts(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """Open leads per user (see the module docstring); users without any are absent."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Lead.owner_id, func.count())
        .where(
            Lead.owner_id.in_(ids),
            Lead.stage.in_(OPEN_STAGES),
            or_(Lead.working_status.is_(None), Lead.working_status.not_in(CLOSED_STATUSES)),
        )
        .group_by(Lead.owner_id)
    )
    return dict(rows.tuples().all())


def by_probability(session: Session, leads: Iterable[Lead]) -> list[Lead]:
    """Leads in routing order: the highest predicted probability of winning first, so when
    reps have room for only some, the likeliest wins go first; unscored leads after the
    scored ones, ties by id (oldest first)."""
    leads = list(leads)
    probability = predicted_probabilities(session, [lead.id for lead in leads])
    return sorted(leads, key=lambda lead: (-probability.get(lead.id, -1.0), lead.id))


def position(row: TeamMember) -> Fraction:
    """A member's stored rotation position as the exact fraction the rule works with."""
    return Fraction(row.rotation_counter).limit_denominator(POSITION_DENOMINATOR)


def pool_rotation(rows: Iterable[TeamMember]) -> rules.PoolRotation:
    """One pool's rotation from all its member rows: the level is the smallest position."""
    positions = {row.user_id: position(row) for row in rows}
    return rules.PoolRotation(min(positions.values(), default=Fraction(0)), positions)


def store_rotation(rows: Iterable[TeamMember], pool: rules.PoolRotation) -> None:
    """Write a pool's rotation back, every member lifted to the level (see the docstring)."""
    for row in rows:
        value = float(max(pool.positions.get(row.user_id, pool.level), pool.level))
        if row.rotation_counter != value:
            row.rotation_counter = value


def lock_members(
    session: Session, *, team_ids: Collection[int], user_ids: Collection[int] = ()
) -> list[TeamMember]:
    """The member rows of these teams (and these users' memberships), locked in id order.

    Every writer of rotation counters and assignments locks through here, always in id
    order, so two routings never deadlock; on SQLite, BEGIN IMMEDIATE already serialises.
    """
    conditions = [TeamMember.team_id.in_(sorted(team_ids))]
    if user_ids:
        conditions.append(TeamMember.user_id.in_(sorted(user_ids)))
    return list(
        session.scalars(
            select(TeamMember)
            .where(or_(*conditions))
            .order_by(TeamMember.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


@lru_cache(maxsize=256)
def stand_in_calendar(timezone: str) -> BusinessCalendar:
    """Mon-Fri 09:00-17:00 in the team's zone, until #5 brings calendars per team."""
    return BusinessCalendar(timezone=timezone, week=STAND_IN_WEEK)


def rule_territory(row: Territory | None) -> rules.Territory:
    """The rule's territory for a team's row (no row: covers nothing in particular)."""
    if row is None:
        return rules.Territory()
    sizes = ()
    if row.employees_min is not None or row.employees_max is not None:
        sizes = (rules.SizeSegment(row.employees_min, row.employees_max),)
    return rules.Territory(
        countries=frozenset(row.countries or ()),
        regions=frozenset(row.regions or ()),
        products=frozenset(row.products or ()),
        sizes=sizes,
    )


def lead_to_route(lead: Lead, account: Account | None) -> rules.LeadToRoute:
    """What routing looks at: the lead's place, product, size and its account's owner."""
    employees = account.employees if account is not None else None
    if employees is None:
        employees = fallback(lead.properties, EMPLOYEE_KEYS, as_count)
    return rules.LeadToRoute(
        lead_id=lead.id,
        country=lead.country or (account.country if account is not None else None),
        region=lead.region,
        product=lead.product_interest,
        employees=employees,
        email_domain=email_domain(lead.email) if lead.email else None,
        account_owner_id=account.owner_id if account is not None else None,
        channel=lead.channel,
    )


@dataclass
class Pools:
    """Everything routing reads in one transaction, kept current as leads are placed.

    `rows` are the locked member rows; `full` the teams whose rows are all loaded (only
    those may pick from their rotation: a partial pool would get a wrong level).
    """

    teams: list[Team]
    territories: dict[int, rules.Territory]
    fallback_team_id: int
    rows: list[TeamMember]
    full: set[int]
    users: dict[int, User]
    leave: dict[int, list[tuple[datetime, datetime]]]
    open_leads: dict[int, int]
    skip_outside_hours: bool
    rotation: rules.RotationState = field(default_factory=rules.RotationState)
    moved: set[int] = field(default_factory=set)

    def rule_teams(self, *, exclude_user: int | None = None) -> list[rules.Team]:
        """The rules' teams, in id order (territory ties go to the older team)."""
        members: dict[int, list[rules.Member]] = {}
        for row in self.rows:
            if row.user_id != exclude_user:
                members.setdefault(row.team_id, []).append(self._member(row))
        return [
            rules.Team(
                team_id=team.id,
                name=team.name,
                territory=self.territories[team.id],
                members=tuple(members.get(team.id, ())),
                manager_id=team.manager_id,
            )
            for team in self.teams
        ]

    def _member(self, row: TeamMember) -> rules.Member:
        user = self.users[row.user_id]
        team = next(t for t in self.teams if t.id == row.team_id)
        return rules.Member(
            user_id=row.user_id,
            team_id=row.team_id,
            weight=row.weight,
            capacity=row.capacity,
            open_leads=self.open_leads.get(row.user_id, 0),
            active=row.active and user.is_active,
            out_of_office=tuple(self.leave.get(row.user_id, ())),
            calendar=stand_in_calendar(team.timezone) if self.skip_outside_hours else None,
            name=user.name,
        )

    def placed(self, decision: rules.Decision) -> None:
        """Count the new open lead and keep the pool's new rotation (call `store` at the end)."""
        if decision.owner_id is not None:
            self.open_leads[decision.owner_id] = self.open_leads.get(decision.owner_id, 0) + 1
        if decision.rotation is not self.rotation and decision.team_id in self.full:
            self.rotation = decision.rotation
            self.moved.add(decision.team_id)

    def store(self) -> None:
        """Write the rotation of every pool that moved to its member rows (one UPDATE each)."""
        for team_id in sorted(self.moved):
            rows = (r for r in self.rows if r.team_id == team_id)
            store_rotation(rows, self.rotation.pool(team_id))
        self.moved.clear()

    def team(self, team_id: int) -> Team | None:
        """An active team by id."""
        return next((t for t in self.teams if t.id == team_id), None)


def read_pools(
    session: Session,
    *,
    teams: list[Team],
    fallback_team_id: int,
    leads: Collection[rules.LeadToRoute],
    now: datetime,
    skip_outside_hours: bool,
) -> Pools:
    """Lock and read the pools the routing of `leads` can touch: each lead's territory team
    (or the fallback team), and the memberships of their account owners."""
    rows = session.scalars(select(Territory).where(Territory.team_id.in_([t.id for t in teams])))
    by_team = {row.team_id: row for row in rows}
    territories = {t.id: rule_territory(by_team.get(t.id)) for t in teams}
    bare = [rules.Team(team_id=t.id, name=t.name, territory=territories[t.id]) for t in teams]
    full: set[int] = set()
    for lead in leads:
        team = rules.territory_team(lead, bare, fallback_team_id=fallback_team_id)
        full.add(team.team_id if team is not None else fallback_team_id)
    owners = {lead.account_owner_id for lead in leads if lead.account_owner_id is not None}
    active_ids = {t.id for t in teams}
    members = [
        r for r in lock_members(session, team_ids=full, user_ids=owners) if r.team_id in active_ids
    ]
    user_ids = {r.user_id for r in members}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    leave: dict[int, list[tuple[datetime, datetime]]] = {}
    periods = session.execute(
        select(OutOfOffice.user_id, OutOfOffice.starts_at, OutOfOffice.ends_at).where(
            OutOfOffice.user_id.in_(user_ids), OutOfOffice.ends_at > now
        )
    )
    for user_id, start, end in periods:
        leave.setdefault(user_id, []).append((start, end))
    pools = Pools(
        teams=teams,
        territories=territories,
        fallback_team_id=fallback_team_id,
        rows=members,
        full=full,
        users=users,
        leave=leave,
        open_leads=open_lead_counts(session, user_ids),
        skip_outside_hours=skip_outside_hours,
    )
    pools.rotation = rules.RotationState(
        {tid: pool_rotation(r for r in members if r.team_id == tid) for tid in full}
    )
    return pools
