"""Kept-up aggregates agree with the reference rules over stage history, however they are fed."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from baton.models import AnalyticsState, FunnelCount, Lead, StageChange, StageStay
from baton.rules.funnel.histogram import RELATIVE_ERROR
from baton.services.analytics import catch_up, rebuild
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume
from tests.funnel_builders import at, build_funnel

Q1 = {"start": date(2025, 1, 1), "end": date(2025, 3, 31)}
NOW = at(4, 1)
BYS = [None, "product", "team", "channel", "program", "persona", "owner"]


def _same_reports(session, *, grain: str, by: str | None) -> None:
    args = {**Q1, "grain": grain, "by": by, "now": NOW}
    for measure in (funnel_volume, funnel_conversion):
        kept = measure(session, **args, source="aggregates")
        assert kept.source == "aggregates"
        assert kept.rows == measure(session, **args, source="history").rows
    kept = funnel_velocity(session, **args, source="aggregates").rows
    exact = funnel_velocity(session, **args, source="history").rows
    assert [(r.period, r.stage, r.segment, r.completed, r.open) for r in kept] == [
        (r.period, r.stage, r.segment, r.completed, r.open) for r in exact
    ]
    for k, e in zip(kept, exact, strict=True):
        for name in ("median", "p75", "business_median", "business_p75"):
            got, want = getattr(k, name), getattr(e, name)
            assert (got is None) == (want is None), name
            if want is not None:
                assert abs(got - want) <= want * RELATIVE_ERROR + timedelta(seconds=1), name


@pytest.mark.parametrize("grain", ["week", "month", "quarter"])
def test_aggregates_agree_with_the_history_for_every_segment(session, grain) -> None:
    build_funnel(session)
    for by in BYS:
        _same_reports(session, grain=grain, by=by)


def test_passes_written_after_a_catch_up_are_folded_in_later_in_small_slices(session) -> None:
    ids = build_funnel(session)
    first = catch_up(session, now=NOW, slice_rows=3)
    assert (first.processed, first.slices) == (12, 4)  # 3 entries + 9 moves
    # B moves on, A is recycled again: the open stays close, conversions credit once.
    session.add_all([
        StageChange(lead_id=ids["B"], from_stage="mql", to_stage="sal", changed_at=at(3, 20),
                    via="test"),
        StageChange(lead_id=ids["A"], from_stage="sal", to_stage="recycled",
                    changed_at=at(3, 25), via="test"),
    ])  # fmt: skip
    session.flush()
    second = catch_up(session, now=NOW, slice_rows=1)
    assert (second.processed, second.slices) == (2, 2)
    assert catch_up(session, now=NOW).processed == 0
    b_mql = session.scalars(
        select(StageStay).where(StageStay.lead_id == ids["B"], StageStay.stage == "mql")
    ).one()
    assert (b_mql.left_at, b_mql.next_stage, b_mql.converted_next) == (at(3, 20), "sal", True)
    assert b_mql.calendar_seconds == (at(3, 20) - at(2, 4)).total_seconds()
    for by in (None, "channel"):
        _same_reports(session, grain="month", by=by)


def test_rebuild_gives_the_same_counters(session) -> None:
    build_funnel(session)
    catch_up(session, now=NOW)
    before = session.execute(select(FunnelCount).order_by(*FunnelCount.__table__.primary_key))
    snapshot = [(c.grain, c.dim, c.period, c.value, c.stage, c.entries, c.converted_next)
                for c in before.scalars()]  # fmt: skip
    again = rebuild(session, now=NOW)
    assert again.rebuilt and again.processed == 12
    after = session.execute(select(FunnelCount).order_by(*FunnelCount.__table__.primary_key))
    assert [(c.grain, c.dim, c.period, c.value, c.stage, c.entries, c.converted_next)
            for c in after.scalars()] == snapshot  # fmt: skip


def test_a_changed_company_zone_rebuilds_the_period_keys(session) -> None:
    build_funnel(session)
    catch_up(session, now=NOW)
    state = session.get(AnalyticsState, 1)
    state.timezone = "America/New_York"  # as if cut in another zone
    session.flush()
    assert catch_up(session, now=NOW).rebuilt
    assert session.get(AnalyticsState, 1).timezone == "Europe/Berlin"
    assert session.scalar(select(func.count()).select_from(StageStay)) == 12


def test_segments_are_kept_as_they_were_when_the_pass_was_recorded(session) -> None:
    ids = build_funnel(session)
    catch_up(session, now=NOW)
    session.get(Lead, ids["B"]).channel = "partner"  # B's mql pass was recorded as "event"
    session.flush()
    kept = funnel_volume(session, **Q1, grain="month", by="channel", now=NOW)
    feb = {r.segment: r.entries for r in kept.rows if (r.period, r.stage) == ("2025-02", "mql")}
    assert feb == {("event",): 1}
    current = funnel_volume(session, **Q1, grain="month", by="channel", now=NOW, source="history")
    feb = {r.segment: r.entries for r in current.rows if (r.period, r.stage) == ("2025-02", "mql")}
    assert feb == {("partner",): 1}


def test_a_move_through_the_stage_service_shows_in_the_next_report(session) -> None:
    from baton.services.auth import Actor
    from baton.services.stages import transition_lead

    ids = build_funnel(session)
    before = funnel_volume(session, **Q1, grain="month", now=NOW)  # caught up here
    transition_lead(session, lead_id=ids["B"], to_stage="sal", reason=None,
                    actor=Actor(user_id=None, role="admin", via="test"), now=at(3, 20))  # fmt: skip
    after = funnel_volume(session, **Q1, grain="month", now=NOW)
    sal = {r.period: r.entries for r in after.rows if r.stage == "sal"}
    assert sal["2025-03"] == 1 + {r.period: r.entries for r in before.rows
                                  if r.stage == "sal"}["2025-03"]  # fmt: skip


def test_the_worker_job_is_in_the_table_and_commits_slice_by_slice(committed_engine, monkeypatch):
    from sqlalchemy.orm import Session

    from baton.jobs import JOBS
    from baton.services.analytics import catch_up_job, catchup

    assert JOBS["analytics"].run is catch_up_job and JOBS["analytics"].interval_seconds == 60
    with Session(committed_engine) as s:
        build_funnel(s)
        s.commit()
    monkeypatch.setattr(catchup, "SLICE", 5)
    commits = []
    with Session(committed_engine) as s:
        monkeypatch.setattr(s, "commit", lambda real=s.commit: (commits.append(1), real())[1])
        assert catch_up_job(s, NOW) == "12 stage change(s) in 3 slice(s)"
    assert len(commits) == 3
    with Session(committed_engine) as s:
        assert s.get(AnalyticsState, 1).last_stage_change_id == s.scalar(
            select(func.max(StageChange.id))
        )
        assert s.scalar(select(func.count()).select_from(StageStay)) == 12


def test_a_late_commit_below_the_mark_is_folded_in_from_the_window(session, monkeypatch) -> None:
    from baton.services.analytics import catchup

    ids = build_funnel(session)
    monkeypatch.setattr(catchup, "LATE_WINDOW", {"sqlite": 50, "postgresql": 50})
    top = session.scalar(select(func.max(StageChange.id)))

    def move(id_: int, to_stage: str, day: int) -> None:
        session.add(StageChange(id=id_, lead_id=ids["B"], from_stage="mql", to_stage=to_stage,
                                changed_at=at(3, day), via="test"))  # fmt: skip
        session.flush()

    move(top + 10, "sal", 20)
    assert catch_up(session, now=NOW).processed == 13
    move(top + 5, "recycled", 25)  # a smaller id committed after the mark passed it
    again = catch_up(session, now=NOW)
    assert again.processed == 1 and again.last_id == top + 10
    assert catch_up(session, now=NOW).processed == 0
