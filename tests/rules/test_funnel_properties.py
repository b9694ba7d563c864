"""Properties of the funnel rules over random lifecycle-valid histories (hypothesis)."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from baton.rules.funnel import (
    Deal,
    Periods,
    StagePass,
    Touch,
    attribution,
    conversion,
    stays,
    volume,
)
from baton.rules.lifecycle import TRANSITIONS
from tests.rules.funnel_data import utc

START = utc(2025, 1, 1)


@st.composite
def histories(draw) -> list[StagePass]:
    """Leads walking the lifecycle's allowed moves, with random gaps and channels."""
    passes = []
    for lead in range(draw(st.integers(0, 12))):
        stage = draw(st.sampled_from(["inquiry", "sal", "sql"]))
        at = START + timedelta(hours=draw(st.integers(0, 24 * 200)))
        channel = draw(st.sampled_from(["web", "event", None]))
        before = None
        for _ in range(draw(st.integers(0, 12))):
            passes.append(StagePass(lead, before, stage, at, {"channel": channel}))
            if not TRANSITIONS[stage]:
                break
            before, stage = stage, draw(st.sampled_from(TRANSITIONS[stage]))
            at += timedelta(hours=draw(st.integers(0, 24 * 60)))
    return draw(st.permutations(passes))


PERIODS = st.sampled_from([None, Periods("week", "Europe/Berlin"), Periods("quarter", "UTC", 4)])
HORIZONS = st.sampled_from([None, timedelta(0), timedelta(days=30)])


@settings(max_examples=150, deadline=None)
@given(histories(), PERIODS, HORIZONS, st.booleans(), st.booleans())
def test_conversion_numerators_never_exceed_denominators(
    passes, periods, horizon, by, again
) -> None:
    now = START + timedelta(days=300) if horizon is not None else None
    rows = conversion(
        passes,
        periods=periods,
        by=("channel",) if by else (),
        horizon=horizon,
        now=now,
        reentries=again,
    )
    for row in rows:
        assert 0 <= row.converted <= row.entered
        assert row.rate is None or 0.0 <= row.rate <= 1.0
    # Each pass into X is in exactly one cohort row of each step from X (or immature).
    into = Counter(p.to_stage for p in passes)
    if again:
        for x, y in {(r.from_stage, r.to_stage) for r in rows}:
            assert (
                sum(r.entered + r.immature for r in rows if (r.from_stage, r.to_stage) == (x, y))
                == into[x]
            )


@settings(max_examples=100, deadline=None)
@given(histories(), PERIODS)
def test_volume_counts_every_pass_once_and_stays_pair_up_with_passes(passes, periods) -> None:
    rows = volume(passes, periods=periods, by=("channel",))
    assert sum(r.entries for r in rows) == len(passes)
    assert all(0 <= r.reentries <= r.entries for r in rows)
    built = stays(passes)
    assert len(built) == len(passes)
    # Every lead has exactly one open stay: its current stage.
    assert sum(not s.completed for s in built) == len({p.lead_id for p in passes})
    assert all(s.duration >= timedelta(0) for s in built if s.completed)


AMOUNTS = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def touches_and_deals(draw) -> tuple[list[Touch], list[Deal]]:
    touches, deals = [], []
    for lead in range(draw(st.integers(0, 8))):
        for _ in range(draw(st.integers(0, 6))):
            at = START + timedelta(days=draw(st.integers(0, 60)))
            program = draw(st.sampled_from(["webinar", "ebook", "demo", None]))
            touches.append(Touch(lead, at, program, draw(st.sampled_from(["web", "event", None]))))
        for _ in range(draw(st.integers(0, 2))):
            deals.append(
                Deal(lead, draw(AMOUNTS), START + timedelta(days=draw(st.integers(0, 60))))
            )
    return touches, deals


@settings(max_examples=150, deadline=None)
@given(touches_and_deals())
def test_attribution_credits_sum_to_the_revenue_under_every_model(data) -> None:
    touches, deals = data
    revenue = sum((d.amount for d in deals), Decimal(0))
    credits = attribution(touches, deals)
    for model in ("first_touch", "last_touch", "linear"):
        for dimension in ("program", "channel"):
            part = [c for c in credits if (c.model, c.dimension) == (model, dimension)]
            assert sum((c.revenue for c in part), Decimal(0)) == revenue
            assert abs(sum(c.deals for c in part) - len(deals)) < 1e-9
