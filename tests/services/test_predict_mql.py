"""A playbook whose MQL rule asks for a predicted probability (#12): one lead and in bulk."""

import re
from importlib.resources import files

from baton.models import Lead
from baton.services.scoring.batch import rescore_leads
from baton.services.scoring.incremental import rescore_lead
from tests.builders import T0, make_lead
from tests.predict_builders import store_probability
from tests.sla_builders import use_playbook

DEFAULT = (files("baton") / "playbooks" / "default.yaml").read_text()
# Everyone qualifies on fit and engagement; only the probability decides.
MQL = "mql:\n  fit_min: -1000\n  engagement_min: -1000\n  probability_min: 0.4\n"


def playbook_with_probability(session) -> None:
    text = re.sub(r"^mql:\n(  .*\n|\s*#.*\n)+", MQL, DEFAULT, count=1, flags=re.M)
    assert "probability_min: 0.4" in text
    use_playbook(session, text)


def test_one_lead_is_an_mql_when_its_stored_probability_reaches_the_floor(session):
    playbook_with_probability(session)
    likely, unlikely, unknown = (make_lead(session) for _ in range(3))
    store_probability(session, likely, 0.55)
    store_probability(session, unlikely, 0.2)
    results = {
        lead.id: rescore_lead(session, lead_id=lead.id, now=T0, actor=_actor())
        for lead in (likely, unlikely, unknown)
    }
    assert results[likely.id].is_mql and "predicted probability 0.55 ≥ 0.4" in (
        results[likely.id].mql_reason
    )
    assert not results[unlikely.id].is_mql
    assert "no predicted probability" in results[unknown.id].mql_reason
    assert session.get(Lead, likely.id).stage == "mql"
    assert session.get(Lead, unknown.id).stage == "inquiry"


def test_bulk_rescoring_reads_the_stored_probabilities_too(session):
    playbook_with_probability(session)
    leads = [make_lead(session) for _ in range(4)]
    for lead, p in zip(leads, (0.9, 0.1, 0.4), strict=False):  # the fourth has none
        store_probability(session, lead, p)
    rescore_leads(session, lead_ids=[lead.id for lead in leads], now=T0)
    session.expire_all()
    assert [session.get(Lead, lead.id).stage for lead in leads] == [
        "mql", "inquiry", "mql", "inquiry",
    ]  # fmt: skip


def _actor():
    from baton.services.leads import SCORING

    return SCORING
