"""The demo company: its people, three sales regions with calendars and territories, a rep pool.

Reps differ in how fast they answer (median delay in business hours: the slow ones breach
the SLA) and in how many open leads they can hold (capacity, so busy pools queue leads).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from baton.models import User
from baton.schemas.calendars import CalendarCreate, CalendarSpec
from baton.schemas.teams import MemberCreate, OutOfOfficeCreate, TeamCreate, TerritorySet
from baton.services.auth import Actor, add_user
from baton.services.calendars import create_calendar
from baton.services.out_of_office import add_out_of_office
from baton.services.teams import add_member, create_team, set_territory

DOMAIN = "baton.demo"
SETUP = Actor(user_id=None, role="admin", via="demo")


@dataclass(frozen=True)
class Region:
    """A sales team: its zone, public holidays, working week, countries and their lead share."""

    name: str
    timezone: str
    holidays: str  # ISO country whose public holidays the team keeps
    week: dict[str, list[str]]
    countries: dict[str, float]  # country -> share of the company's leads


REGIONS = (
    Region(
        "Americas",
        "America/New_York",
        "US",
        {"mon-fri": ["09:00-17:00"]},
        {"US": 30, "CA": 4, "BR": 3, "MX": 1},
    ),
    Region(
        "EMEA",
        "Europe/Berlin",
        "DE",
        {"mon-thu": ["08:30-12:30", "13:30-17:30"], "fri": ["08:30-14:00"]},
        {
            "DE": 11,
            "GB": 10,
            "FR": 6,
            "NL": 4,
            "ES": 3,
            "IT": 2,
            "SE": 2,
            "CH": 2,
            "AT": 1,
            "BE": 1,
            "DK": 1,
            "IE": 1,
        },
    ),  # fmt: skip
    Region(
        "APAC",
        "Asia/Singapore",
        "SG",
        {"mon-fri": ["09:00-18:00"]},
        {"SG": 3, "AU": 5, "JP": 3, "IN": 5, "NZ": 1},
    ),
)


@dataclass(frozen=True)
class Rep:
    """A sales rep: median first-response delay (business hours), capacity, routing weight."""

    email: str
    name: str
    region: str
    median_hours: float
    capacity: int
    weight: float = 1.0


REPS = (
    Rep("rita", "Rita Rossi", "EMEA", 0.7, 70, 1.5),
    Rep("jonas", "Jonas Weber", "EMEA", 1.5, 60),
    Rep("claire", "Claire Dubois", "EMEA", 3.0, 50),
    Rep("piet", "Piet de Vries", "EMEA", 7.0, 40, 0.7),  # slow: breaches often
    Rep("raj", "Raj Patel", "Americas", 0.5, 80, 1.5),
    Rep("emma", "Emma Johnson", "Americas", 1.2, 70),
    Rep("luis", "Luis Garcia", "Americas", 2.5, 60),
    Rep("tom", "Tom Baker", "Americas", 9.0, 40, 0.6),  # slow
    Rep("noah", "Noah Miller", "Americas", 4.0, 35),
    Rep("yuki", "Yuki Tanaka", "APAC", 0.8, 60, 1.2),
    Rep("wei", "Wei Lim", "APAC", 2.0, 50),
    Rep("arjun", "Arjun Mehta", "APAC", 6.0, 35, 0.8),  # slow
)
# e-mail local part, name, role, region (managers lead a region).
STAFF = (
    ("admin", "Ada Admin", "admin", None),
    ("maria", "Maria Marketing", "marketing", None),
    ("oliver", "Oliver Ops", "marketing", None),
    ("sam", "Sam Schneider", "sales_manager", "EMEA"),
    ("alex", "Alex Carter", "sales_manager", "Americas"),
    ("mei", "Mei Chen", "sales_manager", "APAC"),
)


@dataclass
class Company:
    """Ids of what the setup created, for the rest of the simulation."""

    users: dict[str, User] = field(default_factory=dict)  # e-mail local part -> user
    team_ids: dict[str, int] = field(default_factory=dict)
    reps: dict[int, Rep] = field(default_factory=dict)  # user id -> rep profile
    managers: dict[int, int] = field(default_factory=dict)  # team id -> manager user id

    def actor(self, local: str) -> Actor:
        """A staff member acting in the demo."""
        user = self.users[local]
        return Actor(user_id=user.id, role=user.role, via="demo")

    def rep_actor(self, user_id: int) -> Actor:
        """A rep acting on their lead."""
        return Actor(user_id=user_id, role="sales_rep", via="demo")


def email(local: str) -> str:
    """A demo user's e-mail address."""
    return f"{local}@{DOMAIN}"


def setup_company(session: Session, *, start: datetime) -> Company:
    """Users, teams with calendars, territories and rep pools; one rep on holiday mid-quarter."""
    company = Company()
    for local, name, role, _team in STAFF:
        company.users[local] = add_user(
            session, email=email(local), name=name, role=role, now=start
        )
    for rep in REPS:
        user = add_user(session, email=email(rep.email), name=rep.name, role="sales_rep", now=start)
        company.users[rep.email] = user
        company.reps[user.id] = rep
    for region in REGIONS:
        _region(session, company, region, start)
    _holiday(session, company, start)
    return company


def _region(session: Session, company: Company, region: Region, now: datetime) -> None:
    manager = next(company.users[s[0]] for s in STAFF if s[3] == region.name)
    team = create_team(
        session,
        data=TeamCreate(name=region.name, timezone=region.timezone, manager_id=manager.id),
        actor=SETUP,
        now=now,
    )
    company.team_ids[region.name] = team.id
    company.managers[team.id] = manager.id
    manager.team_id = team.id
    spec = CalendarSpec(timezone=region.timezone, week=region.week, country=region.holidays)
    create_calendar(
        session,
        data=CalendarCreate(name=f"{region.name} business hours", team_id=team.id, spec=spec),
        actor=SETUP,
        now=now,
    )
    territory = TerritorySet(countries=sorted(region.countries))
    set_territory(session, team_id=team.id, data=territory, actor=SETUP, now=now)
    for user_id, rep in company.reps.items():
        if rep.region == region.name:
            company.users[rep.email].team_id = team.id
            member = MemberCreate(user_id=user_id, weight=rep.weight, capacity=rep.capacity)
            add_member(session, team_id=team.id, data=member, actor=SETUP, now=now)


def _holiday(session: Session, company: Company, start: datetime) -> None:
    """Jonas takes a week off in the quarter's sixth week: routing skips him meanwhile."""
    user = company.users["jonas"]
    begins = start + timedelta(weeks=5)
    data = OutOfOfficeCreate(
        user_id=user.id, starts_at=begins, ends_at=begins + timedelta(days=7), note="vacation"
    )
    team_id = company.team_ids["EMEA"]
    add_out_of_office(session, team_id=team_id, data=data, actor=SETUP, now=start)
