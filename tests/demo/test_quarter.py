"""A simulated quarter shows every capability of Baton with plausible funnel rates."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import (
    CHANNELS,
    Attempt,
    Lead,
    Opportunity,
    Program,
    Rejection,
    SlaClock,
    StageChange,
)
from tests.demo_builders import ever_reached, simulate, wipe

pytestmark = pytest.mark.slow  # a 13-week quarter: 2 to 4 minutes per backend on 2 busy cores

DEMO_CHANNELS = set(CHANNELS) - {"referral", "other"}


@pytest.fixture(scope="module")
def quarter(engine):
    """One 13-week quarter of 1,500 leads per backend, shared by this module's tests."""
    wipe(engine)
    tally = simulate(engine, seed=7, leads=1_500, weeks=13)
    yield engine, tally
    wipe(engine)


def test_funnel_rates_are_plausible(quarter):
    engine, _ = quarter
    reached = ever_reached(engine)
    assert reached["inquiry"] == 1_500
    assert 0.10 <= reached["mql"] / reached["inquiry"] <= 0.30
    assert 0.40 <= reached["sal"] / reached["mql"] <= 0.80
    assert 0.15 <= reached["won"] / reached["sql"] <= 0.35


def test_every_capability_has_data(quarter):
    engine, tally = quarter
    with Session(engine) as session:
        stages = dict(session.execute(select(Lead.stage, func.count()).group_by(Lead.stage)).all())
        for stage in ("inquiry", "mql", "sal", "sql", "opportunity", "won", "lost", "recycled",
                      "disqualified"):  # fmt: skip
            assert stages.get(stage, 0) > 0, f"no lead is {stage} now"
        reasons = dict(
            session.execute(
                select(Rejection.reason_code, func.count()).group_by(Rejection.reason_code)
            ).all()
        )
        assert {"not_icp", "no_budget", "timing"} <= set(reasons) and len(reasons) >= 5
        outcomes = set(session.scalars(select(Rejection.outcome).distinct()))
        assert outcomes == {"recycled", "disqualified"}
        clocks = set(session.execute(select(SlaClock.kind, SlaClock.state).distinct()).tuples())
        for kind in ("accept", "first_attempt"):
            assert {(kind, "met"), (kind, "breached")} <= clocks
        assert session.scalar(select(func.count()).where(SlaClock.warned_at.is_not(None))) > 0
        exhausted = select(func.count()).where(
            StageChange.to_stage == "recycled", StageChange.via == "sla"
        )
        assert session.scalar(exhausted) > 0, "no lead was recycled by the SLA sweep"
        requalified = select(func.count()).where(
            StageChange.from_stage == "recycled", StageChange.to_stage == "mql"
        )
        assert session.scalar(requalified) > 0, "no recycled lead became an MQL again"
        deals = dict(
            session.execute(
                select(Opportunity.status, func.count()).group_by(Opportunity.status)
            ).all()
        )
        assert deals.get("won", 0) > 0 and deals.get("lost", 0) > 0 and deals.get("open", 0) > 0
        assert session.scalar(select(func.min(Opportunity.amount))) > 0
        programs = session.execute(select(Program.channel, Program.cost)).all()
        assert {channel for channel, _ in programs} == DEMO_CHANNELS
        assert all(cost > 0 for _, cost in programs)
        assert session.scalar(select(func.count()).select_from(Attempt)) > 0
    assert tally.breached > 0 and tally.warned > 0 and tally.comebacks > 0
