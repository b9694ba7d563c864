import re
import threading
import time

import pytest
from sqlalchemy import func, select

from baton.db import transaction
from baton.errors import Forbidden, IllegalTransition, NotFound, ValidationFailed
from baton.models import Lead, StageChange
from baton.rules.lifecycle import TRANSITIONS
from baton.services.auth import Actor
from baton.services.stages import transition_lead
from tests.builders import make_lead
from tests.rows import dump

ADMIN = Actor(user_id=None, role="admin", via="test")
MARKETING = Actor(user_id=None, role="marketing", via="test")
ALLOWED = [(a, b) for a, nexts in TRANSITIONS.items() for b in nexts]


def history(session, lead_id):
    return session.execute(
        select(StageChange.from_stage, StageChange.to_stage)
        .where(StageChange.lead_id == lead_id)
        .order_by(StageChange.id)
    ).all()


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_every_allowed_move_changes_the_stage_and_writes_one_history_row(
    session, clock, from_stage, to_stage
):
    lead = make_lead(session, stage=from_stage)
    before = len(history(session, lead.id))
    change = transition_lead(
        session,
        lead_id=lead.id,
        to_stage=to_stage,
        reason="because",
        actor=ADMIN,
        now=clock.advance(hours=1),
    )
    assert session.get(Lead, lead.id).stage == to_stage
    assert lead.updated_at == clock()
    rows = history(session, lead.id)
    assert len(rows) == before + 1 and rows[-1] == (from_stage, to_stage)
    assert (change.changed_at, change.via, change.reason) == (clock(), "test", "because")


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "allowed"),
    [
        ("inquiry", "sal", "mql, disqualified"),
        ("opportunity", "recycled", "won, lost"),
        ("won", "mql", "none (it is final)"),
        ("mql", "mql", "sal, recycled, disqualified"),
    ],
)
def test_an_illegal_move_is_refused_naming_the_allowed_stages_and_changes_nothing(
    session, clock, from_stage, to_stage, allowed
):
    lead = make_lead(session, stage=from_stage)
    before = dump(session)
    with pytest.raises(
        IllegalTransition, match=re.escape(f"allowed next: {allowed}") + "$"
    ) as caught:
        transition_lead(
            session, lead_id=lead.id, to_stage=to_stage, reason="x", actor=ADMIN, now=clock()
        )
    assert caught.value.status == 409
    assert dump(session) == before


def test_a_recycled_lead_can_become_mql_again_and_both_passes_are_counted(session, clock):
    lead = make_lead(session, stage="inquiry")
    for stage in ("mql", "recycled", "mql"):
        transition_lead(
            session, lead_id=lead.id, to_stage=stage, reason="r", actor=MARKETING, now=clock()
        )
    mql_passes = session.scalar(
        select(func.count())
        .select_from(StageChange)
        .where(StageChange.lead_id == lead.id, StageChange.to_stage == "mql")
    )
    assert mql_passes == 2
    assert [to for _, to in history(session, lead.id)] == ["inquiry", "mql", "recycled", "mql"]


def test_only_an_admin_may_reopen_a_disqualified_lead(session, clock):
    lead = make_lead(session, stage="disqualified")
    before = dump(session)
    with pytest.raises(Forbidden):
        transition_lead(
            session, lead_id=lead.id, to_stage="inquiry", reason=None, actor=MARKETING, now=clock()
        )
    assert dump(session) == before
    transition_lead(
        session, lead_id=lead.id, to_stage="inquiry", reason=None, actor=ADMIN, now=clock()
    )
    assert lead.stage == "inquiry"


@pytest.mark.parametrize("to_stage", ["recycled", "disqualified"])
@pytest.mark.parametrize("reason", [None, "   "])
def test_leaving_the_funnel_needs_a_reason(session, clock, to_stage, reason):
    lead = make_lead(session, stage="mql")
    before = dump(session)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        transition_lead(
            session, lead_id=lead.id, to_stage=to_stage, reason=reason, actor=ADMIN, now=clock()
        )
    assert dump(session) == before


def test_an_overlong_reason_is_refused(session, clock):
    lead = make_lead(session, stage="mql")
    before = dump(session)
    with pytest.raises(ValidationFailed, match="2000"):
        transition_lead(
            session, lead_id=lead.id, to_stage="sal", reason="x" * 2001, actor=ADMIN, now=clock()
        )
    assert dump(session) == before


def test_an_erased_lead_cannot_change_stage(session, clock):
    lead = make_lead(session, stage="mql", email=None, erased_at=clock())
    before = dump(session)
    with pytest.raises(ValidationFailed, match="erased") as caught:
        transition_lead(
            session, lead_id=lead.id, to_stage="sal", reason=None, actor=ADMIN, now=clock()
        )
    assert caught.value.status == 422
    assert dump(session) == before


def test_unknown_lead_and_unknown_stage_are_refused(session, clock):
    lead = make_lead(session, stage="mql")
    before = dump(session)
    with pytest.raises(NotFound):
        transition_lead(
            session, lead_id=lead.id + 999, to_stage="sal", reason=None, actor=ADMIN, now=clock()
        )
    with pytest.raises(ValidationFailed, match="unknown stage"):
        transition_lead(
            session, lead_id=lead.id, to_stage="closed", reason=None, actor=ADMIN, now=clock()
        )
    assert dump(session) == before


def test_two_concurrent_moves_cannot_both_leave_the_same_stage(committed_engine, clock):
    with transaction(committed_engine) as s:
        lead_id = make_lead(s, stage="mql").id
    first_moved, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def move(name: str, hold: bool) -> None:
        try:
            with transaction(committed_engine) as s:
                transition_lead(
                    s, lead_id=lead_id, to_stage="sal", reason=name, actor=ADMIN, now=clock()
                )
                if hold:  # keep the transaction (and its lock) open while the other starts
                    first_moved.set()
                    release.wait(10)
            outcome[name] = "moved"
        except IllegalTransition as exc:
            outcome[name] = exc

    first = threading.Thread(target=move, args=("first", True))
    second = threading.Thread(target=move, args=("second", False))
    first.start()
    assert first_moved.wait(10)
    second.start()
    time.sleep(0.3)  # let the second reach the lock
    release.set()
    first.join(10)
    second.join(10)
    assert outcome["first"] == "moved"
    assert isinstance(outcome["second"], IllegalTransition)
    with transaction(committed_engine) as s:
        assert [to for _, to in history(s, lead_id)] == ["mql", "sal"]
