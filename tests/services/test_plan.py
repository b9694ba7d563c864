"""The planning service on the hand-computed history of tests/planning_builders.py."""

import sys

import pytest
from sqlalchemy import func, select

from baton.errors import Forbidden, ValidationFailed
from baton.models import Lead, PlaybookVersion
from baton.playbooks import default_playbook_text
from baton.rules.planning.whatif import WhatIf
from baton.services.auth import Actor
from baton.services.planning import build_plan, history, list_targets, propose_commitment
from baton.services.playbooks import active_playbook, parsed
from tests.builders import T0, make_user
from tests.planning_builders import build_plan_history, build_response_history
from tests.sla_builders import use_playbook
from tests.team_builders import make_team


def test_the_plan_measures_rates_and_computes_the_funnel_and_the_gap_by_hand(session):
    build_plan_history(session)
    plan = build_plan(session, period="2027-Q1", target=400_000, now=T0)
    rates = {k: (r.converted, r.entered, r.value) for k, r in plan.assumptions.rates.items()}
    assert rates == {
        "inquiry_to_mql": (4, 10, 0.4), "mql_to_sal": (4, 5, 0.8), "sal_to_sql": (2, 4, 0.5),
        "sql_to_opportunity": (2, 2, 1.0), "win_rate": (1, 2, 0.5), "recycled_to_mql": (0, 0, 0.0),
    }  # fmt: skip
    assert plan.assumptions.deal_size == 40_000 and plan.deals_measured == 1
    assert plan.assumptions.median_days("mql") == 90
    # 400k / 40k = 10 won; / 0.5 = 20 opps; / 1 = 20 SQLs; / 0.5 = 40 SALs; / 0.8 = 50 MQLs;
    # / 0.4 = 125 inquiries.
    assert [(r.stage, r.needed) for r in plan.funnel] == [
        ("inquiry", 125), ("mql", 50), ("sal", 40), ("sql", 20), ("opportunity", 20), ("won", 10)
    ]  # fmt: skip
    # Open deal 50k expected 2027-01-15 x win rate 0.5 = 25k; N (MQL since Nov 13) closes
    # 90 days later, in Q1: 0.2 x 40k = 8k. The June leads cannot close any more.
    g = plan.gap
    assert (g.target, g.won, g.pipeline, g.in_flight) == (400_000, 0, 25_000, pytest.approx(8_000))
    assert g.gap == pytest.approx(367_000)
    assert g.won_deals == pytest.approx(9.175)
    assert g.mqls == pytest.approx(45.875) and g.inquiries == pytest.approx(114.6875)
    # 90 days to won = 3 months: January's deals needed October's MQLs (late: asked now).
    assert [(m.month, m.late, round(m.mqls, 6)) for m in plan.months] == [
        ("2026-11", True, round(45.875 / 3, 6)), ("2026-11", False, round(45.875 / 3, 6)),
        ("2026-12", False, round(45.875 / 3, 6)),
    ]  # fmt: skip


def test_the_cost_to_close_and_the_mix_come_from_the_programs(session):
    build_plan_history(session)
    plan = build_plan(session, period="2027-Q1", target=400_000, budget=20_000, now=T0)
    [web] = plan.channels
    # Ads cost 10k for 5 MQLs in the window: 2k per MQL; 5 MQLs < 30: the plan's MQL -> won
    # 0.2, so 10k per won deal; capacity: June's 4 MQLs x 1.5 x 2 months to source = 12.
    assert (web.channel, web.cost_per_mql, web.won_per_mql, web.cost_per_won) == (
        "web", 2_000, 0.2, 10_000,
    )  # fmt: skip
    assert web.capacity_mqls == 12 and web.cost_to_close == pytest.approx(45.875 * 2_000)
    [mix] = plan.mix
    assert (mix.channel, mix.mqls, mix.cost) == ("web", pytest.approx(10), pytest.approx(20_000))


def test_the_monte_carlo_mean_is_close_to_the_expected_revenue(session):
    build_plan_history(session)
    plan = build_plan(session, period="2027-Q1", target=400_000, now=T0)
    s = plan.simulation
    assert s.draws == 10_000 and s.p10 <= s.p50 <= s.p90
    assert abs(s.mean - 33_000) <= 5 * s.standard_error
    assert s.probability_of_target == 0.0


def test_the_target_comes_from_the_playbook_for_the_product(session):
    build_plan_history(session)
    plan = build_plan(session, period="2027-Q1", product="Analytics", now=T0)
    assert (plan.target, plan.target_source) == (500_000, "1 target line(s) of the playbook")
    assert plan.scope.product == "analytics"
    whole = build_plan(session, period="2027-Q1", now=T0)
    assert whole.target == 850_000
    month = build_plan(session, period="2027-02", product="payments", now=T0)
    assert month.target == pytest.approx(350_000 / 3)
    assert "a third of the quarter" in month.target_source


def test_a_segment_with_too_few_leads_uses_everyones_rates_and_says_so(session):
    build_plan_history(session)
    plan = build_plan(session, period="2027-Q1", product="payments", now=T0)
    assert plan.assumptions.rates["mql_to_sal"].scope == "all"
    assert plan.assumptions.rates["mql_to_sal"].value == 0.8
    assert plan.assumptions.deal_scope == "all"
    assert any("all leads' rates used" in note for note in plan.notes)
    assert plan.gap.in_flight == 0 and plan.gap.pipeline == 0  # nothing of payments is open


def test_what_ifs_move_the_gap(session):
    build_plan_history(session)
    base = build_plan(session, period="2027-Q1", target=400_000, now=T0)
    whatif = WhatIf(rates={"mql_to_sal": 0.4}, deal_size=20_000, lead_factor=2.0)
    moved = build_plan(session, period="2027-Q1", target=400_000, whatif=whatif, now=T0)
    # N: 2 (lead factor) x 0.4 x 0.5 x 1 x 0.5 x 20k = 4k instead of 8k; pipeline unchanged.
    assert moved.gap.in_flight == pytest.approx(4_000)
    assert moved.gap.gap == pytest.approx(400_000 - 25_000 - 4_000) and moved.gap.gap > base.gap.gap
    assert moved.assumptions.rates["mql_to_sal"].scope == "override"
    faster = build_plan(session, period="2027-Q1", target=400_000,
                        whatif=WhatIf(response_hours=0.5), now=T0)  # fmt: skip
    # The SLA's first attempt is 5 business hours: ten times faster = x 10 ** 0.1.
    assert faster.assumptions.rate("mql_to_sal") == pytest.approx(min(1.0, 0.8 * 10**0.1))
    assert faster.gap.gap < base.gap.gap


def test_predicted_probabilities_weight_open_deals_when_offered(session, monkeypatch):
    ids = build_plan_history(session)
    monkeypatch.setattr(history, "predictor", lambda: lambda s, lead_ids: {ids["O"]: 0.9})
    plan = build_plan(session, period="2027-Q1", target=400_000, now=T0)
    assert plan.pipeline.revenue == pytest.approx(45_000) and plan.pipeline.predicted == 1
    assert "1 open deal(s) weighted by their predicted probability" in plan.notes


def test_without_the_predictive_service_the_win_rate_weights_open_deals(session, monkeypatch):
    build_plan_history(session)
    monkeypatch.setitem(sys.modules, "baton.services.predict", None)  # import fails
    assert history.predictor() is None
    plan = build_plan(session, period="2027-Q1", target=400_000, now=T0)
    assert plan.pipeline.revenue == pytest.approx(25_000) and plan.pipeline.predicted == 0


def test_a_team_plan_uses_the_teams_leads(session):
    team = make_team(session, "EMEA")
    ids = build_plan_history(session)
    session.get_one(Lead, ids["N"]).team_id = team.id
    session.flush()
    plan = build_plan(session, period="2027-Q1", team="emea", target=100_000, now=T0)
    assert plan.scope.team == "EMEA"
    assert [f.leads for f in plan.flight if f.leads] == [1.0]  # only N is EMEA's
    assert plan.gap.pipeline == 0


@pytest.mark.parametrize(
    ("kwargs", "paths"),
    [
        ({"period": "2027-Q5"}, ["period"]),
        ({"period": "2027-Q1", "team": "Mars", "product": "shoes"}, ["team", "product"]),
        ({"period": "2027-Q3"}, ["target"]),
        ({"period": "2027-Q1", "target": -1.0}, ["target"]),
        ({"period": "2027-Q1", "target": 5.0, "window_months": 0}, ["window_months"]),
    ],
)
def test_bad_inputs_are_refused_with_each_field_named(session, kwargs, paths):
    build_plan_history(session)
    with pytest.raises(ValidationFailed) as caught:
        build_plan(session, now=T0, **kwargs)
    assert [f["path"] for f in caught.value.fields] == paths


def test_without_any_won_deal_the_plan_asks_for_a_deal_size(session):
    with pytest.raises(ValidationFailed) as caught:
        build_plan(session, period="2027-Q1", target=100_000, now=T0)
    assert caught.value.fields[0]["path"] == "deal_size"
    plan = build_plan(session, period="2027-Q1", target=90_000, whatif=WhatIf(deal_size=30_000),
                      now=T0)  # fmt: skip
    assert plan.gap.won_deals == 3 and plan.gap.mqls is None  # nothing measured: unreachable


def test_targets_are_listed_with_unknown_teams_flagged(session):
    make_team(session, "EMEA")
    text = default_playbook_text().split("\ntargets:")[0] + (
        "\ntargets:\n  - {period: 2027-01, team: EMEA, revenue: 100}\n"
        "  - {period: 2027-02, team: Atlantis, revenue: 200}\n"
    )
    use_playbook(session, text.split("\nproperties:")[0] if "\nproperties:" in text else text)
    found = list_targets(session, period="2027-Q1", now=T0)
    assert [(x.target.team, x.problem) for x in found.lines] == [
        ("EMEA", None), ("Atlantis", "unknown team 'Atlantis': no team of that name exists"),
    ]  # fmt: skip
    assert list_targets(session, period="2027-02", now=T0).lines[0].target.revenue == 200


def test_the_plan_is_proposed_as_marketings_commitment(session):
    build_plan_history(session)
    marketer = make_user(session, role="marketing")
    actor = Actor(user_id=marketer.id, role="marketing", via="test")
    found = propose_commitment(session, period="2027-Q1", actor=actor, now=T0)
    # analytics: 500k - 25k - 8k = 467k = 11.675 won = 58.375 MQLs over Nov and Dec: 30/month.
    # payments: 350k = 8.75 won = 43.75 MQLs (everyone's rates and velocity): 22/month.
    assert [(x.product, x.mqls_per_month, x.previous) for x in found.lines] == [
        ("analytics", 30, 75), ("payments", 22, 75),
    ]  # fmt: skip
    row = found.version
    assert (row.status, row.version) == ("proposed", 2)
    proposed = parsed(row.version, row.document)
    assert proposed.sla.marketing.commitment_for("analytics") == 30
    assert proposed.sla.marketing.commitment_for("payments") == 22
    assert active_playbook(session, now=T0)[0] == 1  # signing and activation as usual


def test_a_sales_rep_cannot_propose_and_nothing_is_stored(session):
    build_plan_history(session)
    rep = make_user(session, role="sales_rep")
    active_playbook(session, now=T0)
    before = session.scalar(select(func.count()).select_from(PlaybookVersion))
    with pytest.raises(Forbidden):
        propose_commitment(session, period="2027-Q1", now=T0,
                           actor=Actor(user_id=rep.id, role="sales_rep", via="test"))  # fmt: skip
    with pytest.raises(ValidationFailed, match="no target for 2028-Q1"):
        propose_commitment(session, period="2028-Q1", now=T0,
                           actor=Actor(user_id=None, role="admin", via="test"))  # fmt: skip
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == before


def test_a_faster_response_moves_mql_to_sal_by_the_measured_buckets(session):
    build_plan_history(session)
    build_response_history(session)
    plan = build_plan(session, period="2027-Q1", target=400_000,
                      whatif=WhatIf(response_hours=0.5), now=T0)  # fmt: skip
    # Median response 5.25 h: the 24 h bucket accepted 20/40, the 1 h bucket 30/40: x 1.5 on
    # the measured 54/85.
    assert plan.assumptions.rate("mql_to_sal") == pytest.approx(min(1.0, 54 / 85 * 1.5))
    assert any("measured by response-time bucket" in note for note in plan.notes)
