"""The funnel on generated data agrees with an independent pandas computation over the raw
stage_changes table: volume, cohort conversion and velocity, per month in the company zone."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from benchmarks.datagen import Shape, generate
from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import StageChange
from baton.rules.funnel import FUNNEL_STEPS
from baton.rules.funnel.histogram import RELATIVE_ERROR
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume

END = datetime(2026, 11, 23, tzinfo=UTC)
NOW = END + timedelta(days=1)
RANGE = {"start": date(2025, 12, 1), "end": date(2026, 11, 30), "grain": "month"}


@pytest.fixture
def generated(committed_engine):
    generate(committed_engine, Shape(leads=600, stage_changes=3000, programs=8, users=10),
             seed=11, end=END)  # fmt: skip
    with Session(committed_engine) as session:
        rows = session.execute(
            select(StageChange.id, StageChange.lead_id, StageChange.to_stage,
                   StageChange.changed_at)
        ).all()  # fmt: skip
        passes = pd.DataFrame(rows, columns=["id", "lead_id", "stage", "at"])
        yield session, passes
        session.rollback()


def _prepared(passes: pd.DataFrame, zone: str) -> pd.DataFrame:
    df = passes.sort_values(["lead_id", "at", "id"]).reset_index(drop=True)
    df["at"] = pd.to_datetime(df["at"], utc=True)
    df["period"] = df["at"].dt.tz_convert(zone).dt.strftime("%Y-%m")
    df["seq"] = df.groupby("lead_id").cumcount()
    df["reentry"] = df.groupby(["lead_id", "stage"]).cumcount() > 0
    return df


def test_volume_and_conversion_match_pandas(generated) -> None:
    session, passes = generated
    volume = funnel_volume(session, **RANGE, now=NOW)
    df = _prepared(passes, volume.timezone)
    inside = df[df["period"].isin(volume.periods)]
    want = inside.groupby(["period", "stage"]).agg(n=("id", "size"), re=("reentry", "sum"))
    assert {(r.period, r.stage): (r.entries, r.reentries) for r in volume.rows} == {
        k: (int(v.n), int(v.re)) for k, v in want.iterrows()
    }
    conversion = funnel_conversion(session, **RANGE, now=NOW)
    got = {(r.period, r.from_stage, r.to_stage): (r.converted, r.entered) for r in conversion.rows}
    expected = {}
    for x, y in FUNNEL_STEPS:
        xs = df[df["stage"] == x][["lead_id", "seq", "period"]].copy()
        xs["next_x"] = xs.groupby("lead_id")["seq"].shift(-1)
        ys = df[df["stage"] == y][["lead_id", "seq"]].rename(columns={"seq": "y_seq"})
        pairs = xs.merge(ys, on="lead_id")
        hit = pairs[(pairs["y_seq"] > pairs["seq"])
                    & (pairs["next_x"].isna() | (pairs["y_seq"] < pairs["next_x"]))]  # fmt: skip
        xs["converted"] = xs.set_index(["lead_id", "seq"]).index.isin(
            hit.set_index(["lead_id", "seq"]).index
        )
        xs = xs[xs["period"].isin(conversion.periods)]
        for period, group in xs.groupby("period"):
            expected[(period, x, y)] = (int(group["converted"].sum()), len(group))
    assert got == expected
    assert sum(n for _, n in got.values()) > 500  # the comparison is not vacuous


def test_velocity_matches_pandas_quantiles(generated) -> None:
    session, passes = generated
    exact = funnel_velocity(session, **RANGE, now=NOW, source="history")
    kept = funnel_velocity(session, **RANGE, now=NOW)
    df = _prepared(passes, exact.timezone)
    df["left"] = df.groupby("lead_id")["at"].shift(-1)
    done = df[df["left"].notna() & (df["stage"] != "won") & df["period"].isin(exact.periods)]
    seconds = (done["left"] - done["at"]).dt.total_seconds()
    stats = seconds.groupby([done["period"], done["stage"]]).quantile([0.5, 0.75]).unstack()
    assert len(stats) > 20
    for rows, tolerance in ((exact.rows, 1e-6), (kept.rows, RELATIVE_ERROR)):
        got = {(r.period, r.stage): r for r in rows if r.completed}
        assert set(got) == set(stats.index)
        for key, (median, p75) in stats.iterrows():
            for value, want in ((got[key].median, median), (got[key].p75, p75)):
                assert abs(value.total_seconds() - want) <= want * tolerance + 1, key
