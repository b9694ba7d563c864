"""Value service: open pipeline by stage, won revenue, deal size and win rate per period."""

from datetime import date
from decimal import Decimal

import pytest

from baton.errors import ValidationFailed
from baton.services.value import value_report
from tests.funnel_builders import at
from tests.program_builders import build_programs

JAN_FEB = {"start": date(2025, 1, 1), "end": date(2025, 2, 28), "grain": "month"}


def test_open_pipeline_holds_only_open_deals_by_their_leads_stage(session) -> None:
    build_programs(session)
    report = value_report(session, **JAN_FEB, now=at(2, 10))
    assert [(r.stage, r.count, r.amount) for r in report.pipeline] == [("mql", 1, Decimal(700))]


def test_results_per_period_and_totals_count_deals_closed_in_range(session) -> None:
    build_programs(session)
    report = value_report(session, **JAN_FEB, now=at(2, 10))
    got = {r.period: (r.won, r.won_amount, r.lost, r.average_deal_size, r.win_rate)
           for r in report.results}  # fmt: skip
    assert got == {
        "2025-01": (1, Decimal(3000), 1, Decimal(3000), 0.5),
        "2025-02": (1, Decimal(999), 0, Decimal(999), 1.0),
    }
    (total,) = report.totals
    assert (total.won, total.won_amount, total.lost) == (2, Decimal(3999), 1)
    assert (total.average_deal_size, total.win_rate) == (Decimal("1999.5"), 2 / 3)


def test_january_alone_leaves_out_the_deal_won_in_february(session) -> None:
    build_programs(session)
    jan = JAN_FEB | {"end": date(2025, 1, 31)}
    totals = value_report(session, **jan, by="channel", now=at(2, 10)).totals
    got = {r.segment: (r.won, r.won_amount, r.lost, r.win_rate) for r in totals}
    assert got == {("event",): (1, Decimal(3000), 0, 1.0), ("web",): (0, 0, 1, 0.0)}


def test_bad_parameters_are_refused(session) -> None:
    with pytest.raises(ValidationFailed):
        value_report(session, **(JAN_FEB | {"by": "colour"}), now=at(2, 10))
