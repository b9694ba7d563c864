"""The marketing programs of the quarter, one or more on every channel, with costs and dates."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from baton.schemas.forms import FormCreate
from baton.schemas.programs import ProgramCreate
from baton.services.auth import Actor
from baton.services.forms import create_form
from baton.services.programs import create_program


@dataclass(frozen=True)
class ProgramSpec:
    """A program: its channel and product, cost (EUR), the weeks it runs and its lead share."""

    name: str
    channel: str
    product: str | None
    cost: int
    weeks: tuple[int, int]  # first and last week of the quarter it generates leads (0-based)
    share: float  # relative leads per active week


PROGRAMS = (
    ProgramSpec("Website: contact and demo forms", "web", None, 6_000, (0, 12), 9),
    ProgramSpec("Analytics Summit Berlin (booth)", "event", "analytics", 38_000, (2, 3), 30),
    ProgramSpec("Payments World Singapore", "event", "payments", 26_000, (7, 8), 22),
    ProgramSpec("CFO direct mail: payments ROI kit", "direct_mail", "payments", 12_500, (1, 5), 3),
    ProgramSpec("Monthly product newsletter", "email", None, 1_800, (0, 12), 3),
    ProgramSpec("Webinar: real-time analytics", "email", "analytics", 3_500, (4, 6), 8),
    ProgramSpec("Outbound SDR call blitz", "teleprospecting", "payments", 21_000, (3, 9), 3),
    ProgramSpec("Search ads: analytics software", "paid_search", "analytics", 31_000, (0, 12), 7),
    ProgramSpec("Search ads: payments platform", "paid_search", "payments", 24_000, (0, 12), 5),
    ProgramSpec("LinkedIn lead gen ads", "social", "payments", 16_000, (0, 8), 6),
    ProgramSpec("Partner referrals: Northwind", "partner", "analytics", 7_500, (0, 12), 2),
    ProgramSpec("Partner referrals: Contoso", "partner", "payments", 5_000, (4, 12), 2),
)
# Web forms: key, name, the program whose leads they capture.
FORMS = (
    ("contact-us", "Contact us", "Website: contact and demo forms"),
    ("demo-request", "Request a demo", "Website: contact and demo forms"),
    ("webinar-analytics", "Webinar registration", "Webinar: real-time analytics"),
)


@dataclass(frozen=True)
class LiveProgram:
    """A created program and when it generates leads (days from the quarter's start)."""

    id: int
    spec: ProgramSpec
    first_day: int
    last_day: int


def create_programs(
    session: Session, *, first_day: date, weeks: int = 13, actor: Actor, now
) -> list[LiveProgram]:
    """Every program through the programs service, then the forms on the website; the
    programs' weeks (planned for 13) are stretched or squeezed to `weeks`."""
    live = []
    for spec in PROGRAMS:
        first = spec.weeks[0] * weeks // 13
        last = max(first, (spec.weeks[1] + 1) * weeks // 13 - 1)
        starts = first_day + timedelta(weeks=first)
        ends = first_day + timedelta(weeks=last, days=6)
        data = ProgramCreate(
            name=spec.name,
            channel=spec.channel,
            product=spec.product,
            cost=Decimal(spec.cost),
            starts_on=starts,
            ends_on=ends,
        )
        program = create_program(session, data=data, actor=actor, now=now)
        live.append(LiveProgram(program.id, spec, 7 * first, 7 * last + 6))
    by_name = {p.spec.name: p.id for p in live}
    for key, name, program in FORMS:
        data = FormCreate(
            key=key,
            name=name,
            program_id=by_name[program],
            thank_you_url="https://example.com/thanks",
        )
        create_form(session, data=data, actor=actor, now=now)
    return live
