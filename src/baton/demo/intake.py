"""Lead generation: who arrives when through which program, captured through bulk intake.

Arrivals are planned up front (programs' weeks and shares, quieter weekends, a slow ramp-up);
each simulated hour's arrivals go through the bulk intake path (`services.imports`: resolve,
write_plan), exactly as an import or `POST /api/leads/bulk` would write them.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from baton.demo.people import People, Person
from baton.demo.programs import LiveProgram
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.imports.resolve import Candidate, resolve
from baton.services.imports.write import write_plan

INTAKE = Actor(user_id=None, role="marketing", via="demo:intake")
PRODUCTS = ("analytics", "payments")


@dataclass(frozen=True)
class Arrival:
    """A person who becomes a lead at `at` through `program`."""

    at: datetime
    person: Person
    program: LiveProgram
    product: str


def plan_arrivals(
    rng: random.Random,
    people: People,
    programs: list[LiveProgram],
    *,
    start: datetime,
    days: int,
    count: int,
) -> list[Arrival]:
    """`count` arrivals over `days` days from `start`, in time order."""
    day_weights, day_programs = [], []
    for day in range(days):
        live = [p for p in programs if p.first_day <= day <= p.last_day]
        weekday = (start + timedelta(days=day)).weekday()
        factor = (0.3 if weekday >= 5 else 1.0) * (0.8 + 0.4 * day / max(days, 1))
        day_weights.append(factor * sum(p.spec.share for p in live))
        day_programs.append(live)
    picked = rng.choices(range(days), weights=day_weights, k=count)
    out = []
    for day in sorted(picked):
        live = day_programs[day]
        program = rng.choices(live, weights=[p.spec.share for p in live])[0]
        # Most people act in their working day; UTC 06-22 covers the three regions' days.
        at = start + timedelta(days=day, hours=rng.uniform(6, 22))
        person = people.person()
        product = program.spec.product or rng.choice(PRODUCTS)
        out.append(Arrival(at, person, program, product))
    out.sort(key=lambda a: a.at)
    return out


def lead_input(arrival: Arrival) -> LeadCreate:
    """The intake item for an arrival (size and industry ride along as custom properties,
    as a form enrichment or an import would bring them)."""
    p = arrival.person
    properties: dict[str, object] = {"employees": p.firm.employees, "industry": p.firm.industry}
    if p.firm.tech_stack:
        properties["tech_stack"] = p.firm.tech_stack
    return LeadCreate(
        email=p.email,
        first_name=p.first_name,
        last_name=p.last_name,
        title=p.title,
        seniority=p.seniority,
        department=p.department,
        phone=p.phone,
        company=p.firm.name,
        country=p.firm.country,
        product_interest=arrival.product,
        program_id=arrival.program.id,
        properties=properties,
    )


def capture(session: Session, arrivals: list[Arrival], *, now: datetime) -> list[int]:
    """Write these arrivals as new inquiries through bulk intake; their lead ids, in order.

    Scoring follows once their first events are written (the caller rescores).
    """
    candidates = [Candidate(i, lead_input(a), created_at=a.at) for i, a in enumerate(arrivals)]
    plan = resolve(session, candidates=candidates, actor=INTAKE)
    write_plan(session, plan, actor=INTAKE, now=now)
    by_index = {o.index: o.target.lead_id for o in plan.outcomes if o.target is not None}
    return [by_index[i] for i in range(len(arrivals))]
