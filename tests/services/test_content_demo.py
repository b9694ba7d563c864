"""The demo library seeds on a small world: tools, uses on opportunities, feedback."""

import random

from sqlalchemy import func, select

from baton.demo_content import ITEMS, OBJECTIONS, seed_content
from baton.models import ContentItem, ContentUsage, FieldNote, MaterialRequest, Opportunity
from baton.services.content.reports import objections_report
from tests.builders import T0, make_lead, make_user
from tests.content_builders import make_opportunity


def test_seed_content_fills_the_library_and_its_feedback(session):
    make_user(session, role="marketing")
    rep = make_user(session, role="sales_rep")
    leads = [make_lead(session) for _ in range(12)]
    for i, lead in enumerate(leads):
        make_opportunity(session, lead_id=lead.id, product=("payments", "analytics")[i % 2],
                         status=("won", "lost", "open")[i % 3],
                         created_at=T0.replace(month=9))  # fmt: skip
    items = seed_content(session, rng=random.Random(1), now=T0)

    assert len(items) == len(ITEMS) == session.scalar(select(func.count(ContentItem.id)))
    assert {i.kind for i in items} >= {"battle_card", "case_study", "call_script", "rfp_answer",
                                       "objection_handling", "demo", "collateral",
                                       "competitive_comparison"}  # fmt: skip
    uses = session.scalars(select(ContentUsage)).all()
    assert uses and all(u.opportunity_id is not None for u in uses)
    opps = {o.id: o for o in session.scalars(select(Opportunity))}
    assert all(opps[u.opportunity_id].lead_id == u.lead_id for u in uses)
    notes = session.scalar(select(func.count(FieldNote.id)).where(FieldNote.kind == "objection"))
    assert notes == sum(n for *_, n in OBJECTIONS)
    assert session.scalar(select(func.count(MaterialRequest.id))) == 3
    gaps = [r.group.topic for r in objections_report(session, start=T0.date().replace(month=8),
            end=T0.date()) if not r.covered_by]  # fmt: skip
    assert "power bi comes free with office" in gaps
    assert {u.user_id for u in uses} == {rep.id}  # the opportunities have no owner: a rep
