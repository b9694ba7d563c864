"""Program and channel yield: GROUP BY counts over passes and deals, cost per step, ROI."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import Program
from baton.services.program_report import program_report, prorated_cost
from tests.funnel_builders import at
from tests.program_builders import build_programs

JAN = {"start": date(2025, 1, 1), "end": date(2025, 1, 31), "now": at(2, 10)}


def _counts(row):
    return (row.leads, row.mqls, row.sals, row.sqls, row.opportunities, row.won, row.revenue,
            row.cost)  # fmt: skip


def test_per_program_counts_every_pass_and_only_deals_won_in_range(session) -> None:
    ids = build_programs(session)
    rows = {row.key: row for row in program_report(session, **JAN)}
    webinar, ads, idle = rows[ids["Webinar"]], rows[ids["Ads"]], rows[ids["Idle"]]
    assert webinar.name == "Webinar"
    assert _counts(webinar) == (2, 3, 1, 1, 1, 1, Decimal(3000), Decimal(1000))
    assert _counts(ads) == (1, 2, 0, 0, 3, 0, Decimal(0), Decimal(500))
    assert _counts(idle) == (0, 0, 0, 0, 0, 0, Decimal(0), Decimal(0))
    assert rows[None].leads == 1


def test_cost_per_step_and_roi_are_none_when_their_divisor_is_zero(session) -> None:
    ids = build_programs(session)
    rows = {row.key: row for row in program_report(session, **JAN)}
    webinar, ads, idle = rows[ids["Webinar"]], rows[ids["Ads"]], rows[ids["Idle"]]
    assert webinar.cost_per(webinar.leads) == 500
    assert round(webinar.cost_per(webinar.mqls), 2) == Decimal("333.33")
    assert webinar.cost_per(webinar.won) == 1000
    assert webinar.roi == 2
    assert ads.cost_per(ads.sqls) is None and ads.cost_per(ads.won) is None
    assert ads.roi == -1
    assert idle.roi is None and idle.cost_per(idle.leads) is None


def test_by_channel_sums_program_costs_and_counts_leads_by_their_channel(session) -> None:
    build_programs(session)
    rows = {row.key: row for row in program_report(session, **JAN, by="channel")}
    assert list(rows) == ["event", "web"]
    assert _counts(rows["event"]) == (2, 3, 1, 1, 1, 1, Decimal(3000), Decimal(1000))
    assert _counts(rows["web"]) == (2, 2, 0, 0, 3, 0, Decimal(0), Decimal(500))


@pytest.mark.parametrize(
    ("args", "path"),
    [({"by": "persona"}, "by"), ({"start": date(2025, 2, 1)}, "from")],
)
def test_bad_parameters_are_refused_and_change_nothing(session, args, path) -> None:
    build_programs(session)
    before = session.scalar(select(func.count()).select_from(Program))
    with pytest.raises(ValidationFailed) as raised:
        program_report(session, **(JAN | args))
    assert [f["path"] for f in raised.value.fields] == [path]
    assert session.scalar(select(func.count()).select_from(Program)) == before


def test_cost_is_prorated_by_the_days_of_the_run_inside_the_range(session) -> None:
    ids = build_programs(session)
    running = session.get(Program, ids["Webinar"])
    running.starts_on, running.ends_on = date(2024, 12, 2), date(2025, 2, 9)  # 70 days
    session.flush()
    rows = {r.key: r for r in program_report(session, **JAN)}
    assert rows[ids["Webinar"]].cost == Decimal(1000) * 31 / 70  # all of January is inside
    assert rows[ids["Ads"]].cost == 500  # no dates: the whole cost
    # Partly inside, wholly outside, and a single-day run.
    assert prorated_cost(Decimal(100), date(2025, 1, 30), date(2025, 2, 8), date(2025, 1, 1),
                         date(2025, 1, 31)) == Decimal(20)  # fmt: skip
    assert prorated_cost(Decimal(100), date(2025, 3, 1), date(2025, 3, 9), date(2025, 1, 1),
                         date(2025, 1, 31)) == 0  # fmt: skip
    assert prorated_cost(Decimal(7), date(2025, 1, 5), date(2025, 1, 5), date(2025, 1, 1),
                         date(2025, 1, 31)) == 7  # fmt: skip
