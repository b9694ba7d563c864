"""The sales side: reps answer their assigned leads after a delay in business hours, log
attempts, accept or reject with a reason (correlated with fit), qualify, open deals and close
them won or lost. Every step is a call of the hand-off or opportunity services.

Each step is an entry on the agenda (a heap by time); a step first checks that the lead is
still where it left it (still the rep's, still in that stage), as a rep would.
"""

import heapq
import random
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from baton.demo.company import Company
from baton.demo.decisions import (
    ACCEPT,
    QUALIFY,
    WIN,
    amount,
    attempt_outcome,
    loss_reason,
    rejection_reason,
)
from baton.models import Lead, LeadScore, Opportunity
from baton.rules.calendar import BusinessCalendar, add_business_time
from baton.services.calendars import calendar_for_team
from baton.services.handoff import accept_lead, log_attempt, qualify_lead, reject_lead
from baton.services.opportunities import close_opportunity, open_opportunity

MAX_ATTEMPTS = 4
# What a rep sees first: the lead's stage, owner, team, do-not-contact, grade and persona.
_STATE = (
    select(Lead.stage, Lead.owner_id, Lead.team_id, Lead.do_not_contact)
    .where(Lead.id == bindparam("lead_id"))
    .add_columns(LeadScore.grade, LeadScore.persona)
    .outerjoin(LeadScore, LeadScore.lead_id == Lead.id)
)


class Sales:
    """The reps of the company and what each still means to do, by time."""

    def __init__(self, session: Session, company: Company, rng: random.Random) -> None:
        self.session = session
        self.company = company
        self.rng = rng
        self.agenda: list[tuple[datetime, int, str, int, int, int]] = []
        self.seq = 0
        self.calendars: dict[int | None, BusinessCalendar] = {}
        self.steps = 0

    # ---- scheduling ----------------------------------------------------------------------

    def later(self, at: datetime, step: str, lead_id: int, owner_id: int, n: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.agenda, (at, self.seq, step, lead_id, owner_id, n))

    def calendar(self, team_id: int | None, now: datetime) -> BusinessCalendar:
        if team_id not in self.calendars:
            found = calendar_for_team(self.session, team_id=team_id, now=now)
            self.calendars[team_id] = found.calendar
        return self.calendars[team_id]

    def business_later(self, at: datetime, hours: float, team_id: int | None) -> datetime:
        cal = self.calendar(team_id, at)
        return add_business_time(at, timedelta(hours=hours), cal)

    def after(
        self, at: datetime, hours: float, team_id: int | None, step: str, lead_id: int, owner: int,
        n: int = 0,
    ) -> None:  # fmt: skip
        """Schedule `step` `hours` business hours after `at` on the team's calendar."""
        self.later(self.business_later(at, hours, team_id), step, lead_id, owner, n)

    def assigned(self, lead_id: int, owner_id: int, team_id: int | None, at: datetime) -> None:
        """A rep got a lead: they will look at it after their usual delay (some forget)."""
        rep = self.company.reps.get(owner_id)
        median = rep.median_hours if rep else 2.0
        delay = median * self.rng.lognormvariate(0, 0.8)
        if self.rng.random() < 0.04:
            delay *= 4  # buried in the inbox
        self.later(self.business_later(at, delay, team_id), "respond", lead_id, owner_id)

    def run_due(self, now: datetime) -> None:
        """Take every step due by `now`, each at its own time."""
        while self.agenda and self.agenda[0][0] <= now:
            at, _, step, lead_id, owner_id, n = heapq.heappop(self.agenda)
            getattr(self, f"_{step}")(at, lead_id, owner_id, n)
            self.steps += 1

    # ---- steps ---------------------------------------------------------------------------

    def _state(self, lead_id: int) -> tuple:
        return tuple(self.session.execute(_STATE, {"lead_id": lead_id}).one())

    def _respond(self, at: datetime, lead_id: int, owner_id: int, _n: int) -> None:
        stage, owner, team_id, dnc, grade, persona = self._state(lead_id)
        if stage != "mql" or owner != owner_id:
            return
        actor = self.company.rep_actor(owner_id)
        rng = self.rng
        accept = rng.random() < ACCEPT.get(grade, 0.5) and persona != "student or job seeker"
        attempt_first = not dnc and rng.random() < (0.75 if accept else 0.35)
        connected = False
        if attempt_first:
            outcome = attempt_outcome(rng, grade)
            log_attempt(
                self.session, lead_id=lead_id, channel="call", outcome=outcome, actor=actor, now=at
            )
            connected = outcome == "connected"
        if not accept:
            code = rejection_reason(rng, grade, persona)
            reject_lead(self.session, lead_id=lead_id, reason_code=code, actor=actor, now=at)
            return
        accept_lead(self.session, lead_id=lead_id, actor=actor, now=at)
        if dnc:
            self.after(at, rng.uniform(4, 16), team_id, "qualify", lead_id, owner)
        elif connected:
            self.after(at, rng.uniform(2, 20), team_id, "qualify", lead_id, owner)
        else:
            # Accepted at once but called later: the slow ones miss the first-attempt clock.
            if attempt_first:  # the next try, a day or so later
                hours, n = rng.uniform(6, 24), 1
            else:
                rep = self.company.reps.get(owner_id)
                hours, n = (rep.median_hours if rep else 2) * rng.uniform(0.5, 2), 0
            self.after(at, hours, team_id, "attempt", lead_id, owner, n)

    def _attempt(self, at: datetime, lead_id: int, owner_id: int, n: int) -> None:
        stage, owner, team_id, dnc, grade, _persona = self._state(lead_id)
        if stage != "sal" or owner != owner_id or dnc:
            return
        rng = self.rng
        outcome = attempt_outcome(rng, grade)
        channel = rng.choice(("call", "call", "email", "social"))
        actor = self.company.rep_actor(owner_id)
        log_attempt(
            self.session, lead_id=lead_id, channel=channel, outcome=outcome, actor=actor, now=at
        )
        if outcome == "connected":
            self.after(at, rng.uniform(2, 24), team_id, "qualify", lead_id, owner)
        elif n + 1 < MAX_ATTEMPTS and rng.random() < 0.85:
            # No disposition after the last one: the attempt window ends and the SLA sweep
            # recycles the lead ("attempts exhausted").
            self.after(
                at,
                rng.uniform(6, 30),
                team_id,
                "attempt",
                lead_id,
                owner,
                n + 1,
            )

    def _qualify(self, at: datetime, lead_id: int, owner_id: int, _n: int) -> None:
        stage, owner, team_id, _dnc, grade, persona = self._state(lead_id)
        if stage != "sal" or owner != owner_id:
            return
        actor = self.company.rep_actor(owner_id)
        rng = self.rng
        if rng.random() < QUALIFY.get(grade, 0.5):
            qualify_lead(self.session, lead_id=lead_id, actor=actor, now=at)
            self.after(at, rng.uniform(4, 40), team_id, "open_deal", lead_id, owner)
        else:
            code = rejection_reason(rng, grade, persona, after_talk=True)
            reject_lead(self.session, lead_id=lead_id, reason_code=code, actor=actor, now=at)

    def _open_deal(self, at: datetime, lead_id: int, owner_id: int, _n: int) -> None:
        stage, owner, team_id, _dnc, grade, _persona = self._state(lead_id)
        if stage != "sql" or owner != owner_id:
            return
        actor = self.company.rep_actor(owner_id)
        rng = self.rng
        if rng.random() > 0.9:
            reject_lead(self.session, lead_id=lead_id, reason_code="timing", actor=actor, now=at)
            return
        lead = self.session.get(Lead, lead_id)
        product = lead.product_interest or "analytics"
        employees = (lead.properties or {}).get("employees") or 50
        cycle = rng.uniform(8, 45)
        deal = open_opportunity(
            self.session,
            lead_id=lead_id,
            amount=amount(rng, product, employees),
            product=product,
            expected_close_on=_day_after(at, cycle),
            actor=actor,
            now=at,
        )
        closes = self.business_later(at + timedelta(days=cycle * rng.uniform(0.7, 1.3)), 1, team_id)
        self.later(closes, "close_deal", deal.id, owner_id)

    def _close_deal(self, at: datetime, deal_id: int, owner_id: int, _n: int) -> None:
        deal = self.session.get(Opportunity, deal_id)
        if deal is None or deal.status != "open":
            return
        grade = self.session.scalar(
            select(LeadScore.grade).where(LeadScore.lead_id == deal.lead_id)
        )
        actor = self.company.rep_actor(owner_id)
        won = self.rng.random() < WIN.get(grade, 0.3)
        close_opportunity(
            self.session,
            opportunity_id=deal_id,
            status="won" if won else "lost",
            reason=None if won else loss_reason(self.rng),
            actor=actor,
            now=at,
        )


def _day_after(at: datetime, days: float) -> date:
    return (at + timedelta(days=days)).date()
