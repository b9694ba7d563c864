"""Routing order: with room for only some MQLs, the likeliest wins are routed first."""

from sqlalchemy import select

from baton.models import Assignment
from baton.services.auth import SYSTEM
from baton.services.routing import route_unassigned
from tests.builders import T0
from tests.predict_builders import store_probability
from tests.team_builders import make_mql, make_rep, make_team


def routed(session) -> dict[int, str]:
    rows = session.scalars(select(Assignment).where(Assignment.ended_at.is_(None)))
    return {a.lead_id: a.status for a in rows}


def test_the_mql_with_the_higher_probability_gets_the_last_free_seat(session):
    rep = make_rep(session)
    make_team(session, "DACH", reps=[rep], capacities=[1], territory={"countries": ["DE"]})
    older, newer = make_mql(session, country="DE"), make_mql(session, country="DE")
    store_probability(session, older, 0.12)
    store_probability(session, newer, 0.81)
    route_unassigned(session, now=T0, actor=SYSTEM)
    assert routed(session) == {newer.id: "assigned", older.id: "queued"}


def test_without_predictions_the_oldest_mql_goes_first(session):
    rep = make_rep(session)
    make_team(session, "DACH", reps=[rep], capacities=[1], territory={"countries": ["DE"]})
    older, newer = make_mql(session, country="DE"), make_mql(session, country="DE")
    route_unassigned(session, now=T0, actor=SYSTEM)
    assert routed(session) == {older.id: "assigned", newer.id: "queued"}
