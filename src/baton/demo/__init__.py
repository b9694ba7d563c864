"""The demo: a simulated quarter of a B2B software company, written through Baton's services.

`seed_demo(session, now=..., seed=..., leads=..., weeks=...)` sets up the company (users,
three regions with calendars, territories and rep pools, programs on every channel, forms),
then runs the quarter ending at `now` hour by hour (`simulation.Quarter`): leads arrive
through bulk intake, engage, are scored by the default playbook, become MQLs, are routed,
answered by reps after delays in business time, accepted or rejected with reasons, qualified,
turned into deals won or lost; the SLA sweep warns, breaches and recycles; some recycled leads
come back and qualify again. Same seed and `now`: the same rows. It never commits.

Modules: `company` (people, teams, calendars, pools), `programs`, `people` (personas, Faker
names and companies), `intake` (arrivals, bulk capture), `engagement` and `activity` (event
streams, written in bulk and rescored), `sales` and `decisions` (the reps), `simulation`
(the clock loop), `logins` (sign-in details).

Extension point: other features add their demo data with a *seeder*, a function
`seed(session, *, rng, now)` called once at the end of the quarter (with its own seeded
`random.Random` and the quarter's last `now`). List it in `SEEDERS` as (module, function);
a module that does not import (the feature is not installed yet) is skipped quietly.
"""

import gc
import importlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from baton.demo.company import setup_company
from baton.demo.intake import plan_arrivals
from baton.demo.logins import (
    DEMO_PASSWORD,
    DemoLogin,
    already_seeded,
    demo_logins,
    set_demo_passwords,
)
from baton.demo.people import People
from baton.demo.programs import create_programs
from baton.demo.simulation import Progress, Quarter, Tally, all_countries
from baton.services.playbooks import active_playbook

log = logging.getLogger("baton.demo")

# (module, function): each is called as function(session, rng=..., now=...) after the quarter.
SEEDERS: list[tuple[str, str]] = [
    ("baton.demo_content", "seed_content"),  # the sales-tools library (#11)
    ("baton.demo_performance", "seed_performance"),  # partners and quotas (#10)
]

__all__ = [
    "DEMO_PASSWORD",
    "SEEDERS",
    "DemoLogin",
    "Tally",
    "already_seeded",
    "demo_logins",
    "run_seeders",
    "seed_demo",
]


def seed_demo(
    session: Session,
    *,
    now: datetime,
    seed: int = 7,
    leads: int = 20_000,
    weeks: int = 13,
    progress: Progress | None = None,
) -> Tally:
    """Set up the company and simulate the `weeks` weeks ending at `now` (in the caller's
    transaction); returns what happened."""
    start = now - timedelta(weeks=weeks)
    active_playbook(session, now=start)  # the default playbook, in force from the start
    company = setup_company(session, start=start)
    set_demo_passwords(session, now=start)
    admin = company.actor("admin")
    programs = create_programs(session, first_day=start.date(), weeks=weeks, actor=admin, now=start)
    people = People(random.Random(f"{seed}:people"), all_countries())
    arrivals = plan_arrivals(
        random.Random(f"{seed}:arrivals"),
        people,
        programs,
        start=start,
        days=7 * weeks,
        count=leads,
    )
    webinar = next((p.id for p in programs if p.spec.name.startswith("Webinar")), None)
    quarter = Quarter(session, company=company, arrivals=arrivals, seed=seed, webinar_id=webinar)
    gc.freeze()  # the planned quarter lives to the end: keep it out of every collection
    try:
        tally = quarter.run(start=start, end=now, progress=progress)
    finally:
        gc.unfreeze()
    tally.extra = run_seeders(session, seed=seed, now=now)
    return tally


def run_seeders(session: Session, *, seed: int, now: datetime) -> dict[str, str]:
    """Call every installed seeder of SEEDERS; what each did (or 'absent')."""
    done = {}
    for module, name in SEEDERS:
        seeder = _optional(module, name)
        if seeder is None:
            done[module] = "absent"
            continue
        seeder(session, rng=random.Random(f"{seed}:{module}"), now=now)
        done[module] = "seeded"
    return done


def _optional(module: str, name: str) -> Callable | None:
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None  # the feature is not there: skip quietly
        raise  # the module is there but broken: say so
    return getattr(found, name, None)
