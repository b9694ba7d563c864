"""Opportunities: opened on an SQL, edited while open, closed won or lost; the lead follows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from baton.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from baton.models import AuditEntry, StageChange
from baton.services.handoff import accept_lead, qualify_lead
from baton.services.opportunities import (
    close_opportunity,
    list_opportunities,
    open_opportunity,
    update_opportunity,
)
from tests.handoff_builders import HANDOFF_TABLES, actor, assigned_lead, make_floor, sent
from tests.rows import dump

CLOSE = date(2027, 2, 15)


@pytest.fixture
def floor(session, clock):
    return make_floor(session, now=clock())


@pytest.fixture
def sql_lead(session, clock, floor):
    return assigned_lead(session, floor, stage="sql", working_status="qualified", now=clock())


def stages(session, lead_id):
    query = select(StageChange).where(StageChange.lead_id == lead_id).order_by(StageChange.id)
    return [(r.from_stage, r.to_stage, r.reason) for r in session.scalars(query)]


def opened(session, clock, lead, who, amount="12000", product="analytics"):
    return open_opportunity(
        session,
        lead_id=lead.id,
        amount=Decimal(amount),
        product=product,
        expected_close_on=CLOSE,
        actor=actor(who),
        now=clock(),
    )


def audit(session):
    rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "opportunity"))
    return [(a.action, a.entity_id, a.details) for a in rows.all()]


def test_the_first_deal_moves_the_lead_to_opportunity(session, clock, floor, sql_lead):
    opp = opened(session, clock, sql_lead, floor.rep, product=" Analytics ")
    assert (opp.status, opp.amount, opp.currency, opp.product, opp.owner_id) == (
        "open",
        Decimal("12000.00"),
        "EUR",
        "analytics",
        floor.rep.id,
    )
    assert sql_lead.stage == "opportunity"
    assert stages(session, sql_lead.id)[-1] == (
        "sql",
        "opportunity",
        f"opportunity {opp.id} opened",
    )
    assert audit(session) == [
        (
            "opportunity.open",
            opp.id,
            {
                "lead_id": sql_lead.id,
                "product": "analytics",
                "amount": "12000.00",
                "currency": "EUR",
                "expected_close_on": "2027-02-15",
            },
        )
    ]


def test_a_lead_may_have_several_deals(session, clock, floor, sql_lead):
    first = opened(session, clock, sql_lead, floor.rep)
    second = opened(session, clock, sql_lead, floor.manager, amount="500.5", product="payments")
    assert [o.id for o in list_opportunities(session, lead_id=sql_lead.id).items] == [
        second.id,
        first.id,
    ]
    assert second.amount == Decimal("500.50")
    assert [s[1] for s in stages(session, sql_lead.id)].count("opportunity") == 1


def test_a_deal_on_a_lead_not_yet_qualified_is_a_409(session, clock, floor):
    lead = assigned_lead(session, floor, stage="sal", now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(IllegalTransition, match="only in sql, opportunity"):
        opened(session, clock, lead, floor.rep)
    assert dump(session, HANDOFF_TABLES) == before


@pytest.mark.parametrize(
    ("amount", "product", "close", "path"),
    [
        ("0", "analytics", CLOSE, "amount"),
        ("-5", "analytics", CLOSE, "amount"),
        ("1.005", "analytics", CLOSE, "amount"),
        ("1e13", "analytics", CLOSE, "amount"),
        ("100", "crm", CLOSE, "product"),
        ("100", "analytics", date(2026, 11, 22), "expected_close_on"),
    ],
)
def test_a_bad_deal_is_refused_and_nothing_changes(
    session, clock, floor, sql_lead, amount, product, close, path
):
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(ValidationFailed) as caught:
        open_opportunity(
            session,
            lead_id=sql_lead.id,
            amount=Decimal(amount),
            product=product,
            expected_close_on=close,
            actor=actor(floor.rep),
            now=clock(),
        )
    assert [f["path"] for f in caught.value.fields] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_today_in_the_company_zone_is_a_valid_close_date(session, clock, floor, sql_lead):
    # 23:30 UTC on the 23rd is already the 24th in Berlin: the 23rd is past there.
    late = clock() + timedelta(hours=14, minutes=30)
    with pytest.raises(ValidationFailed):
        open_opportunity(
            session,
            lead_id=sql_lead.id,
            amount=Decimal(1),
            product="payments",
            expected_close_on=date(2026, 11, 23),
            actor=actor(floor.rep),
            now=late,
        )
    opp = open_opportunity(
        session,
        lead_id=sql_lead.id,
        amount=Decimal(1),
        product="payments",
        expected_close_on=date(2026, 11, 24),
        actor=actor(floor.rep),
        now=late,
    )
    assert opp.expected_close_on == date(2026, 11, 24)


def test_an_open_deal_is_edited_and_each_change_audited(session, clock, floor, sql_lead):
    opp = opened(session, clock, sql_lead, floor.rep)
    later = clock() + timedelta(days=1)
    update_opportunity(
        session,
        opportunity_id=opp.id,
        amount=Decimal("15000"),
        expected_close_on=date(2027, 3, 1),
        actor=actor(floor.rep),
        now=later,
    )
    assert (opp.amount, opp.expected_close_on, opp.updated_at) == (
        Decimal("15000.00"),
        date(2027, 3, 1),
        later,
    )
    assert audit(session)[-1] == (
        "opportunity.update",
        opp.id,
        {
            "lead_id": sql_lead.id,
            "amount": ["12000.00", "15000.00"],
            "expected_close_on": ["2027-02-15", "2027-03-01"],
        },
    )
    update_opportunity(
        session, opportunity_id=opp.id, amount=Decimal("15000"), actor=actor(floor.rep), now=later
    )
    assert len(audit(session)) == 2  # nothing changed, nothing recorded


def test_winning_moves_the_lead_to_won_and_tells_manager_and_marketing(
    session, clock, floor, sql_lead
):
    opp = opened(session, clock, sql_lead, floor.rep)
    close_opportunity(
        session, opportunity_id=opp.id, status="won", actor=actor(floor.rep), now=clock()
    )
    assert (opp.status, opp.closed_at, sql_lead.stage) == ("won", clock(), "won")
    assert stages(session, sql_lead.id)[-1] == ("opportunity", "won", f"opportunity {opp.id} won")
    assert sorted(r for _, _, r in sent(session, "opportunity.won")) == sorted(
        [floor.manager.email, floor.marketer.email]
    )
    with pytest.raises(Conflict, match="is won; only open deals change"):
        update_opportunity(
            session, opportunity_id=opp.id, amount=Decimal(1), actor=actor(floor.rep), now=clock()
        )


def test_a_lost_deal_needs_a_reason_and_the_lead_is_lost_when_none_is_open(
    session, clock, floor, sql_lead
):
    first = opened(session, clock, sql_lead, floor.rep)
    second = opened(session, clock, sql_lead, floor.rep, product="payments")
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        close_opportunity(
            session,
            opportunity_id=first.id,
            status="lost",
            reason=" ",
            actor=actor(floor.rep),
            now=clock(),
        )
    assert dump(session, HANDOFF_TABLES) == before
    close_opportunity(
        session,
        opportunity_id=first.id,
        status="lost",
        reason="price",
        actor=actor(floor.rep),
        now=clock(),
    )
    assert (first.status, first.close_reason, sql_lead.stage) == ("lost", "price", "opportunity")
    later = clock() + timedelta(minutes=1)
    close_opportunity(
        session,
        opportunity_id=second.id,
        status="lost",
        reason="went quiet",
        actor=actor(floor.manager),
        now=later,
    )
    assert sql_lead.stage == "lost"
    assert stages(session, sql_lead.id)[-1] == (
        "opportunity",
        "lost",
        f"opportunity {second.id} lost: went quiet",
    )
    assert [t for t, _, _ in sent(session)].count("opportunity.lost") == 3  # 2 + (marketing)


def test_a_lead_that_won_stays_won_when_a_sibling_deal_is_lost(session, clock, floor, sql_lead):
    first = opened(session, clock, sql_lead, floor.rep)
    second = opened(session, clock, sql_lead, floor.rep, product="payments")
    close_opportunity(
        session, opportunity_id=first.id, status="won", actor=actor(floor.rep), now=clock()
    )
    close_opportunity(
        session,
        opportunity_id=second.id,
        status="lost",
        reason="budget",
        actor=actor(floor.rep),
        now=clock() + timedelta(minutes=1),
    )
    assert sql_lead.stage == "won"


def test_only_owners_the_manager_or_an_admin_change_a_deal(session, clock, floor, sql_lead):
    opp = opened(session, clock, sql_lead, floor.rep)
    for who in (floor.other_rep, floor.other_manager, floor.marketer):
        with pytest.raises(Forbidden):
            close_opportunity(
                session, opportunity_id=opp.id, status="won", actor=actor(who), now=clock()
            )
    # Reassigned: the lead's new owner and the deal's owner may both act on it.
    sql_lead.owner_id = floor.other_rep.id
    update_opportunity(
        session, opportunity_id=opp.id, amount=Decimal(2), actor=actor(floor.other_rep), now=clock()
    )
    update_opportunity(
        session, opportunity_id=opp.id, amount=Decimal(3), actor=actor(floor.rep), now=clock()
    )
    assert opp.amount == Decimal("3.00")


def test_the_whole_way_from_mql_to_won_is_in_the_stage_history(session, clock, floor):
    lead = assigned_lead(session, floor, now=clock())
    rep = actor(floor.rep)
    accept_lead(session, lead_id=lead.id, actor=rep, now=clock())
    qualify_lead(session, lead_id=lead.id, actor=rep, now=clock() + timedelta(hours=1))
    opp = open_opportunity(
        session,
        lead_id=lead.id,
        amount=Decimal(900),
        product="payments",
        expected_close_on=CLOSE,
        actor=rep,
        now=clock() + timedelta(hours=2),
    )
    close_opportunity(
        session, opportunity_id=opp.id, status="won", actor=rep, now=clock() + timedelta(days=3)
    )
    assert [(f, t) for f, t, _ in stages(session, lead.id)] == [
        (None, "mql"),
        ("mql", "sal"),
        ("sal", "sql"),
        ("sql", "opportunity"),
        ("opportunity", "won"),
    ]
