"""Demo data for #10: channel partners with their leads, and quotas for the current quarter.

Called by the demo (baton.demo.SEEDERS) after the simulated quarter. Partners get the leads
of the partner-channel programs (split between them, each change recorded through
`apply_changes`); every rep gets a revenue and an SQL quota for the current fiscal quarter,
set from what they won in the simulated weeks so attainment and pace look like a real quarter.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Lead, Partner, Program
from baton.schemas.performance import PartnerCreate
from baton.services.auth import Actor
from baton.services.leads import apply_changes
from baton.services.partners import create_partner
from baton.services.performance.metrics import rep_metrics
from baton.services.performance.people import sales_people
from baton.services.performance.periods import resolve_period
from baton.services.performance.quotas import set_quota
from baton.services.playbooks import active_playbook

ADMIN = Actor(user_id=None, role="admin", via="demo")
PARTNERS = (("Northwind Resellers", "northwind"), ("Contoso Consulting", "contoso"))


def seed_performance(session: Session, *, rng: random.Random, now: datetime) -> None:
    """Partners with a manager each and their share of partner leads; quotas per rep."""
    if session.scalar(select(func.count()).select_from(Partner)):
        return
    people = sales_people(session)
    reps = [p for p in people if p.team_id is not None]
    if not reps:
        return
    managers = rng.sample(reps, k=min(len(PARTNERS), len(reps)))
    partners = [
        create_partner(
            session,
            data=PartnerCreate(name=name, key=key, manager_id=manager.user_id),
            actor=ADMIN,
            now=now,
        )
        for (name, key), manager in zip(PARTNERS, managers, strict=False)
    ]
    partner_programs = select(Program.id).where(Program.channel == "partner")
    leads = session.scalars(
        select(Lead).where(Lead.program_id.in_(partner_programs)).order_by(Lead.id)
    ).all()
    for lead in leads:
        partner = partners[rng.randrange(len(partners))]
        apply_changes(session, lead, {"partner_id": partner.id}, actor=ADMIN, now=now)
    seed_quotas(session, rng=rng, now=now)


def seed_quotas(session: Session, *, rng: random.Random, now: datetime) -> None:
    """A revenue and an SQL quota per rep for the current quarter: what they did in the
    simulated weeks, stretched a little, so attainment and pace look like a real quarter."""
    _, playbook = active_playbook(session, now=now)
    period = resolve_period(playbook, None, now=now)
    reps = [p for p in sales_people(session) if p.team_id is not None]
    done = rep_metrics(
        session,
        starts_at=now - timedelta(weeks=13),
        ends_at=now,
        user_ids=[r.user_id for r in reps],
    )
    for rep in reps:
        did = done[rep.user_id]
        revenue = max(50_000.0, round(did.get("won_revenue", 0) * rng.uniform(1.0, 1.4), -4))
        sqls = max(5.0, round(did.get("sqls", 0) * rng.uniform(1.0, 1.4)))
        for kind, amount in (("revenue", revenue), ("sqls", sqls)):
            set_quota(
                session,
                period=period.key,
                kind=kind,
                amount=amount,
                user_id=rep.user_id,
                actor=ADMIN,
                now=now,
            )
