"""Table tests of the hand-off rules: who may act, what each stage allows, working status."""

import pytest

from baton.errors import Forbidden, IllegalTransition
from baton.rules.handoff import (
    Acting,
    Action,
    Holding,
    after_accept,
    after_attempt,
    allowed_actions,
    check_may_act,
    check_stage,
    refusal,
)

OWNER, MANAGER, OTHER = 1, 2, 3
LEAD = Holding(owner_id=OWNER, manager_id=MANAGER)
ALL_LEAD_ACTIONS = [a for a in Action if a is not Action.REASSIGN]


@pytest.mark.parametrize(
    ("user_id", "role", "holding", "allowed"),
    [
        (OWNER, "sales_rep", LEAD, True),
        (MANAGER, "sales_manager", LEAD, True),
        (None, "admin", LEAD, True),  # the CLI and the system act as admin
        (OTHER, "admin", LEAD, True),
        (OTHER, "sales_rep", LEAD, False),
        (OTHER, "sales_manager", LEAD, False),  # a manager of another team
        (OTHER, "marketing", LEAD, False),
        (None, "sales_rep", Holding(owner_id=None, manager_id=None), False),
        (MANAGER, "sales_manager", Holding(owner_id=None, manager_id=MANAGER), True),  # queued
        (OWNER, "sales_rep", Holding(owner_id=None, manager_id=MANAGER), False),
        # the role does not matter, the holding does: a marketing user who owns the lead
        (OWNER, "marketing", LEAD, True),
        (OTHER, "sales_rep", Holding(owner_id=OWNER, manager_id=None, deal_owner_id=OTHER), True),
    ],
)
@pytest.mark.parametrize("action", ALL_LEAD_ACTIONS)
def test_only_owner_manager_or_admin_may_act(user_id, role, holding, allowed, action):
    assert (refusal(action, Acting(user_id, role), holding) is None) is allowed


@pytest.mark.parametrize(
    ("user_id", "role", "allowed"),
    [
        (OWNER, "sales_rep", False),
        (MANAGER, "sales_manager", True),
        (None, "admin", True),
        (OTHER, "sales_manager", False),
    ],
)
def test_only_the_manager_or_an_admin_may_reassign(user_id, role, allowed):
    assert (refusal(Action.REASSIGN, Acting(user_id, role), LEAD) is None) is allowed


def test_a_refusal_is_a_403_saying_who_may_act():
    with pytest.raises(Forbidden, match="only the lead's owner, the manager of its team"):
        check_may_act(Action.ACCEPT, Acting(OTHER, "sales_rep"), LEAD)
    with pytest.raises(Forbidden, match="only the manager of the lead's team or an admin"):
        check_may_act(Action.REASSIGN, Acting(OWNER, "sales_rep"), LEAD)


@pytest.mark.parametrize(
    ("stage", "actions"),
    [
        ("inquiry", ()),
        ("mql", ("accept", "reject", "attempt", "connect", "reassign")),
        ("sal", ("reject", "attempt", "connect", "qualify", "reassign")),
        ("sql", ("reject", "attempt", "reassign", "open_opportunity")),
        ("opportunity", ("reassign", "open_opportunity")),
        ("won", ()),
        ("lost", ()),
        ("recycled", ()),
        ("disqualified", ()),
    ],
)
def test_each_stage_allows_these_actions(stage, actions):
    assert allowed_actions(stage) == actions


@pytest.mark.parametrize(
    ("action", "stage", "message"),
    [
        (
            Action.ACCEPT,
            "sal",
            "a lead in sal does not allow accept (only in mql); allowed actions: reject, "
            "attempt, connect, qualify, reassign; allowed next stages: sql, recycled, "
            "disqualified",
        ),
        (
            Action.QUALIFY,
            "won",
            "a lead in won does not allow qualify (only in sal); allowed actions: none; "
            "allowed next stages: none (it is final)",
        ),
    ],
)
def test_an_action_the_stage_does_not_allow_is_a_409_naming_what_it_allows(action, stage, message):
    with pytest.raises(IllegalTransition) as caught:
        check_stage(action, stage)
    assert caught.value.message == message
    assert caught.value.status == 409


def test_deal_changes_do_not_depend_on_the_lead_stage():
    for stage in ("opportunity", "won", "lost"):
        check_stage(Action.CLOSE_OPPORTUNITY, stage)
        check_stage(Action.UPDATE_OPPORTUNITY, stage)


@pytest.mark.parametrize(
    ("status", "outcome", "after"),
    [
        (None, "no_answer", "attempting"),
        ("new", "left_message", "attempting"),
        ("new", "connected", "connected"),
        ("attempting", "bounced", "attempting"),
        ("attempting", "connected", "connected"),
        ("connected", "no_answer", "connected"),  # never backwards
        ("qualified", "connected", "qualified"),
        ("qualified", "no_answer", "qualified"),
    ],
)
def test_working_status_after_an_attempt(status, outcome, after):
    assert after_attempt(status, outcome) == after


@pytest.mark.parametrize(
    ("status", "after"),
    [(None, "new"), ("new", "new"), ("attempting", "attempting"), ("connected", "connected")],
)
def test_acceptance_keeps_work_that_began(status, after):
    assert after_accept(status) == after
