"""The clocks' report columns stay equal to their `details` through the real hand-off flows
(assign, accept, attempt, reject, qualify, reassign, the sweep's breach and window end), and
`product` is the lead's product, lower-cased, when the hand-off happened."""

from datetime import timedelta

from sqlalchemy import select

from baton.models import SlaClock
from baton.services.auth import Actor
from baton.services.handoff import accept_lead, log_attempt, qualify_lead, reject_lead
from baton.services.routing import reassign_lead
from baton.services.sla import sweep_sla
from tests.builders import make_lead
from tests.sla_builders import assign, berlin, make_floor

REPORTED = ("ended_by", "elapsed_seconds", "attempts", "over_contact")


def as_rep(user):
    return Actor(user_id=user.id, role=user.role, via="test")


def stored(session):
    """Every clock as the database holds it: (id, lead, kind, state, product, details, columns)."""
    session.flush()
    query = select(
        SlaClock.id, SlaClock.lead_id, SlaClock.kind, SlaClock.state, SlaClock.product,
        SlaClock.details, *(getattr(SlaClock, name) for name in REPORTED),
    ).order_by(SlaClock.id)  # fmt: skip
    return [
        (row[0], row[1], row[2], row[3], row[4], row[5], dict(zip(REPORTED, row[6:], strict=True)))
        for row in session.execute(query)
    ]


def log(session, lead, rep, at):
    return log_attempt(session, lead_id=lead.id, channel="call", outcome="no_answer",
                       actor=as_rep(rep), now=at)  # fmt: skip


def test_the_report_columns_follow_details_through_every_hand_off(session):
    floor = make_floor(session)
    rep, other = floor.rep, floor.other_rep
    day = lambda d, h, m=0: berlin(2026, 11, d, h, m)  # noqa: E731

    # Accepted, attempted six times (two over the four agreed), qualified.
    worked = make_lead(session, stage="mql", product_interest="Analytics", now=day(2, 8))
    assign(session, worked, rep, floor.team, now=day(2, 9))
    accept_lead(session, lead_id=worked.id, actor=as_rep(rep), now=day(2, 10))
    for d in range(2, 8):
        log(session, worked, rep, day(d, 11))
    qualify_lead(session, lead_id=worked.id, actor=as_rep(rep), now=day(9, 12))

    # Rejected at once: the accept clock is met, the first attempt no longer owed.
    rejected = make_lead(session, stage="mql", product_interest="Payments", now=day(2, 8))
    assign(session, rejected, rep, floor.team, now=day(2, 9))
    reject_lead(session, lead_id=rejected.id, reason_code="timing", actor=as_rep(rep),
                now=day(2, 10))  # fmt: skip

    # Nobody answers: the sweep breaches both clocks; a late attempt; the window runs out.
    late = make_lead(session, stage="mql", product_interest=None, now=day(4, 8))
    assign(session, late, rep, floor.team, now=day(4, 9))
    assert sweep_sla(session, now=day(5, 17)).breached == 2
    late.product_interest = "Analytics"  # changed after the hand-off: the clocks keep none
    session.flush()
    log(session, late, rep, day(6, 10))
    assert sweep_sla(session, now=day(6, 10) + timedelta(days=16)).recycled == 1

    # Taken from the rep before anyone answered, given to the other rep (after the sweeps).
    moved = make_lead(session, stage="mql", product_interest="payments", now=day(23, 8))
    assign(session, moved, rep, floor.team, now=day(23, 9))
    manager = Actor(user_id=floor.manager.id, role="sales_manager", via="test")
    reassign_lead(session, lead_id=moved.id, to_user_id=other.id, reason="holiday",
                  actor=manager, now=day(23, 10))  # fmt: skip

    rows = stored(session)
    for _id, _lead, _kind, _state, _product, details, columns in rows:
        assert columns == SlaClock.report_columns(details)
    products = {(lead, kind, product) for _id, lead, kind, _s, product, _d, _c in rows}
    assert products == {
        (worked.id, "accept", "analytics"),
        (worked.id, "first_attempt", "analytics"),
        (worked.id, "attempt_window", "analytics"),
        (rejected.id, "accept", "payments"),
        (rejected.id, "first_attempt", "payments"),
        (moved.id, "accept", "payments"),
        (moved.id, "first_attempt", "payments"),
        (late.id, "accept", None),
        (late.id, "first_attempt", None),
        (late.id, "attempt_window", None),
    }
    # The flows reached every way a clock ends and every number the report sums.
    ended = {(lead, kind, state, c["ended_by"]) for _i, lead, kind, state, _p, _d, c in rows}
    assert {
        (worked.id, "accept", "met", "accepted"),
        (worked.id, "first_attempt", "met", "attempt"),
        (worked.id, "attempt_window", "met", "qualified"),
        (rejected.id, "accept", "met", "rejected"),
        (rejected.id, "first_attempt", "cancelled", "rejected"),
        (moved.id, "accept", "cancelled", "reassigned"),
        (moved.id, "accept", "running", None),
        (late.id, "accept", "breached", "exhausted"),
        (late.id, "first_attempt", "breached", "attempt"),
        (late.id, "attempt_window", "met", "window_end"),
    } <= ended
    window = next(
        c for _i, lead, kind, *_r, c in rows if (lead, kind) == (worked.id, "attempt_window")
    )
    assert (window["attempts"], window["over_contact"]) == (6, 2)
    first = {
        lead: c["elapsed_seconds"] for _i, lead, kind, *_r, c in rows if kind == "first_attempt"
    }
    assert first[worked.id] == 2 * 3600  # 09:00 to 11:00 on a Monday
    assert first[late.id] == 17 * 3600  # two office days and an hour: late, and how late


def test_a_change_of_details_updates_the_columns_and_other_changes_keep_them(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql", product_interest="Analytics")
    _assignment, clocks = assign(session, lead, floor.rep, floor.team, now=berlin(2026, 11, 2, 9))
    clock = clocks[0]
    clock.details = {**clock.details, "ended_by": "attempt", "elapsed_seconds": 90}
    session.flush()
    session.expire_all()
    again = session.get(SlaClock, clock.id)
    assert (again.ended_by, again.elapsed_seconds, again.attempts) == ("attempt", 90.0, None)
    again.state = "met"  # a change that leaves details alone keeps the columns
    session.flush()
    assert session.scalar(select(SlaClock.ended_by).where(SlaClock.id == clock.id)) == "attempt"
    again.details = {**again.details, "attempts": 3, "over_contact": 1}
    session.flush()
    columns = session.execute(
        select(SlaClock.ended_by, SlaClock.attempts, SlaClock.over_contact)
        .where(SlaClock.id == clock.id)
    ).one()  # fmt: skip
    assert tuple(columns) == ("attempt", 3, 1)
