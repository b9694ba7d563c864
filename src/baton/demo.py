"""A small seeded data set that shows Baton working (the quarter simulator of #8 replaces it).

Everything goes through Baton's own services, so the demo exercises the product.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Form, Lead, Program, User
from baton.schemas.events import EventIn
from baton.schemas.leads import LeadCreate
from baton.schemas.teams import MemberCreate, TeamCreate, TerritorySet
from baton.services.auth import Actor, add_user, create_token
from baton.services.events import record_events
from baton.services.leads import capture_lead
from baton.services.stages import transition_lead
from baton.services.teams import add_member, create_team, set_territory

DEMO_USERS = (
    ("admin@baton.demo", "Ada Admin", "admin", None),
    ("maria@baton.demo", "Maria Marketing", "marketing", None),
    ("sam@baton.demo", "Sam Manager", "sales_manager", "EMEA"),
    ("rita@baton.demo", "Rita Rep", "sales_rep", "EMEA"),
    ("raj@baton.demo", "Raj Rep", "sales_rep", "Americas"),
    ("yuki@baton.demo", "Yuki Rep", "sales_rep", "APAC"),
)
# Sales regions: name, time zone, the countries they cover.
TEAMS = (
    ("EMEA", "Europe/Berlin", ["DE", "GB", "FR", "NL", "ES", "SE", "CH"]),
    ("Americas", "America/New_York", ["US", "CA", "BR"]),
    ("APAC", "Asia/Tokyo", ["JP", "AU", "SG"]),
)
PROGRAMS = (
    ("Website demo requests", "web", "analytics", "0"),
    ("SaaStr Europe booth", "event", "analytics", "18000"),
    ("Q4 direct mail to CFOs", "direct_mail", "payments", "9500"),
    ("Monthly newsletter", "email", None, "1200"),
    ("Outbound call blitz", "teleprospecting", "payments", "14000"),
    ("Search: analytics software", "paid_search", "analytics", "22000"),
    ("LinkedIn lead ads", "social", "payments", "11000"),
    ("Partner referrals: Northwind", "partner", "analytics", "6000"),
)
FIRST = (
    "Anna Ben Carla David Elena Farid Greta Hiro Ines Jonas Kemal Lea Marco Nina Omar Paula".split()
)
LAST = "Novak Schmidt Rossi Garcia Muller Tanaka Silva Kowalski Dubois Jensen Costa Weber".split()
COMPANIES = (
    ("Initech", "initech.com", "US"),
    ("Globex", "globex.com", "US"),
    ("Umbrella Analytics", "umbrella-analytics.de", "DE"),
    ("Hooli", "hooli.io", "US"),
    ("Stark Logistics", "stark-logistics.co.uk", "GB"),
    ("Wayne Retail", "wayneretail.fr", "FR"),
    ("Tyrell Systems", "tyrell.jp", "JP"),
    ("Soylent Foods", "soylent.nl", "NL"),
    ("Vandelay Imports", "vandelay.es", "ES"),
    ("Oscorp Energy", "oscorp.se", "SE"),
    ("Cyberdyne", "cyberdyne.com.au", "AU"),
    ("Wonka Confections", "wonka.ch", "CH"),
)
TITLES = (
    "CTO",
    "VP Engineering",
    "Head of IT",
    "Data Analyst",
    "CFO",
    "Finance Manager",
    "Marketing Manager",
    "Student",
    "Software Engineer",
    "Head of Payments",
)
EVENT_TYPES = (
    "page_view",
    "page_view",
    "page_view",
    "email_open",
    "email_click",
    "webinar_attended",
    "form_submit",
    "demo_request",
)


@dataclass
class DemoLogin:
    email: str
    role: str
    token: str


def already_seeded(session: Session) -> bool:
    """True when the demo users exist (the demo seeds once and then only serves)."""
    return session.scalar(select(func.count()).select_from(User)) > 0


def seed_demo(
    session: Session,
    *,
    now: datetime,
    seed: int = 7,
    leads: int = 400,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Users, teams, programs, forms, leads with engagement and some stage history."""
    rng = random.Random(seed)
    admin = Actor(user_id=None, role="admin", via="demo")
    users = {
        email: add_user(session, email=email, name=name, role=role, now=now)
        for email, name, role, _team in DEMO_USERS
    }
    for name, zone, countries in TEAMS:
        manager = users["sam@baton.demo"].id if name == "EMEA" else None
        team = create_team(
            session,
            data=TeamCreate(name=name, timezone=zone, manager_id=manager),
            actor=admin,
            now=now,
        )
        set_territory(
            session, team_id=team.id, data=TerritorySet(countries=countries), actor=admin, now=now
        )
        for email, _name, role, team_name in DEMO_USERS:
            if team_name == name:
                users[email].team_id = team.id
                if role == "sales_rep":
                    add_member(
                        session,
                        team_id=team.id,
                        actor=admin,
                        now=now,
                        data=MemberCreate(user_id=users[email].id, capacity=200),
                    )
    programs = []
    for name, channel, product, cost in PROGRAMS:
        program = Program(
            name=name,
            channel=channel,
            product=product,
            cost=Decimal(cost),
            created_at=now,
            updated_at=now,
        )
        session.add(program)
        programs.append(program)
    session.flush()
    session.add(
        Form(
            key="contact-us",
            name="Contact us",
            program_id=programs[0].id,
            thank_you_url="https://example.com/thanks",
            created_at=now,
            updated_at=now,
        )
    )
    marketing = Actor(user_id=users["maria@baton.demo"].id, role="marketing", via="demo")
    rep = Actor(user_id=users["rita@baton.demo"].id, role="sales_rep", via="demo")
    for i in range(leads):
        _seed_lead(session, rng, i, programs, marketing, rep, now)
        if progress:
            progress(1)


def _seed_lead(session, rng, i, programs, marketing, rep, now) -> None:
    created = now - timedelta(days=rng.uniform(1, 90))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company, domain, country = rng.choice(COMPANIES)
    if rng.random() < 0.15:
        domain, company = "gmail.com", None
    program = rng.choice(programs)
    data = LeadCreate(
        email=f"{first}.{last}.{i}@{domain}".lower(),
        first_name=first,
        last_name=last,
        company=company,
        country=country,
        title=rng.choice(TITLES),
        program_id=program.id,
        product_interest=program.product or rng.choice(("analytics", "payments")),
    )
    lead = capture_lead(session, data=data, actor=marketing, now=created).lead
    n_events = min(int(rng.paretovariate(1.5)) - 1, 15)
    times = sorted(created + timedelta(hours=rng.uniform(0, 24 * 20)) for _ in range(n_events))
    url = ("/pricing", "/product", "/blog/sla", "/docs")
    items = [
        EventIn(
            lead_id=lead.id,
            type=rng.choice(EVENT_TYPES),
            occurred_at=t,
            properties={"url": rng.choice(url)},
        )
        for t in times
        if t < now
    ]
    if items:
        record_events(session, items=items, actor=marketing, now=now)
    _walk(session, rng, lead.id, created, marketing, rep, now)


def _walk(session, rng, lead_id, created, marketing, rep, now) -> None:
    """Move some leads down the funnel, with realistic losses at each step."""
    steps = (
        ("mql", 0.25, marketing),
        ("sal", 0.65, rep),
        ("sql", 0.55, rep),
        ("opportunity", 0.6, rep),
        ("won", 0.35, rep),
    )
    at = created
    for stage, chance, actor in steps:
        at = at + timedelta(days=rng.uniform(0.5, 9))
        if at >= now:
            return
        if stage == "mql" and session.get(Lead, lead_id).stage == "mql":
            continue  # the playbook qualified it already (scoring moved it)
        if rng.random() > chance:
            if stage in ("sal", "sql"):
                transition_lead(
                    session,
                    lead_id=lead_id,
                    to_stage="recycled",
                    actor=rep,
                    reason="no budget this quarter",
                    now=at,
                )
            elif stage == "won":
                transition_lead(
                    session,
                    lead_id=lead_id,
                    to_stage="lost",
                    actor=rep,
                    reason="chose a competitor",
                    now=at,
                )
            return
        transition_lead(
            session, lead_id=lead_id, to_stage=stage, actor=actor, reason=f"demo: {stage}", now=at
        )


def demo_logins(session: Session, *, now: datetime) -> list[DemoLogin]:
    """A fresh API token for each demo user (tokens are shown once, so each run makes new)."""
    logins = []
    for email, _name, role, _team in DEMO_USERS:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            continue
        _, plain = create_token(session, user=user, name="demo", now=now)
        logins.append(DemoLogin(email=email, role=role, token=plain))
    return logins
