"""Marketing's side: the recycled queue, rejection counts by reason, and re-entry as an MQL.

The fixture is tests.handoff_builders.recycling_fixture (its docstring has the table).
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.errors import ValidationFailed
from baton.models import Rejection, StageChange
from baton.schemas.events import EventIn
from baton.services.auth import SYSTEM
from baton.services.events import record_events
from baton.services.handoff import reject_lead
from baton.services.recycling import recycled_queue, rejection_counts
from tests.builders import make_lead, make_program
from tests.handoff_builders import actor, make_floor, moved, recycled, recycling_fixture


@pytest.fixture
def floor(session, clock):
    return make_floor(session, now=clock())


@pytest.fixture
def leads(session, clock, floor):
    return recycling_fixture(session, floor, now=clock())


def test_the_queue_lists_recycled_leads_newest_first_with_their_last_reason(session, clock, leads):
    page = recycled_queue(session, now=clock())
    ids = {lead.id: name for name, lead in leads["leads"].items()}
    assert page.total == 5
    assert [(ids[i.lead_id], i.reason_code) for i in page.items] == [
        ("L6", None),
        ("L4", "no_budget"),
        ("L3", "timing"),
        ("L1", "timing"),
        ("L5", "timing"),
    ]
    l4 = page.items[1]
    assert (l4.reason_label, l4.comment, l4.team_id, l4.recycled_at) == (
        "No budget",
        "no_budget comment",
        leads["t2"],
        clock() - timedelta(days=7),
    )


def test_the_queue_pages_and_filters(session, clock, leads):
    ids = {lead.id: name for name, lead in leads["leads"].items()}
    page = recycled_queue(session, limit=2, offset=2, now=clock())
    assert (page.total, [ids[i.lead_id] for i in page.items]) == (5, ["L3", "L1"])
    timing = recycled_queue(session, reason_code="timing", program_id=leads["p2"], now=clock())
    assert [ids[i.lead_id] for i in timing.items] == ["L3", "L5"]


def test_the_queue_shows_the_latest_rejection_of_a_lead_rejected_twice(session, clock, floor):
    program = make_program(session, now=clock())
    lead = recycled(session, clock(), days=20, program=program, code="timing")
    moved(session, lead, "mql", clock() - timedelta(days=10))
    moved(session, lead, "recycled", clock() - timedelta(days=2))
    session.add(
        Rejection(
            lead_id=lead.id,
            reason_code="no_budget",
            outcome="recycled",
            rejected_at=clock() - timedelta(days=2),
        )
    )
    session.flush()
    [item] = recycled_queue(session, now=clock()).items
    assert (item.reason_code, item.recycled_at) == ("no_budget", clock() - timedelta(days=2))


def counts(session, clock, **kw):
    result = rejection_counts(session, now=clock(), **kw)
    dims = [d if d not in ("program", "team") else f"{d}_id" for d in result.by]
    return result, [
        (r.reason_code, *(getattr(r, d) for d in dims), r.rejections) for r in result.rows
    ]


def test_reason_counts_over_the_last_90_days_by_default(session, clock, leads):
    result, rows = counts(session, clock)
    assert rows == [("timing", 3), ("no_budget", 2), ("not_icp", 1)]
    assert result.total == 6 and result.since == clock() - timedelta(days=90)
    assert [(r.recycled, r.disqualified) for r in result.rows] == [(3, 0), (2, 0), (0, 1)]
    assert result.rows[0].reason_label == "No need now (timing)"


def test_reason_counts_by_program_and_by_team(session, clock, leads):
    p1, p2, t1, t2 = leads["p1"], leads["p2"], leads["t1"], leads["t2"]
    _, by_program = counts(session, clock, by=("program",))
    assert by_program == [
        ("no_budget", p2, 2),
        ("timing", p1, 2),
        ("not_icp", p1, 1),
        ("timing", p2, 1),
    ]
    _, by_team = counts(session, clock, by=("team",))
    assert by_team == [("timing", t1, 3), ("no_budget", t2, 2), ("not_icp", t1, 1)]


def test_reason_counts_by_channel_and_playbook_version_with_filters(session, clock, leads):
    _, rows = counts(session, clock, by=("playbook_version", "channel"))
    assert rows == [
        ("no_budget", 1, "web", 1),
        ("no_budget", 2, "web", 1),
        ("not_icp", 1, "event", 1),
        ("timing", 1, "event", 1),
        ("timing", 1, "web", 1),
        ("timing", 2, "event", 1),
    ]
    _, team2 = counts(session, clock, team_id=leads["t2"])
    assert team2 == [("no_budget", 2)]
    _, v2 = counts(session, clock, playbook_version=2, channel="web")
    assert v2 == [("no_budget", 1)]


def test_reason_counts_over_a_chosen_range(session, clock, leads):
    _, year = counts(session, clock, since=clock() - timedelta(days=365))
    assert year == [("timing", 4), ("no_budget", 2), ("not_icp", 1)]
    _, week = counts(
        session, clock, since=clock() - timedelta(days=8), until=clock() - timedelta(days=6)
    )
    assert week == [("no_budget", 1), ("timing", 1)]


@pytest.mark.parametrize(
    ("kw", "path"),
    [({"by": ("region",)}, "by"), ({"since_days": 1, "until_days": 2}, "since")],
)
def test_bad_count_parameters_are_refused(session, clock, leads, kw, path):
    kw = dict(kw)
    if "since_days" in kw:
        kw = {
            "since": clock() - timedelta(days=kw["since_days"]),
            "until": clock() - timedelta(days=kw["until_days"]),
        }
    with pytest.raises(ValidationFailed) as caught:
        rejection_counts(session, now=clock(), **kw)
    assert [f["path"] for f in caught.value.fields] == [path]


def events(session, lead, at, *types):
    items = [EventIn(lead_id=lead.id, type=t, occurred_at=at) for t in types]
    record_events(session, items=items, actor=SYSTEM, now=at)


def test_a_recycled_lead_is_an_mql_again_only_after_new_engagement(session, clock, floor):
    start = clock()
    lead = make_lead(session, title="CTO", country="DE", properties={"employees": 1500}, now=start)
    # fit 40 (technical buyer, enterprise, core market); engagement 15 + 20 + 10 = 45
    events(session, lead, start, "webinar_attended", "event_attended", "form_submit")
    assert lead.stage == "mql"
    lead.owner_id, lead.team_id = floor.rep.id, floor.team.id
    reject_lead(
        session,
        lead_id=lead.id,
        reason_code="timing",
        actor=actor(floor.rep),
        now=start + timedelta(hours=1),
    )
    assert lead.stage == "recycled"
    # Still fit and engaged enough, but one page view (1 point) is not new engagement of 10.
    events(session, lead, start + timedelta(days=1), "page_view")
    assert lead.stage == "recycled"
    events(session, lead, start + timedelta(days=2), "form_submit")
    assert lead.stage == "mql"
    history = session.scalars(
        select(StageChange.to_stage).where(StageChange.lead_id == lead.id).order_by(StageChange.id)
    ).all()
    assert history == ["inquiry", "mql", "recycled", "mql"]
    last = session.scalars(
        select(StageChange).where(StageChange.lead_id == lead.id).order_by(StageChange.id)
    ).all()[-1]
    assert "since recycling" in last.reason
