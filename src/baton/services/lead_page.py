"""Everything the lead page shows, read in one place: the lead, its account, owner and team,
its score explained, its running SLA clocks and possible duplicates."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from baton.models import Account, Lead, Team, User
from baton.services.inbox import Countdown, most_urgent_clocks
from baton.services.leads import get_lead
from baton.services.scoring.incremental import Explanation, explain_lead

DUPLICATES_SHOWN = 5


@dataclass(frozen=True)
class LeadPage:
    lead: Lead
    account: Account | None
    owner: User | None
    team: Team | None
    explanation: Explanation
    due: Countdown | None
    duplicates: list[Lead]


def lead_page(session: Session, *, lead_id: int, now: datetime) -> LeadPage:
    """The lead (404 if unknown) and what its page shows beside the timeline."""
    lead = get_lead(session, lead_id)
    return LeadPage(
        lead=lead,
        account=session.get(Account, lead.account_id) if lead.account_id else None,
        owner=session.get(User, lead.owner_id) if lead.owner_id else None,
        team=session.get(Team, lead.team_id) if lead.team_id else None,
        explanation=explain_lead(session, lead_id=lead_id, now=now),
        due=most_urgent_clocks(session, [lead_id], now=now).get(lead_id),
        duplicates=possible_duplicates(session, lead),
    )


def possible_duplicates(session: Session, lead: Lead) -> list[Lead]:
    """Other leads with the same name at the same company, or the same phone."""
    same: list = []
    if lead.last_name and lead.first_name:
        same.append(
            and_(
                func.lower(Lead.first_name) == lead.first_name.lower(),
                func.lower(Lead.last_name) == lead.last_name.lower(),
                or_(Lead.company.is_(None), lead.company is None,
                    func.lower(Lead.company) == (lead.company or "").lower()),
            )
        )  # fmt: skip
    if lead.phone:
        same.append(Lead.phone == lead.phone)
    if not same:
        return []
    return list(
        session.scalars(
            select(Lead)
            .where(Lead.id != lead.id, Lead.erased_at.is_(None), or_(*same))
            .order_by(Lead.id)
            .limit(DUPLICATES_SHOWN)
        )
    )
