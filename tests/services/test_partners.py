"""Channel partners: partner-keyed intake, routing to the partner manager, the partner funnel."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from baton.errors import Conflict, ValidationFailed
from baton.models import Lead, LeadChange, Opportunity, Partner, StageChange
from baton.schemas.leads import LeadCreate
from baton.schemas.performance import PartnerCreate, PartnerUpdate
from baton.services.auth import SYSTEM
from baton.services.leads import capture_lead
from baton.services.partners import create_partner, partner_funnel, update_partner
from baton.services.routing import route_lead, route_leads
from tests.builders import T0
from tests.team_builders import make_rep, make_team


@pytest.fixture
def acme(session):
    pam = make_rep(session, name="Pam Partner-Manager")
    make_team(session, "EMEA", reps=[make_rep(session, name="Other rep")])
    data = PartnerCreate(name="Acme Resellers", key="acme", manager_id=pam.id)
    return create_partner(session, data=data, actor=SYSTEM, now=T0), pam


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(t)) for t in (Lead, LeadChange, StageChange)
    )


def partner_lead(session, email: str, key: str = "acme") -> Lead:
    data = LeadCreate(email=email, partner_key=key, title="CTO")
    return capture_lead(session, data=data, actor=SYSTEM, now=T0).lead


def test_a_partner_keyed_lead_carries_its_partner_and_the_partner_channel(session, acme):
    partner, _pam = acme
    lead = partner_lead(session, "ann@buyer.io", key=" ACME ")
    assert (lead.partner_id, lead.channel) == (partner.id, "partner")
    [created] = session.scalars(select(LeadChange).where(LeadChange.lead_id == lead.id))
    assert created.new_value["partner_id"] == partner.id
    assert "partner_key" not in created.new_value


def test_an_unknown_or_inactive_partner_key_is_refused_and_nothing_is_written(session, acme):
    partner, _pam = acme
    before = counts(session)
    with pytest.raises(ValidationFailed) as caught:
        partner_lead(session, "bob@buyer.io", key="nobody")
    assert caught.value.fields[0]["path"] == "partner_key"
    update_partner(session, partner_id=partner.id, data=PartnerUpdate(active=False),
                   actor=SYSTEM, now=T0)  # fmt: skip
    with pytest.raises(ValidationFailed, match="inactive"):
        partner_lead(session, "bob@buyer.io")
    assert counts(session) == before


def test_a_partner_lead_that_becomes_an_mql_goes_to_the_partner_manager(session, acme):
    partner, pam = acme
    lead = partner_lead(session, "cy@buyer.io")
    lead.stage = "mql"
    assignment = route_lead(session, lead_id=lead.id, now=T0, actor=SYSTEM)
    assert (assignment.user_id, assignment.rule) == (pam.id, "partner")
    assert "Acme Resellers" in assignment.reason
    assert session.get(Lead, lead.id).owner_id == pam.id


def test_batch_routing_hands_partner_leads_to_the_partner_manager_too(session, acme):
    _partner, pam = acme
    leads = [partner_lead(session, f"d{i}@buyer.io") for i in range(3)]
    for lead in leads:
        lead.stage = "mql"
    counts_ = route_leads(session, lead_ids=[lead.id for lead in leads], now=T0, actor=SYSTEM)
    assert counts_.assigned == 3
    assert {session.get(Lead, lead.id).owner_id for lead in leads} == {pam.id}


def test_partner_funnel_counts_leads_mqls_opportunities_and_won_revenue(session, acme):
    partner, pam = acme
    a, b, _c = (partner_lead(session, f"e{i}@buyer.io") for i in range(3))
    for lead in (a, b):
        session.add(StageChange(lead_id=lead.id, from_stage="inquiry", to_stage="mql",
                                changed_at=T0, via="test"))  # fmt: skip
    for lead, status, amount in ((a, "won", 30_000), (a, "lost", 5_000), (b, "open", 9_000)):
        opp = Opportunity(lead_id=lead.id, owner_id=pam.id, amount=Decimal(amount),
                          currency="EUR", status=status, created_at=T0, updated_at=T0)  # fmt: skip
        session.add(opp)
    session.flush()
    [line] = partner_funnel(session)
    assert (line.name, line.manager) == ("Acme Resellers", "Pam Partner-Manager")
    assert (line.leads, line.mqls, line.opportunities, line.won_deals, line.won_revenue) == (
        3, 2, 3, 1, 30_000.0,
    )  # fmt: skip


def test_partner_names_and_keys_are_unique(session, acme):
    with pytest.raises(Conflict, match="named"):
        create_partner(session, data=PartnerCreate(name="acme resellers", key="other"),
                       actor=SYSTEM, now=T0)  # fmt: skip
    with pytest.raises(Conflict, match="key"):
        create_partner(session, data=PartnerCreate(name="Other", key="acme"),
                       actor=SYSTEM, now=T0)  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Partner)) == 1
