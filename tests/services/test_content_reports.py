"""Recommendations for a real lead, influence numbers and the objections report, by hand."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import NotFound, ValidationFailed
from baton.models import Account, ContentUsage, Event, FieldNote, LeadScore
from baton.schemas.content import ContentUpdate, FieldNoteCreate, UsageCreate
from baton.services.auth import SYSTEM
from baton.services.content.feedback import log_field_note, record_usage
from baton.services.content.items import update_item
from baton.services.content.recommend import recommend_for_lead
from baton.services.content.reports import item_influence, objections_report
from tests.builders import T0, make_lead
from tests.content_builders import make_item, make_note, make_opportunity, make_usage


def _scored_lead(session, **kw):
    account = Account(name="Globex", industry="Retail", created_at=T0, updated_at=T0)
    session.add(account)
    session.flush()
    lead = make_lead(session, product_interest="payments", stage="sal", account_id=account.id,
                     **kw)  # fmt: skip
    session.add(LeadScore(lead_id=lead.id, fit=40, engagement=30, grade="B",
                          persona="Technical buyer", is_mql=True, playbook_version=1,
                          scored_at=T0))  # fmt: skip
    session.flush()
    return lead


def test_recommendations_use_persona_product_stage_industry_and_competitors(session):
    lead = _scored_lead(session, properties={"competitor": "Adyen"})
    session.add(Event(lead_id=lead.id, type="page_view", occurred_at=T0, created_at=T0,
                      properties={"competitor": ["Stripe"]}))  # fmt: skip
    card = make_item(
        session,
        title="vs Stripe",
        kind="battle_card",
        tags={"competitor": "stripe", "product": "payments"},
    )  # 4 + 3
    adyen = make_item(
        session, title="vs Adyen", kind="battle_card", tags={"competitor": "adyen"}
    )  # 4
    make_item(session, title="vs Braintree", tags={"competitor": "braintree"})  # not mentioned
    script = make_item(
        session,
        title="SAL script",
        kind="call_script",
        tags={"stage": "sal", "persona": "technical buyer"},
    )  # 2 + 2
    retail = make_item(
        session, title="Retail story", tags={"industry": "retail"}, review_on=date(2026, 1, 1)
    )  # 1, stale: 0.5
    make_item(session, title="Analytics deck", tags={"product": "analytics"})  # wrong product
    make_item(session, title="Draft", status="draft", tags={"product": "payments"})  # unpublished

    profile, found = recommend_for_lead(session, lead_id=lead.id, now=T0)
    assert profile.competitors == {"stripe", "adyen"} and profile.persona == "technical buyer"
    assert [(r.view.item.id, r.recommendation.score) for r in found] == [
        (card.id, 7), (script.id, 4), (adyen.id, 4), (retail.id, 0.5)]  # fmt: skip
    # script and adyen tie on 4 points: the script matched two facets, the card one.
    assert found[3].recommendation.stale and found[3].view.stale


def test_a_competitor_named_in_a_field_note_on_the_lead_counts(session):
    lead = make_lead(session)
    card = make_item(session, kind="battle_card", tags={"competitor": "adyen"})
    assert recommend_for_lead(session, lead_id=lead.id, now=T0)[1] == []
    log_field_note(session, data=FieldNoteCreate(topic="already use adyen", competitor="Adyen",
                   lead_id=lead.id), actor=SYSTEM, now=T0)  # fmt: skip
    assert [r.view.item.id for r in recommend_for_lead(session, lead_id=lead.id, now=T0)[1]] == [
        card.id]  # fmt: skip


def test_recommendations_for_a_missing_lead_are_a_404(session):
    with pytest.raises(NotFound):
        recommend_for_lead(session, lead_id=987_654, now=T0)


def test_influence_counts_uses_leads_opportunities_and_win_rates(session):
    item = make_item(session, tags={"product": "payments"})
    leads = [make_lead(session) for _ in range(6)]
    day = timedelta(days=1)
    # With the item (payments, closed): o1 won (named), o2 won (open on the lead at the use),
    # o3 lost (named). Without: o4 won, o5 lost, o6 lost. o7 is analytics: not compared.
    o1 = make_opportunity(session, lead_id=leads[0].id, status="won", product="payments")
    make_opportunity(session, lead_id=leads[1].id, status="won", product="Payments")
    o3 = make_opportunity(session, lead_id=leads[2].id, status="lost", product="payments")
    make_opportunity(session, lead_id=leads[3].id, status="won", product="payments")
    make_opportunity(session, lead_id=leads[4].id, status="lost", product="payments")
    make_opportunity(session, lead_id=leads[5].id, status="lost", product="payments")
    make_opportunity(session, lead_id=leads[0].id, status="won", product="analytics")
    make_usage(session, item=item, lead_id=leads[0].id, opportunity_id=o1.id, at=T0 + day)
    make_usage(session, item=item, lead_id=leads[0].id, opportunity_id=o1.id, at=T0 + 2 * day)
    make_usage(session, item=item, lead_id=leads[1].id, at=T0 + day)
    make_usage(session, item=item, lead_id=leads[2].id, opportunity_id=o3.id, kind="sent")
    # A use on lead 4 after its opportunity closed touches nothing.
    make_usage(session, item=item, lead_id=leads[3].id, at=T0 + 60 * day)

    result = item_influence(session, item_id=item.id)
    assert (result.uses, result.leads) == (5, 4)
    # Touched: o1 and o3 (named), o2 (open on lead 2 at an unnamed use); not o7: lead 1's
    # uses both name o1.
    assert result.opportunities == 3
    inf = result.influence
    assert (inf.with_item, inf.with_item_won, inf.without_item, inf.without_item_won) == (
        3, 2, 3, 1)  # fmt: skip
    # pooled 0.5, se = sqrt(0.25 * (1/3 + 1/3)) = 0.40825, z = (1/3) / 0.40825 = 0.8165
    assert inf.p_value == pytest.approx(0.4142, abs=1e-4)
    assert result.population == "closed opportunities for payments"


def test_usage_refuses_an_opportunity_of_another_lead_and_writes_nothing(session):
    item = make_item(session)
    a, b = make_lead(session), make_lead(session)
    opp = make_opportunity(session, lead_id=b.id)
    session.commit()
    with pytest.raises(ValidationFailed, match="belongs to lead"):
        record_usage(session, item_id=item.id, data=UsageCreate(lead_id=a.id,
                     opportunity_id=opp.id), actor=SYSTEM, now=T0)  # fmt: skip
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ContentUsage)) == 0


def test_archived_items_cannot_be_used(session):
    item = make_item(session)
    lead = make_lead(session)
    update_item(session, item_id=item.id, data=ContentUpdate(status="archived"), actor=SYSTEM,
                now=T0)  # fmt: skip
    with pytest.raises(ValidationFailed, match="archived"):
        record_usage(session, item_id=item.id, data=UsageCreate(lead_id=lead.id), actor=SYSTEM,
                     now=T0)  # fmt: skip


def test_objections_report_counts_per_topic_product_competitor_and_shows_gaps(session):
    day = timedelta(days=1)
    for _ in range(3):
        make_note(session, topic="too expensive", product="payments")
    make_note(session, topic="too expensive", product="payments", at=T0 + 2 * day)
    for _ in range(2):
        make_note(session, topic="already use stripe", product="payments", competitor="stripe")
    make_note(session, topic="no budget", product="analytics")
    make_note(session, topic="no budget", product="analytics", at=T0 + 30 * day)  # after range
    make_note(session, topic="what is your sla", kind="qualifying_answer")  # not an objection
    handling = make_item(
        session,
        kind="objection_handling",
        tags={"objection": "too expensive", "product": "payments"},
    )
    make_item(session, kind="case_study", tags={"objection": "no budget"})  # wrong kind

    rows = objections_report(session, start=T0.date(), end=(T0 + 7 * day).date())
    lines = [(r.group.topic, r.group.product, r.group.competitor, r.group.count, r.covered_by)
             for r in rows]  # fmt: skip
    assert lines == [
        ("too expensive", "payments", None, 4, [handling.id]),
        ("already use stripe", "payments", "stripe", 2, []),
        ("no budget", "analytics", None, 1, []),
    ]
    assert rows[0].last_heard == T0 + 2 * day
    card = make_item(session, kind="battle_card", tags={"competitor": "stripe"})
    rows = objections_report(session, start=T0.date(), end=T0.date(), competitor="stripe")
    assert [(r.group.count, r.covered_by) for r in rows] == [(2, [card.id])]


def test_an_inverted_range_is_refused(session):
    with pytest.raises(ValidationFailed):
        objections_report(session, start=date(2026, 2, 1), end=date(2026, 1, 1))
    assert session.scalar(select(func.count()).select_from(FieldNote)) == 0
